/**
 * The shipped real-data example (examples/sky-survey) end to end: setup.sh, `wf run`,
 * the example's own product checks (expected.sh), and a second run that has nothing
 * to do and leaves every product byte-identical.
 *
 * Needs the Debian tools and data that setup.sh installs; skipped when they are
 * missing (run `examples/sky-survey/setup.sh` first, as CI does).
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir, treeHashes, wf } from '../helpers/cli.js';

const TOOLS = ['imcopy', 'fitsverify', 'source-extractor', 'SWarp', 'astfits', 'asttable', 'astmatch', 'astarithmetic', 'fitspng'];

function haveTool(name: string): boolean {
  try {
    execFileSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The observations of Debian's eso-midas-testdata: /usr/lib/eso-midas/RELEASE/test/prim. */
function haveData(): boolean {
  const base = '/usr/lib/eso-midas';
  return existsSync(base) && readdirSync(base).some((r) => existsSync(join(base, r, 'test/prim/dss_test1.fits')));
}

const ready = TOOLS.every(haveTool) && haveData();

describe.skipIf(!ready && !process.env['CI'])('the sky-survey example on real data', () => {
  let dir: string;

  beforeAll(async () => {
    // keep the repository layout: the example includes ../../workflows/fits-survey/survey.wf
    const root = tempDir('wf-sky-survey-');
    const sources = (src: string): boolean => !/\/(raw|L0|L0\.5|L1|L2|L3|\.wf)(\/|$)/.test(src);
    mkdirSync(join(root, 'examples'), { recursive: true });
    cpSync(join(REPO, 'examples/sky-survey'), join(root, 'examples/sky-survey'), {
      recursive: true,
      filter: (src) => sources(src.slice(join(REPO, 'examples/sky-survey').length)),
    });
    cpSync(join(REPO, 'workflows'), join(root, 'workflows'), { recursive: true });
    dir = join(root, 'examples/sky-survey');
    const setup = await execa('bash', [join(dir, 'setup.sh')], { reject: false, stdin: 'ignore' });
    expect(setup.exitCode, setup.stderr).toBe(0);
  });

  it('passes the static checks', async () => {
    const r = await wf(dir, ['check']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('plans 24 jobs and runs them; the products pass expected.sh', async () => {
    const dry = await wf(dir, ['run', '-n']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    // L0 5, L0.5 3, L1 5, L2 4, L3 7: no optical chain and no mosaic for the X-ray field
    expect(dry.stdout + dry.stderr).toMatch(/\b24 of 24 job/);
    expect(dry.stdout + dry.stderr).not.toMatch(/repair_frame\[field=J0030/);
    const r = await wf(dir, ['run', '-j', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    const check = await execa('bash', [join(dir, 'expected.sh'), dir], { reject: false });
    expect(check.exitCode, check.stdout).toBe(0);
  });

  it('has nothing to do on a second run, and setup.sh changes nothing', async () => {
    const before = treeHashes(dir);
    const setup = await execa('bash', [join(dir, 'setup.sh')], { reject: false, stdin: 'ignore' });
    expect(setup.exitCode, setup.stderr).toBe(0);
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nothing to do/);
    expect(treeHashes(dir)).toEqual(before);
  });

  it('reruns exactly the downstream jobs of one changed raw frame', async () => {
    // a real edit of the frame's primary header (content and mtime change)
    await execa('astfits', [join(dir, 'raw/XE410/wcstest.fits'), '-h0', '--write=WFTEST,1,changed by a test', '--quiet']);
    const dry = await wf(dir, ['run', '-n']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const jobs = dry.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim()).sort();
    expect(jobs).toEqual([
      'detect_sources[field=XE410,obsid=wcstest]',
      'make_mosaic[field=XE410]',
      'merge_catalogues',
      'render_mosaic_png[field=XE410]',
      'repair_frame[field=XE410,obsid=wcstest]',
      'subtract_background[field=XE410,obsid=wcstest]',
      'summarize_qa',
      'verify_frame[field=XE410,obsid=wcstest]',
    ]);
    const untouched = treeHashes(dir).get('L3/XV392/mosaic.fits');
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/8 job\(s\) done/);
    expect(treeHashes(dir).get('L3/XV392/mosaic.fits')).toBe(untouched);
    expect((await wf(dir, ['run'])).stderr).toMatch(/nothing to do/);
  });

  it('gives byte-identical products when every job is forced', async () => {
    const before = treeHashes(dir);
    const r = await wf(dir, ['run', '--force']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(treeHashes(dir)).toEqual(before);
  });
});
