/**
 * `wf run` with jobs queued behind running ones (executor.ts, the direct
 * launcher's queued jobs): `-j` still bounds the jobs running at once, a
 * failure still stops new starts, and the run database keeps one row per
 * attempt that ran, none for jobs that never started.
 */
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exists, tempDir, WF, wf, writeFiles } from '../helpers/cli.js';

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

/** Poll `check` every 20 ms until it holds (up to `ms`). */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Pids of the Python processes (direct launchers) whose working directory is `dir`. */
function launchersIn(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readlinkSync(`/proc/${p}/cwd`) === dir && readFileSync(`/proc/${p}/comm`, 'utf8').startsWith('python')) pids.push(Number(p));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
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

  it('after kill -9 of wf, a job queued behind a running one never starts, and the next run does both', async () => {
    const dir = stampWorkflow(2, 'sleep 0.{k} && cp {input} {output}');
    // -j 1: 001 runs for 1.1 s; 002 is queued behind it in the same launcher.
    writeFiles(dir, { 'workflow.wf': readFileSync(join(dir, 'workflow.wf'), 'utf8').replace('sleep 0.{k}', 'sleep 1.{k}') });
    const run = execa('node', [WF, 'run', '-j', '1'], { cwd: dir, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
    const db = (): { job: string; pgid: number | null }[] => {
      if (!exists(join(dir, '.wf/wf.db'))) return [];
      const d = new Database(join(dir, '.wf/wf.db'), { readonly: true });
      try {
        return d.prepare('SELECT job, pgid FROM jobs ORDER BY id').all() as never;
      } catch {
        return []; // wf is still creating it
      } finally {
        d.close();
      }
    };
    await until(() => db().some((r) => r.job === 'one[k=001]' && r.pgid !== null), "001's process group in the database");
    const launchers = launchersIn(dir);
    expect(launchers).toHaveLength(1);
    run.kill('SIGKILL');
    await run;
    // The launcher finishes 001, finds wf gone when it reports, and exits without starting 002.
    await until(() => launchersIn(dir).length === 0, 'the launcher to exit');
    expect(exists(join(dir, 'out/001.txt'))).toBe(true);
    expect(exists(join(dir, 'out/002.txt'))).toBe(false);
    expect(exists(join(dir, '.wf/logs/one/k=002.log'))).toBe(false);
    // The crashed run's status: 001 was cut off, 002 never started.
    const status = await wf(dir, ['status', '--json']);
    const one = (JSON.parse(status.stdout) as { rules: { rule: string; interrupted: number; pending: number }[] }).rules.find((r) => r.rule === 'one');
    expect(one).toMatchObject({ interrupted: 1, pending: 1 });
    const again = await wf(dir, ['run', '-j', '1']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/running 3 of 3 job\(s\)/);
    expect(readFileSync(join(dir, 'merged.txt'), 'utf8')).toBe('1\n2\n');
  });
});
