import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Expr } from '../../../src/ir/nodes.js';
import { parseFitsHeader } from '../../../src/planner/fits-header.js';
import { plan } from '../../../src/planner/index.js';
import { memoryFs } from '../../helpers/memory-fs.js';
import { E, workflow } from '../../helpers/workflow.js';

function card(text: string): string {
  return text.padEnd(80, ' ');
}

/** A one-block FITS primary header (no data). */
function fits(...cards: string[]): Uint8Array {
  const text = [card('SIMPLE  =                    T'), ...cards.map(card), card('END')].join('').padEnd(2880, ' ');
  return new TextEncoder().encode(text);
}

function obsWorkflow(when: Expr, root?: string) {
  return workflow(root)
    .config({ exclude: ['0003'], min: 2, tags: { band: 'x' } })
    .product('raw', 'L0', 'raw/{obsid}.fits')
    .product('evt', 'L1', 'L1/{obsid}.dat')
    .rule('cal', { inputs: ['raw'], outputs: ['evt'], when })
    .build();
}

const files = { 'raw/0001.fits': '', 'raw/0002.fits': '', 'raw/0003.fits': '', 'raw/0010.fits': '' };

async function ids(when: Expr, fs = memoryFs(files)) {
  const wf = obsWorkflow(when);
  const r = await plan(wf, { targets: [], where: {}, config: wf.config, fs });
  return r.plan ? r.plan.jobs.map((j) => j.wildcards.obsid) : r.diagnostics.map((d) => `${d.code} ${d.message}`);
}

describe('when', () => {
  it('excludes wildcard values listed in a config list (`in` / `not in`)', async () => {
    expect(await ids(E.notIn(E.name('obsid'), E.config('exclude')))).toEqual(['0001', '0002', '0010']);
    expect(await ids(E.in(E.name('obsid'), E.config('exclude')))).toEqual(['0003']);
    expect(await ids(E.in(E.wildcards('obsid'), E.list('0001', '0010')))).toEqual(['0001', '0010']);
  });

  it('compares a numeric-looking wildcard as a number against a number', async () => {
    expect(await ids(E.gt(E.name('obsid'), E.config('min')))).toEqual(['0003', '0010']);
    expect(await ids(E.eq(E.name('obsid'), E.num(10)))).toEqual(['0010']);
    expect(await ids(E.and(E.ge(E.name('obsid'), E.num(2)), E.not(E.eq(E.name('obsid'), E.str('0003')))))).toEqual(['0002', '0010']);
  });

  it('compares strings with strings', async () => {
    expect(await ids(E.lt(E.name('obsid'), E.str('0002')))).toEqual(['0001']);
    expect(await ids(E.or(E.eq(E.config('tags.band'), E.str('y')), E.eq(E.name('obsid'), E.str('0001'))))).toEqual(['0001']);
  });

  it('reports an ordering comparison between a string and a number', async () => {
    const r = await ids(E.lt(E.config('tags.band'), E.num(3)));
    expect(r[0]).toMatch(/^WF2112 `when` of job cal\[obsid=0001\]: cannot compare the string "x" with the number 3/);
  });

  it('evaluates exists() with the job wildcards', async () => {
    const fs = memoryFs({ ...files, 'flags/0002.ok': '' });
    expect(await ids(E.call('exists', E.str('flags/{obsid}.ok')), fs)).toEqual(['0002']);
  });

  it('drops the jobs that need an excluded job, and a gather has one instance fewer', async () => {
    const wf = workflow()
      .config({ exclude: ['0003'] })
      .product('raw', 'L0', 'raw/{obsid}.dat')
      .product('evt', 'L1', 'L1/{obsid}.dat')
      .product('img', 'L2', 'L2/{obsid}.img')
      .product('cat', 'L3', 'L3/cat')
      .rule('cal', { inputs: ['raw'], outputs: ['evt'], when: E.notIn(E.name('obsid'), E.config('exclude')) })
      .rule('image', { inputs: ['evt'], outputs: ['img'] })
      .rule('merge', { inputs: [{ all: 'img' }], outputs: ['cat'], shell: 'm {input}' })
      .build();
    const fs = memoryFs({ 'raw/0001.dat': '', 'raw/0003.dat': '' });
    const r = await plan(wf, { targets: [], where: {}, config: wf.config, fs });
    expect(r.plan!.jobs.map((j) => j.id)).toEqual(['cal[obsid=0001]', 'image[obsid=0001]', 'merge']);
    expect(r.plan!.jobs[2]!.command).toBe('m L2/0001.img');
  });
});

describe('header()', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('parses strings, numbers and booleans from the primary header', () => {
    const h = parseFitsHeader(fits("TELESCOP= 'XMM     '", "OBJECT  = 'it''s'   / a comment", 'EXPTIME =               1200.5', 'NAXIS   =                    0'));
    expect(h.ok && Object.fromEntries(h.keywords)).toEqual({ SIMPLE: true, TELESCOP: 'XMM', OBJECT: "it's", EXPTIME: 1200.5, NAXIS: 0 });
  });

  it('reads a keyword of a real FITS input at plan time', async () => {
    root = await mkdtemp(join(tmpdir(), 'wf-planner-'));
    await mkdir(join(root, 'raw'));
    await writeFile(join(root, 'raw/0001.fits'), fits("TELESCOP= 'XMM     '"));
    await writeFile(join(root, 'raw/0002.fits'), fits("TELESCOP= 'Chandra '"));
    const wf = obsWorkflow(E.eq(E.call('header', E.name('raw'), E.str('TELESCOP')), E.str('XMM')), root);
    const r = await plan(wf, { targets: [], where: {}, config: wf.config });
    expect(r.plan!.jobs.map((j) => j.id)).toEqual(['cal[obsid=0001]']);
  });

  it('reports a missing keyword and a file that is not FITS', async () => {
    root = await mkdtemp(join(tmpdir(), 'wf-planner-'));
    await mkdir(join(root, 'raw'));
    await writeFile(join(root, 'raw/0001.fits'), fits());
    await writeFile(join(root, 'raw/0002.fits'), 'plain text');
    const wf = obsWorkflow(E.eq(E.call('header', E.name('raw'), E.str('TELESCOP')), E.str('XMM')), root);
    const r = await plan(wf, { targets: [], where: {}, config: wf.config });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['WF2106', '`when` of job cal[obsid=0001]: `raw/0001.fits` has no keyword TELESCOP in its primary header', '1 more job of rule cal met an error with the same code'],
    ]);
    const other = await plan(wf, { targets: [{ kind: 'path', path: 'L1/0002.dat' }], where: {}, config: wf.config });
    expect(other.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'WF2106 `when` of job cal[obsid=0002]: cannot read the FITS header of `raw/0002.fits`: it is not a FITS file (no SIMPLE card)',
    ]);
  });
});
