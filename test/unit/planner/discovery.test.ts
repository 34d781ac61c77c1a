import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/planner/index.js';
import { memoryFs } from '../../helpers/memory-fs.js';
import { targets, workflow } from '../../helpers/workflow.js';

describe('discovery and forward propagation', () => {
  it('ignores files that break a wildcard constraint', async () => {
    const wf = workflow()
      .wildcard('obsid', '[0-9]{4}')
      .product('telem', 'L0', 'raw/{obsid}/telem.dat')
      .product('evt', 'L1', 'L1/{obsid}/evt.dat')
      .rule('cal', { inputs: ['telem'], outputs: ['evt'] })
      .build();
    const fs = memoryFs({ 'raw/0001/telem.dat': '', 'raw/abcd/telem.dat': '', 'L1/9999/evt.dat': '' });
    const r = await plan(wf, { targets: [], where: {}, config: {}, fs });
    expect(r.plan!.jobs.map((j) => j.id)).toEqual(['cal[obsid=0001]']);
  });

  it('joins two inputs on their shared wildcard with one job per matching pair', async () => {
    const wf = workflow()
      .product('evt', 'L1', 'L1/{obsid}/evt.dat')
      .product('att', 'L1', 'aux/{obsid}/att.dat')
      .product('img', 'L2', 'L2/{obsid}/img.fits')
      .rule('image', { inputs: ['evt', 'att'], outputs: ['img'], shell: 'mk {input.evt} {input.att} {output}' })
      .build();
    const fs = memoryFs({ 'L1/a/evt.dat': '', 'L1/b/evt.dat': '', 'aux/b/att.dat': '', 'aux/c/att.dat': '' });
    const r = await plan(wf, { targets: [], where: {}, config: {}, fs });
    expect(r.plan!.jobs.map((j) => j.command)).toEqual(['mk L1/b/evt.dat aux/b/att.dat L2/b/img.fits']);
  });

  it('makes one mosaic per field, each gathering its observations in byte order', async () => {
    const wf = workflow()
      .product('img', 'L2', 'L2/{field}/{obsid}/img.fits')
      .product('mosaic', 'L3', 'L3/{field}/mosaic.fits')
      .rule('mosaic', { inputs: [{ all: 'img' }], outputs: ['mosaic'], shell: 'combine {output} {input}' })
      .build();
    const fs = memoryFs({
      'L2/f2/0001/img.fits': '',
      'L2/f1/0010/img.fits': '',
      'L2/f1/0002/img.fits': '',
      'L2/f1/B/img.fits': '',
      'L2/f1/a/img.fits': '',
    });
    const r = await plan(wf, { targets: [], where: {}, config: {}, fs });
    expect(r.plan!.jobs.map((j) => [j.id, j.command])).toEqual([
      ['mosaic[field=f1]', 'combine L3/f1/mosaic.fits L2/f1/0002/img.fits L2/f1/0010/img.fits L2/f1/B/img.fits L2/f1/a/img.fits'],
      ['mosaic[field=f2]', 'combine L3/f2/mosaic.fits L2/f2/0001/img.fits'],
    ]);
  });

  it('does not plan a job whose gather has no instance, with a warning naming it', async () => {
    const wf = workflow()
      .product('src', 'L2', 'L2/{obsid}/src.tsv')
      .product('cat', 'L3', 'L3/cat.tsv')
      .rule('merge', { inputs: [{ all: 'src' }], outputs: ['cat'] })
      .build();
    const r = await plan(wf, { targets: [], where: {}, config: {}, fs: memoryFs({}) });
    expect(r.plan!.jobs).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.message])).toContainEqual([
      'warning',
      'WF2108',
      'job merge gathers no instance of src, so it is not planned',
    ]);
  });

  it('restricts values with --where, and a gather sees only the selected instances', async () => {
    const wf = workflow()
      .product('raw', 'L0', 'raw/{obsid}.dat')
      .product('evt', 'L1', 'L1/{obsid}.dat')
      .product('cat', 'L2', 'L2/cat.dat')
      .rule('cal', { inputs: ['raw'], outputs: ['evt'] })
      .rule('merge', { inputs: [{ all: 'evt' }], outputs: ['cat'], shell: 'cat {input} > {output}' })
      .build();
    const fs = memoryFs({ 'raw/0001.dat': '', 'raw/0002.dat': '', 'raw/0003.dat': '' });
    const r = await plan(wf, { targets: [], where: { obsid: ['0001', '0003'] }, config: {}, fs });
    expect(r.plan!.jobs.map((j) => j.id)).toEqual(['cal[obsid=0001]', 'cal[obsid=0003]', 'merge']);
    expect(r.plan!.jobs[2]!.command).toBe('cat L1/0001.dat L1/0003.dat > L2/cat.dat');
  });

  it('rejects an unknown --where wildcard with a suggestion', async () => {
    const wf = workflow().product('raw', 'L0', 'raw/{obsid}.dat').build();
    const r = await plan(wf, { targets: [], where: { obsdi: ['1'] }, config: {}, fs: memoryFs({}) });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'WF2107', hint: 'did you mean `obsid`?' });
  });

  it('reports two jobs writing the same file', async () => {
    const wf = workflow()
      .product('a', 'L0', 'in/{x}.a')
      .product('b', 'L0', 'in/{x}.b')
      .product('o1', 'L1', 'out/{x}.o')
      .rule('r1', { inputs: ['a'], outputs: ['o1'] })
      .rule('r2', { inputs: ['b'], outputs: [{ path: 'out/{x}.o' }] })
      .build();
    const r = await plan(wf, { targets: targets('L1'), where: {}, config: {}, fs: memoryFs({ 'in/1.a': '', 'in/1.b': '' }) });
    expect(r.diagnostics.map((d) => d.code)).toContain('WF2110');
    expect(r.plan).toBeUndefined();
  });

  it('checks that a quoted-path source input exists, naming the chain', async () => {
    const wf = workflow()
      .product('raw', 'L0', 'raw/{obsid}.dat')
      .product('evt', 'L1', 'L1/{obsid}.dat')
      .product('cat', 'L2', 'L2/cat.dat')
      .rule('cal', { inputs: ['raw', { path: 'caldb/bias.dat', name: 'bias' }], outputs: ['evt'] })
      .rule('merge', { inputs: [{ all: 'evt' }], outputs: ['cat'] })
      .build();
    const r = await plan(wf, { targets: [], where: {}, config: {}, fs: memoryFs({ 'raw/0001.dat': '', 'raw/0002.dat': '' }) });
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['WF2102', 'L2/cat.dat needs L1/0001.dat (rule cal) needs caldb/bias.dat, which does not exist', '2 jobs need this file'],
    ]);
  });

  it('makes a quoted-path input produced by another job a dependency', async () => {
    const wf = workflow()
      .product('raw', 'L0', 'raw/{obsid}.dat')
      .product('evt', 'L1', 'L1/{obsid}.dat')
      .rule('bias', { level: 'L1', outputs: [{ path: 'cal/bias.dat' }] })
      .rule('cal', { inputs: ['raw', { path: 'cal/bias.dat' }], outputs: ['evt'] })
      .build();
    const r = await plan(wf, { targets: targets('evt'), where: {}, config: {}, fs: memoryFs({ 'raw/1.dat': '' }) });
    expect(r.plan!.jobs.map((j) => [j.id, j.deps])).toEqual([
      ['bias', []],
      ['cal[obsid=1]', ['bias']],
    ]);
  });
});
