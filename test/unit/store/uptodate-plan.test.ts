/**
 * The snapshot's columnar plan (`store/uptodate-plan.ts`): encoded from a
 * plan, it answers which jobs a change of some files can affect, in plan
 * order, with their inputs, outputs and dependencies as the planner gave them.
 */
import { describe, expect, it } from 'vitest';
import { affectedJobs, encodePlan } from '../../../src/store/uptodate-plan.js';
import { job, makePlan } from '../../helpers/plan.js';

/** raw → l1 → (l2a, l2b) per observation, and one gather of every l2b output. */
function chain(n: number) {
  const obs = Array.from({ length: n }, (_, i) => `o${i}`);
  const jobs = [
    ...obs.flatMap((o) => [
      job({ rule: 'l1', wildcards: { obs: o }, inputs: [`raw/${o}`], outputs: [`L1/${o}`] }),
      job({ rule: 'l2a', wildcards: { obs: o }, inputs: [`L1/${o}`], outputs: [`L2/${o}.a`] }),
      job({ rule: 'l2b', wildcards: { obs: o }, inputs: [`L1/${o}`], outputs: [`L2/${o}.b`] }),
    ]),
    job({ rule: 'cat', inputs: obs.map((o) => `L2/${o}.b`), outputs: ['L3/cat'] }),
  ];
  const plan = makePlan('/r', jobs);
  const paths = [...new Set(plan.jobs.flatMap((j) => [...j.inputs.map((x) => x.path as string), ...j.outputs.map((x) => x.path as string)]))];
  const index = new Map(paths.map((p, i) => [p, i]));
  return { plan, paths, encoded: encodePlan(plan, (p) => index.get(p)!), index };
}

describe('affectedJobs', () => {
  it('gives the readers of a changed file and everything downstream, in plan order, and counts the rest per rule', () => {
    const { paths, encoded, index } = chain(5);
    const a = affectedJobs(encoded, paths, [index.get('raw/o2')!], () => true)!;
    expect(a.jobs.map((j) => `${j.rule}:${j.values.join(',')}`)).toEqual(['l1:o2', 'l2a:o2', 'l2b:o2', 'cat:']);
    expect(a.jobs.map((j) => j.deps)).toEqual([[], [0], [0], [2]]);
    expect(a.jobs[3]!.inputs.map((x) => x.path)).toEqual(['L2/o0.b', 'L2/o1.b', 'L2/o2.b', 'L2/o3.b', 'L2/o4.b']);
    expect(a.jobs.map((j) => j.target)).toEqual([false, true, false, true]);
    expect([...a.outside]).toEqual([['l1', 4], ['l2a', 4], ['l2b', 4]]);
    expect(a.files.map((f) => paths[f])).toEqual(
      ['raw/o2', 'L1/o2', 'L2/o2.a', 'L2/o2.b', 'L2/o0.b', 'L2/o1.b', 'L2/o3.b', 'L2/o4.b', 'L3/cat'].sort((x, y) => index.get(x)! - index.get(y)!),
    );
  });

  it('gives the producer of a changed output, so that it is rebuilt', () => {
    const { paths, encoded, index } = chain(3);
    const a = affectedJobs(encoded, paths, [index.get('L2/o1.a')!], () => true)!;
    expect(a.jobs.map((j) => `${j.rule}:${j.values.join(',')}`)).toEqual(['l2a:o1']);
  });

  it('gives up (plan everything) when an affected job reads a missing file or more than half the jobs are affected', () => {
    const { paths, encoded, index } = chain(5);
    expect(affectedJobs(encoded, paths, [index.get('raw/o2')!], (f) => paths[f] !== 'L2/o4.b')).toBeUndefined();
    expect(affectedJobs(encoded, paths, ['raw/o0', 'raw/o1', 'raw/o2'].map((p) => index.get(p)!), () => true)).toBeUndefined();
    expect(affectedJobs(encoded, paths, ['raw/o0', 'raw/o1'].map((p) => index.get(p)!), () => true)!.jobs).toHaveLength(7);
  });
});
