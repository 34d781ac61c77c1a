import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/planner/index.js';
import { memoryFs } from '../../helpers/memory-fs.js';
import { E, targets, workflow } from '../../helpers/workflow.js';

function pipeline() {
  return workflow()
    .config({ exclude: ['0003'] })
    .wildcard('obsid', '[0-9]{4}')
    .product('telem', 'L0', 'raw/{obsid}/telem.dat')
    .product('evt1', 'L1', 'L1/{obsid}/evt1.dat')
    .product('src', 'L2', 'L2/{obsid}/src.tsv')
    .product('srcbis', 'L2', 'L2/{obsid}/{kind}.tsv')
    .product('catalog', 'L3', 'L3/catalog.tsv')
    .rule('calibrate', { inputs: ['telem'], outputs: [{ product: 'evt1', temp: true }], when: E.notIn(E.name('obsid'), E.config('exclude')) })
    .rule('detect', { inputs: ['evt1'], outputs: ['src'] })
    .rule('merge', { inputs: [{ all: 'src' }], outputs: ['catalog'] })
    .build();
}

const files = { 'raw/0001/telem.dat': '', 'raw/0002/telem.dat': '', 'raw/0003/telem.dat': '' };

async function run(...texts: string[]) {
  const wf = pipeline();
  return plan(wf, { targets: targets(...texts), where: {}, config: wf.config, fs: memoryFs(files) });
}

const messages = (r: Awaited<ReturnType<typeof run>>) => r.diagnostics.map((d) => `${d.code} ${d.message}`);

describe('targets', () => {
  it('plans the highest level by default, and only what it needs', async () => {
    const r = await run();
    expect(r.plan!.targets).toEqual(['merge']);
    expect(r.plan!.jobs).toHaveLength(5);
  });

  it('plans a level target: non-temp products of level <= N, temp ones only as needed', async () => {
    const l1 = await run('L1');
    expect(l1.plan!.jobs).toEqual([]);
    const l2 = await run('L2');
    expect(l2.plan!.targets).toEqual(['detect[obsid=0001]', 'detect[obsid=0002]']);
    expect(l2.plan!.jobs.map((j) => j.id)).toEqual(['calibrate[obsid=0001]', 'calibrate[obsid=0002]', 'detect[obsid=0001]', 'detect[obsid=0002]']);
  });

  it('plans a rule or a product by name', async () => {
    expect((await run('detect')).plan!.targets).toEqual(['detect[obsid=0001]', 'detect[obsid=0002]']);
    expect((await run('evt1')).plan!.targets).toEqual(['calibrate[obsid=0001]', 'calibrate[obsid=0002]']);
  });

  it('rejects an unknown name with a suggestion', async () => {
    const r = await run('detcet');
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'WF2101', hint: 'did you mean `detect`?' });
  });

  it('resolves a path to the job that writes it', async () => {
    const r = await run('./L2/0002/src.tsv');
    expect(r.plan!.targets).toEqual(['detect[obsid=0002]']);
    expect(r.plan!.jobs.map((j) => j.id)).toEqual(['calibrate[obsid=0002]', 'detect[obsid=0002]']);
  });

  it('names the chain down to a missing source', async () => {
    expect(messages(await run('L2/0004/src.tsv'))).toEqual([
      'WF2102 L2/0004/src.tsv needs L1/0004/evt1.dat (rule calibrate) needs raw/0004/telem.dat, which does not exist',
    ]);
  });

  it('says when a path is excluded by a when', async () => {
    expect(messages(await run('L2/0003/src.tsv'))).toEqual([
      'WF2105 L2/0003/src.tsv needs L1/0003/evt1.dat (rule calibrate), which is excluded by the `when` of rule calibrate (job calibrate[obsid=0003])',
    ]);
  });

  it('reports a path that matches no product, or breaks a constraint', async () => {
    expect(messages(await run('nowhere/x.txt'))).toEqual(['WF2103 no product matches path `nowhere/x.txt`']);
    expect(messages(await run('L1/abcd/evt1.dat'))[0]).toMatch(/^WF2111 `L1\/abcd\/evt1.dat` looks like product evt1 .*`abcd` does not match the constraint \/\[0-9\]\{4\}\/ of wildcard obsid$/);
  });

  it('reports a path that two producible products match', async () => {
    const wf = workflow()
      .product('raw', 'L0', 'raw/{id}.dat')
      .product('a', 'L1', 'out/{id}.txt')
      .product('b', 'L1', 'out/{name}.{ext}')
      .rule('ra', { inputs: ['raw'], outputs: ['a'] })
      .rule('rb', { inputs: [{ path: 'raw/{name}.{ext}' }], outputs: ['b'] })
      .build();
    const r = await plan(wf, { targets: targets('out/9.txt'), where: {}, config: {}, fs: memoryFs({}) });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['WF2104']);
    expect(r.diagnostics[0]!.message).toContain('product a');
    expect(r.diagnostics[0]!.message).toContain('product b');
  });

  it('says when --where excludes a path target', async () => {
    const wf = pipeline();
    const r = await plan(wf, { targets: targets('L2/0002/src.tsv'), where: { obsid: ['0001'] }, config: wf.config, fs: memoryFs(files) });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['WF2115']);
  });
});
