/**
 * Rebuilding jobs of a known plan (`planner/rebuild.ts`) from the records the
 * up-to-date snapshot keeps: the same jobs as planning gives, file records
 * included, for rules with and without gathers; records that no longer fit
 * the rule give no plan (the caller then plans everything).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/ir/plan.js';
import { plan, rebuildPlan, type RebuildJob } from '../../../src/planner/index.js';
import { memoryFs } from '../../helpers/memory-fs.js';
import { workflow } from '../../helpers/workflow.js';

/** Raw → cal per observation, and a merge reading a calibration file and every cal output. */
function survey() {
  return workflow()
    .wildcard('obsid', '[0-9]{4}')
    .product('raw', 'L0', 'raw/{obsid}.dat')
    .product('cal', 'L1', 'L1/{obsid}.dat')
    .product('cat', 'L3', 'L3/cat.tsv')
    .rule('calibrate', { level: 'L1', inputs: [{ product: 'raw', name: 'raw' }, { path: 'caldb/bias.dat', name: 'bias' }], outputs: ['cal'], shell: 'cal {input.raw} {input.bias} > {output}' })
    .rule('merge', { inputs: [{ path: 'caldb/bias.dat', name: 'bias' }, { all: 'cal', name: 'cals' }], outputs: ['cat'], shell: 'merge {input.bias} {input.cals} > {output}' })
    .defaults('cat')
    .build();
}

/** The records the snapshot keeps for every job of `p`. */
function records(p: Plan): RebuildJob[] {
  const targets = new Set(p.targets);
  return p.jobs.map((j) => ({
    rule: j.rule,
    values: Object.values(j.wildcards),
    inputs: j.inputs,
    outputs: j.outputPaths,
    deps: j.depIndex ?? [],
    target: targets.has(j.id),
  }));
}

/** Everything a job shows, as plain data. */
const shown = (p: Plan) => p.jobs.map((j) => ({ id: j.id, inputs: j.inputs, outputs: j.outputs, inputPaths: j.inputPaths, command: j.command, deps: j.deps }));

describe('rebuildPlan', () => {
  it('gives the planned jobs back from their records, a gather between other inputs included', async () => {
    const wf = survey();
    const planned = (await plan(wf, { targets: [], where: {}, config: wf.config, fs: memoryFs({ 'raw/0001.dat': '', 'raw/0002.dat': '', 'caldb/bias.dat': '' }) })).plan!;
    const merge = planned.jobs.at(-1)!;
    expect(merge.inputs).toEqual([
      { path: 'caldb/bias.dat', name: 'bias', gather: false },
      { path: 'L1/0001.dat', name: 'cals', product: 'cal', gather: true },
      { path: 'L1/0002.dat', name: 'cals', product: 'cal', gather: true },
    ]);
    expect(merge.command).toBe('merge caldb/bias.dat L1/0001.dat L1/0002.dat > L3/cat.tsv');
    const rebuilt = rebuildPlan(wf, wf.config, records(planned));
    expect(rebuilt).toBeDefined();
    expect(shown(rebuilt!)).toEqual(shown(planned));
  });

  it('gives no plan when the records no longer fit the rule', async () => {
    const wf = survey();
    const planned = (await plan(wf, { targets: [], where: {}, config: wf.config, fs: memoryFs({ 'raw/0001.dat': '', 'caldb/bias.dat': '' }) })).plan!;
    const recs = records(planned);
    const merge = recs.length - 1;
    const withoutGather = recs.map((r, i) => (i === merge ? { ...r, inputs: r.inputs.filter((x) => !x.gather) } : r));
    expect(rebuildPlan(wf, wf.config, withoutGather)).toBeUndefined();
    const extraInput = recs.map((r, i) => (i === 0 ? { ...r, inputs: [...r.inputs, r.inputs[0]!] } : r));
    expect(rebuildPlan(wf, wf.config, extraInput)).toBeUndefined();
  });
});
