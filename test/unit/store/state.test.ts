/**
 * The run database as the executor's state store: records round-trip, the
 * latest record per job wins, reserved `started` rows are durable before
 * their jobs start and vanish when they never do, and writing/loading
 * 100,000 jobs stays cheap.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asJobId, asRelPath } from '../../../src/ir/ids.js';
import type { Job, Plan } from '../../../src/ir/plan.js';
import type { JobId } from '../../../src/ir/ids.js';
import type { StateRecord } from '../../../src/executor/state-store.js';
import { openRunStore } from '../../../src/store/state.js';
import { tempRoot } from '../../helpers/fs.js';
import { runContext } from '../../helpers/store.js';

function bigPlan(root: string, n: number): Plan {
  const jobs: Job[] = [];
  for (let i = 0; i < n; i++) {
    const obs = String(i).padStart(6, '0');
    jobs.push({
      id: asJobId(`calibrate[obsid=${obs}]`), rule: 'calibrate', level: 1, levelText: 'L1', wildcards: { obsid: obs },
      inputs: [{ path: asRelPath(`raw/${obs}.dat`), product: 'raw', gather: false }],
      outputs: [{ path: asRelPath(`L1/${obs}.dat`), product: 'cal', temp: false, protected: false }],
      inputPaths: [asRelPath(`raw/${obs}.dat`)], outputPaths: [asRelPath(`L1/${obs}.dat`)], hasTempOutput: false,
      command: `cp raw/${obs}.dat L1/${obs}.dat`, params: {}, ruleDigest: 'd', cores: 1, retries: 0,
      logPath: asRelPath(`.wf/logs/calibrate/obsid=${obs}.log`), hasDeclaredLog: false, deps: [],
    });
  }
  return { root, jobs, targets: [], sources: [], diagnostics: [] };
}

describe('the SQLite state store', () => {
  it('writes nothing until the first append, then keeps the last record per job', () => {
    const root = tempRoot();
    const plan = bigPlan(root, 2);
    const store = openRunStore(root, runContext(plan));
    expect(store.get(plan.jobs[0]!.id)).toBeUndefined();
    store.close();
    expect(existsSync(join(root, '.wf'))).toBe(false);
    const w = openRunStore(root, runContext(plan));
    const id = plan.jobs[0]!.id;
    w.append({ t: 'started', id, at: 1, attempt: 1 });
    w.append({ t: 'spawned', id, pgid: 42, at: 2 });
    w.append({ t: 'done', id, command: 'c', params: '{}', ruleDigest: 'd', inputs: [['raw/000000.dat', '10', 3, 'ab']], outputs: [['L1/000000.dat', '11', 4, 'cd']], endTime: 5, durationMs: 4, metrics: { n: 1 } });
    w.endRun('succeeded', {});
    w.close();
    const r = openRunStore(root);
    expect(r.get(id)).toEqual({ t: 'done', id, command: 'c', params: '{}', ruleDigest: 'd', inputs: [['raw/000000.dat', '10', 3, 'ab']], outputs: [['L1/000000.dat', '11', 4, 'cd']], endTime: 5, durationMs: 4, metrics: { n: 1 } });
    expect(r.get(plan.jobs[1]!.id)).toBeUndefined();
    r.close();
  });

  it('records 100,000 jobs (started, spawned, done) in a few seconds and loads them back in one pass', () => {
    const root = tempRoot();
    const n = 100_000;
    const plan = bigPlan(root, n);
    const store = openRunStore(root, runContext(plan));
    const t0 = performance.now();
    for (const job of plan.jobs) {
      store.append({ t: 'started', id: job.id, at: 1, attempt: 1 });
      store.append({ t: 'spawned', id: job.id, pgid: 7, at: 1 });
      store.append({ t: 'done', id: job.id, command: job.command, params: '{}', ruleDigest: 'd', inputs: [[job.inputs[0]!.path, '1', 1, 'a']], outputs: [[job.outputs[0]!.path, '2', 2, 'b']], endTime: 2, durationMs: 1 });
    }
    const writeMs = performance.now() - t0;
    store.close();
    const t1 = performance.now();
    const again = openRunStore(root);
    let done = 0;
    for (const job of plan.jobs) if (again.get(job.id)?.t === 'done') done++;
    const loadMs = performance.now() - t1;
    again.close();
    console.log(`100k jobs: write ${(writeMs / 1000).toFixed(2)} s (${((writeMs * 1000) / n).toFixed(0)} µs/job), load+get ${loadMs.toFixed(0)} ms`);
    expect(done).toBe(n);
    expect(writeMs).toBeLessThan(60_000);
    expect(loadMs).toBeLessThan(5_000);
  }, 120_000);

  it('commits reserved started rows at once, hands one to the job when it starts, and removes the rest at the end', () => {
    const root = tempRoot();
    const plan = bigPlan(root, 3);
    const [a, b, c] = plan.jobs.map((j) => j.id) as [JobId, JobId, JobId];
    const doneOf = (id: JobId, endTime: number): StateRecord => ({ t: 'done', id, command: 'c', params: '{}', ruleDigest: 'd', inputs: [], outputs: [], endTime, durationMs: 1 });
    // An earlier run left a done record for c.
    const first = openRunStore(root, runContext(plan));
    first.append(doneOf(c, 1));
    first.close();
    const store = openRunStore(root, runContext(plan));
    store.reserve([a, b, c]);
    // Durable before any of them starts: another connection sees the rows, and each job's state says started (cut off).
    const peek = new Database(join(root, '.wf', 'wf.db'), { readonly: true });
    const rows = (): { job: string; status: string; started_at: number }[] => peek.prepare('SELECT job, status, started_at FROM jobs WHERE run_id = 2 ORDER BY id').all() as never;
    const state = (id: JobId): string | undefined => (peek.prepare('SELECT record FROM job_state WHERE job = ?').pluck().get(id) as string | undefined);
    // The history calls them queued (not known to have started); the planner, started (cut off if wf dies now).
    expect(rows().map((r) => [r.job, r.status])).toEqual([[a, 'queued'], [b, 'queued'], [c, 'queued']]);
    expect(JSON.parse(state(c)!).t).toBe('started');
    // Reservations are invisible to the executor's reads.
    expect(store.get(c)?.t).toBe('done');
    expect(store.get(a)).toBeUndefined();
    // a starts: no new row; its row gets the real start time with the next commit.
    store.append({ t: 'started', id: a, at: 5_000, attempt: 1 });
    expect(store.get(a)).toEqual({ t: 'started', id: a, at: 5_000, attempt: 1 });
    store.appendSoon(doneOf(a, 6_000));
    store.flush();
    expect(rows()).toHaveLength(3);
    expect(rows()[0]).toEqual({ job: a, status: 'done', started_at: 5_000 });
    expect(JSON.parse(state(a)!).t).toBe('done');
    // b never starts and c never starts: their rows go, and c's previous record is its last again.
    store.dropReservations();
    expect(rows().map((r) => r.job)).toEqual([a]);
    expect(state(b)).toBeUndefined();
    expect(JSON.parse(state(c)!)).toEqual(doneOf(c, 1));
    store.close();
    peek.close();
    const again = openRunStore(root);
    expect(again.get(c)).toEqual(doneOf(c, 1));
    expect(again.get(b)).toBeUndefined();
    again.close();
  });

  it('undoes a reservation when the job fails before it starts, and keeps reserved rows after a crash (the jobs count as cut off)', () => {
    const root = tempRoot();
    const plan = bigPlan(root, 2);
    const [a, b] = plan.jobs.map((j) => j.id) as [JobId, JobId];
    const store = openRunStore(root, runContext(plan));
    store.reserve([a, b]);
    // A protected output: the job fails without a started record of its own.
    store.append({ t: 'failed', id: a, code: 'WF3004', exitCode: null, signal: null, reason: 'protected', logPath: 'x.log', endTime: 9 });
    const db = new Database(join(root, '.wf', 'wf.db'), { readonly: true });
    expect(db.prepare('SELECT job, status FROM jobs ORDER BY id').all()).toEqual([
      { job: b, status: 'queued' },
      { job: a, status: 'failed' },
    ]);
    db.close();
    // wf is killed here: b's reserved row stays, and the next run reads b as cut off.
    const next = openRunStore(root);
    expect(next.get(b)?.t).toBe('started');
    expect(next.get(a)?.t).toBe('failed');
    next.close();
  });
});
