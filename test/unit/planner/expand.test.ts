import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/planner/index.js';
import { memoryFs } from '../../helpers/memory-fs.js';
import { E, targets, workflow } from '../../helpers/workflow.js';

/** The spec §1 x-ray pipeline, without the include. */
function xray() {
  return workflow()
    .config({ gain: 1.02, exclude: ['0003'] })
    .wildcard('obsid', '[0-9]{4}')
    .product('telem', 'L0', 'raw/{obsid}/telem.dat')
    .product('evt1', 'L1', 'L1/{obsid}/evt1.dat')
    .product('evt2', 'L2', 'L2/{obsid}/evt2.dat')
    .product('srclist', 'L2', 'L2/{obsid}/src.tsv')
    .product('catalog', 'L3', 'L3/catalog.tsv')
    .rule('calibrate', {
      level: 'L1',
      inputs: [{ product: 'telem', name: 'raw' }, { path: 'caldb/bias.dat', name: 'bias' }],
      outputs: [{ product: 'evt1', temp: true }],
      params: { gain: { $config: 'gain' } },
      when: E.notIn(E.name('obsid'), E.config('exclude')),
      shell: 'calibrate --gain {params.gain} {input.raw} {input.bias} > {output}',
    })
    .rule('filter', { inputs: ['evt1'], outputs: ['evt2'], shell: 'filter_events --in {input} --out {output}' })
    .rule('detect', { inputs: ['evt2'], outputs: ['srclist'], shell: 'detect {input} > {output}' })
    .rule('merge', { inputs: [{ all: 'srclist' }], outputs: [{ product: 'catalog', protected: true }], shell: 'merge_catalogs {input} > {output}' })
    .defaults('catalog')
    .build();
}

const files = {
  'raw/0001/telem.dat': '',
  'raw/0002/telem.dat': '',
  'raw/0003/telem.dat': '',
  'raw/abcd/telem.dat': '',
  'caldb/bias.dat': '',
};

describe('forward propagation', () => {
  it('plans the spec example: constraint, when not in config list, gather in byte order', async () => {
    const wf = xray();
    const fs = memoryFs(files);
    const result = await plan(wf, { targets: [], where: {}, config: wf.config, fs });
    expect(result.diagnostics).toEqual([]);
    const ids = result.plan!.jobs.map((j) => j.id);
    expect(ids).toEqual([
      'calibrate[obsid=0001]',
      'calibrate[obsid=0002]',
      'filter[obsid=0001]',
      'filter[obsid=0002]',
      'detect[obsid=0001]',
      'detect[obsid=0002]',
      'merge',
    ]);
    const merge = result.plan!.jobs.at(-1)!;
    expect(merge.command).toBe('merge_catalogs L2/0001/src.tsv L2/0002/src.tsv > L3/catalog.tsv');
    expect(merge.deps).toEqual(['detect[obsid=0001]', 'detect[obsid=0002]']);
    expect(result.plan!.jobs[0]!.command).toBe('calibrate --gain 1.02 raw/0001/telem.dat caldb/bias.dat > L1/0001/evt1.dat');
    expect(result.plan!.sources).toEqual(['caldb/bias.dat', 'raw/0001/telem.dat', 'raw/0002/telem.dat']);
    expect(fs.globCalls).toEqual(['raw/*/telem.dat']);
  });

  it('reports a path target chain', async () => {
    const wf = xray();
    const result = await plan(wf, { targets: targets('L2/0004/src.tsv'), where: {}, config: wf.config, fs: memoryFs(files) });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'WF2102 L2/0004/src.tsv needs L2/0004/evt2.dat (rule filter) needs L1/0004/evt1.dat (rule calibrate) needs raw/0004/telem.dat, which does not exist',
    ]);
  });
});
