/**
 * The run database as the executor's state store: records round-trip, the
 * latest record per job wins, and writing/loading 100,000 jobs stays cheap.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asJobId, asRelPath } from '../../../src/ir/ids.js';
import type { Job, Plan } from '../../../src/ir/plan.js';
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
});
