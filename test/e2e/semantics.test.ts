/**
 * Language semantics end to end (spec §3, §6): failures and keep-going,
 * gather per group, `when` on a FITS header, file names with spaces and
 * quotes, output directories, protected outputs.
 */
import { execFileSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dryRunJobs, exists, read, tempDir, wf, writeFiles } from '../helpers/cli.js';

describe('a failing job', () => {
  const workflow = `
product raw  L0 "raw/{obs}.txt"
product cal  L1 "cal/{obs}.txt"
product sum  L2 "sum/{obs}.txt"

rule calibrate L1 {
  input  raw
  output cal
  shell  """
    echo "calibrating {obs}"
    if [ {obs} = bad ]; then echo "detector saturated" >&2; echo partial > {output}; exit 3; fi
    tr a-z A-Z < {input} > {output}
  """
}

rule summarise L2 {
  input  cal
  output sum
  shell  "wc -c < {input} > {output}"
}
`;

  it('stops with exit 1, names the job, its exit status and log tail, and removes its outputs', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': workflow, 'raw/bad.txt': 'x\n', 'raw/good.txt': 'y\n' });
    const r = await wf(dir, ['run', '-j', '1', 'sum']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/calibrate\[obs=bad\]/);
    expect(r.stderr).toMatch(/exited with status 3/);
    expect(r.stderr).toMatch(/detector saturated/);
    expect(exists(join(dir, 'cal/bad.txt'))).toBe(false);
    expect(exists(join(dir, 'sum/bad.txt'))).toBe(false);
    expect(read(join(dir, '.wf/logs/calibrate/obs=bad.log'))).toMatch(/detector saturated/);
  });

  it('with --keep-going still builds what does not depend on the failure', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': workflow, 'raw/bad.txt': 'x\n', 'raw/good.txt': 'y\n' });
    const r = await wf(dir, ['run', '-k', 'sum']);
    expect(r.exitCode).toBe(1);
    expect(read(join(dir, 'sum/good.txt')).trim()).toBe('2');
    expect(exists(join(dir, 'sum/bad.txt'))).toBe(false);
    // the failed job is retried by the next run, the good chain is not
    const again = await wf(dir, ['run', '-n', '--explain', 'sum']);
    expect(dryRunJobs(again.stdout)).toEqual(['calibrate[obs=bad]', 'summarise[obs=bad]']);
    expect(again.stdout).toMatch(/last run failed/);
  });

  it('fails a job whose declared output was not produced', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': 'product out L1 "out/a.txt"\nrule make L1 {\n  output out\n  shell "echo nothing"\n}\n',
    });
    const r = await wf(dir, ['run']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/out\/a.txt/);
  });
});

describe('gather', () => {
  it('makes one job per group, each reading its instances in byte order', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': `
product img    L2 "L2/{field}/{obsid}/img.fits"
product mosaics L3 "L3/{field}/mosaic.txt"

rule mosaic L3 {
  input  all img
  output mosaics
  shell  "echo {input} > {output}"
}
`,
      'L2/north/b2/img.fits': '',
      'L2/north/a10/img.fits': '',
      'L2/north/B1/img.fits': '',
      'L2/south/c/img.fits': '',
    });
    const dry = await wf(dir, ['run', '-n']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dryRunJobs(dry.stdout)).toEqual(['mosaic[field=north]', 'mosaic[field=south]']);
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'L3/north/mosaic.txt')).trim()).toBe('L2/north/B1/img.fits L2/north/a10/img.fits L2/north/b2/img.fits');
    expect(read(join(dir, 'L3/south/mosaic.txt')).trim()).toBe('L2/south/c/img.fits');
  });
});

/** An 2880-byte FITS primary header holding the given cards. */
function fitsHeader(cards: Record<string, string>): string {
  const lines = [`SIMPLE  = ${'T'.padStart(20)}`, `BITPIX  = ${'8'.padStart(20)}`, `NAXIS   = ${'0'.padStart(20)}`];
  for (const [k, v] of Object.entries(cards)) lines.push(`${k.padEnd(8)}= ${v}`);
  lines.push('END');
  return lines.map((l) => l.padEnd(80)).join('').padEnd(2880);
}

describe('when', () => {
  it('routes observations by a FITS header keyword and drops the jobs that need excluded ones', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': `
product raw   L0 "raw/{obs}.fits"
product xrate L1 "L1/{obs}.rate"
product xsrc  L2 "L2/{obs}.src"
product cat   L3 "L3/xray.cat"

rule rate L1 {
  input  raw
  output xrate
  when   header(raw, "TELESCOP") == "XMM" and header(raw, "EXPOSURE") > 1000
  shell  "echo rate > {output}"
}
rule detect L2 {
  input  xrate
  output xsrc
  shell  "echo {obs} > {output}"
}
rule merge L3 {
  input  all xsrc
  output cat
  shell  "cat {input} > {output}"
}
`,
      'raw/xmm1.fits': fitsHeader({ TELESCOP: "'XMM     '", EXPOSURE: '35640.0'.padStart(20) }),
      'raw/xmm2.fits': fitsHeader({ TELESCOP: "'XMM     '", EXPOSURE: '500.0'.padStart(20) }),
      'raw/dss.fits': fitsHeader({ TELESCOP: "'UK Schmidt'", EXPOSURE: '240.0'.padStart(20) }),
    });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'L3/xray.cat')).trim()).toBe('xmm1');
    expect(exists(join(dir, 'L1/dss.rate'))).toBe(false);
  });
});

describe('file names with spaces and quotes', () => {
  it('quotes every substituted value so the shell sees one word', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': `
product raw L0 "raw/{name}.txt"
product up  L1 "out/{name} (upper).txt"
product all_up L2 "out/all.txt"
rule upper L1 {
  input  raw
  output up
  shell  "tr a-z A-Z < {input} > {output}; echo {name} >> {output}"
}
rule gather L2 {
  input  all up
  output all_up
  shell  "for f in {input}; do cat \\"$f\\"; done > {output}"
}
`,
      "raw/it's a file.txt": 'quote\n',
      'raw/two  spaces.txt': 'space\n',
      'raw/$HOME.txt': 'dollar\n',
    });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, "out/it's a file (upper).txt"))).toBe("QUOTE\nit's a file\n");
    expect(read(join(dir, 'out/two  spaces (upper).txt'))).toBe('SPACE\ntwo  spaces\n');
    expect(read(join(dir, 'out/$HOME (upper).txt'))).toBe('DOLLAR\n$HOME\n');
    expect(read(join(dir, 'out/all.txt'))).toContain("it's a file");
  });
});

describe('wf check', () => {
  it('reports a syntax error with file, line, column, caret and exit 2', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': 'product raw L0 "raw/{obs}.txt"\nrule r L1 {\n  input raw\n  output = \n  shell "x"\n}\n' });
    const r = await wf(dir, ['check']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/workflow.wf:4:\d+: error\[WF1\d{3}\]/);
    expect(r.stdout).toMatch(/\^/);
  });

  it('prints JSON diagnostics on stdout only', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': 'product raw L0 "raw/{obs}.txt"\nrule r L1 {\n  input rwa\n  output "x/{obs}"\n  shell "x"\n}\n' });
    const r = await wf(dir, ['check', '--format', 'json']);
    expect(r.exitCode).toBe(2);
    const parsed = JSON.parse(r.stdout) as { diagnostics: { code: string; line: number; hint?: string }[]; errors: number };
    expect(parsed.errors).toBeGreaterThan(0);
    const unknown = parsed.diagnostics.find((d) => d.code === 'WF2004');
    expect(unknown?.line).toBe(3);
    expect(unknown?.hint).toMatch(/raw/);
  });

  it('exits 0 on the shipped examples', async () => {
    const r = await wf(tempDir(), ['check', join(__dirname, '../../examples/toy-xray/workflow.wf')]);
    expect(r.exitCode, r.stdout).toBe(0);
  });
});

describe('products made outside wf (no run history)', () => {
  const workflow = `
product raw L0 "raw/{obs}.txt"
product cal L1 "cal/{obs}.txt"

rule calibrate L1 {
  input  raw
  output cal
  shell  "tr a-z A-Z < {input} > {output}"
}
`;
  /** A tree whose outputs were written by hand, one second after their inputs, and no .wf/wf.db. */
  function handBuilt(): string {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': workflow, 'raw/a.txt': 'a\n', 'raw/b.txt': 'b\n', 'cal/a.txt': 'A\n', 'cal/b.txt': 'B\n' });
    for (const obs of ['a', 'b']) {
      utimesSync(join(dir, `raw/${obs}.txt`), 1_700_000_000, 1_700_000_000);
      utimesSync(join(dir, `cal/${obs}.txt`), 1_700_000_001, 1_700_000_001);
    }
    return dir;
  }

  it('counts outputs newer than their inputs as up to date (make\'s rule)', async () => {
    const dir = handBuilt();
    const r = await wf(dir, ['run', '-n', '--explain', 'cal']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(dryRunJobs(r.stdout)).toEqual([]);
    expect(exists(join(dir, '.wf/wf.db'))).toBe(false);
  });

  it('reruns the job whose source is newer than its output, to the nanosecond', async () => {
    const dir = handBuilt();
    // One nanosecond newer (touch: Node's utimes keeps whole seconds here): the stamp read when the
    // decision needs it is exact, which a millisecond mtime in a double is not.
    execFileSync('touch', ['-d', '@1700000001.000000001', join(dir, 'raw/b.txt')]);
    const r = await wf(dir, ['run', '-n', '--explain', 'cal']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(dryRunJobs(r.stdout)).toEqual(['calibrate[obs=b]']);
    expect(r.stdout).toMatch(/calibrate\[obs=b\]: .*raw\/b\.txt/);
    const run = await wf(dir, ['run', 'cal']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(read(join(dir, 'cal/b.txt'))).toBe('B\n');
    expect((await wf(dir, ['run', '-n', 'cal'])).stderr).toMatch(/nothing to do/);
  });
});
