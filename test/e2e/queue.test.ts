/**
 * `wf run` with jobs queued behind running ones (executor.ts, the direct
 * launcher's queued jobs): `-j` still bounds the jobs running at once, a
 * failure still stops new starts, and the run database keeps one row per
 * attempt that ran, none for jobs that never started.
 */
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exists, tempDir, wf, writeFiles } from '../helpers/cli.js';

/** A workflow of `n` independent stamp jobs (plain lists of programs: direct jobs) and a gather. */
function stampWorkflow(n: number, command: string): string {
  const dir = tempDir('wf-queue-');
  const seeds: Record<string, string> = {};
  for (let k = 1; k <= n; k++) seeds[`seed/${String(k).padStart(3, '0')}.txt`] = `${k}\n`;
  writeFiles(dir, {
    ...seeds,
    'workflow.wf': `wildcard k = /[0-9]+/
product seed  L0 "seed/{k}.txt"
product stamp L1 "out/{k}.txt"
product merged L2 "merged.txt"
default merged

rule one L1 {
  input  seed
  output stamp
  shell  "${command}"
}

rule gather L2 {
  input  all stamp
  output merged
  shell  "cat {input} > {output}"
}
`,
  });
  return dir;
}

/** The `jobs` rows of the run database. */
function jobRows(dir: string): { job: string; status: string; pgid: number | null; started_at: number; ended_at: number | null }[] {
  const db = new Database(join(dir, '.wf/wf.db'), { readonly: true });
  try {
    return db.prepare('SELECT job, status, pgid, started_at, ended_at FROM jobs ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

describe('jobs queued behind running jobs', () => {
  it('never runs more jobs at once than -j, and records each job once, with its process group and times', async () => {
    // Each job writes its start and end times (ns) around a short sleep.
    const dir = stampWorkflow(60, 'date +%s%N > {output}.tmp && sleep 0.01 && date +%s%N >> {output}.tmp && mv {output}.tmp {output}');
    const r = await wf(dir, ['run', '-j', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    const spans = readdirSync(join(dir, 'out')).map((f) => readFileSync(join(dir, 'out', f), 'utf8').trim().split('\n').map(BigInt));
    expect(spans).toHaveLength(60);
    const edges = spans.flatMap(([s, e]) => [[s!, 1], [e!, -1]] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    let now = 0;
    let most = 0;
    for (const [, d] of edges) most = Math.max(most, (now += d));
    expect(most).toBeLessThanOrEqual(2);
    const rows = jobRows(dir);
    expect(rows).toHaveLength(61);
    expect(new Set(rows.map((x) => x.job)).size).toBe(61);
    for (const x of rows) {
      expect(x.status).toBe('done');
      expect(x.pgid).not.toBeNull();
      expect(x.ended_at).toBeGreaterThanOrEqual(x.started_at);
    }
  });

  it('starts nothing after a failure with -j 1, leaves no row for the jobs that did not start, and runs them on the next run', async () => {
    // Job 004 fails (ls of a missing file); with -j 1 each job is queued behind the one before it.
    const dir = stampWorkflow(8, 'ls seed/{k}.txt flag-{k} > {output}');
    writeFiles(dir, Object.fromEntries(['001', '002', '003', '005', '006', '007', '008'].map((k) => [`flag-${k}`, ''])));
    const r = await wf(dir, ['run', '-j', '1']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/one\[k=004\]/);
    for (const k of ['001', '002', '003']) expect(exists(join(dir, `out/${k}.txt`))).toBe(true);
    for (const k of ['004', '005', '006', '007', '008']) expect(exists(join(dir, `out/${k}.txt`))).toBe(false);
    for (const k of ['005', '006', '007', '008']) expect(exists(join(dir, `.wf/logs/one/k=${k}.log`))).toBe(false);
    expect(jobRows(dir).map((x) => [x.job, x.status])).toEqual([
      ['one[k=001]', 'done'],
      ['one[k=002]', 'done'],
      ['one[k=003]', 'done'],
      ['one[k=004]', 'failed'],
    ]);
    writeFiles(dir, { 'flag-004': '' });
    const again = await wf(dir, ['run', '-j', '1']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/running 6 of 9 job\(s\)/);
    expect(readFileSync(join(dir, 'merged.txt'), 'utf8').trim().split('\n')).toHaveLength(16);
  });
});
