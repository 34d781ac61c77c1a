import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/executor/executor.js';
import type { ExecEvent } from '../../../src/executor/events.js';
import { createMemoryStateStore } from '../../../src/executor/state-store.js';
import { FakeJobRunner } from '../../helpers/fake-runner.js';
import { job, makePlan, options } from '../../helpers/plan.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'wf-sched-'));

describe('scheduler', () => {
  it('never runs more cores than -j slots and runs a wide job alone', async () => {
    const root = tmp();
    const jobs = [
      job({ rule: 'a', outputs: ['a'] }),
      job({ rule: 'b', outputs: ['b'], cores: 2 }),
      job({ rule: 'c', outputs: ['c'] }),
      job({ rule: 'd', outputs: ['d'], cores: 8 }),
      job({ rule: 'e', outputs: ['e'] }),
    ];
    const plan = makePlan(root, jobs);
    const runner = new FakeJobRunner(plan);
    const summary = await execute(plan, options(root, { jobs: 2 }), { runner, store: createMemoryStateStore() }, () => {});
    expect(summary.succeeded).toHaveLength(5);
    expect(runner.maxInFlightCores).toBeLessThanOrEqual(8);
    // b (2 cores) and d (8 cores, capped to 2) each ran alone; a/c/e never exceeded 2.
    expect(runner.started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('starts the next job in a slot once a job has succeeded, and its dependents only after its record', async () => {
    const root = tmp();
    const plan = makePlan(root, [
      job({ rule: 'a', outputs: ['a'] }),
      job({ rule: 'b', outputs: ['b'] }),
      job({ rule: 'c', inputs: ['a'], outputs: ['c'] }),
    ]);
    const timeline: string[] = [];
    const fake = new FakeJobRunner(plan);
    const runner = { run: (spec: Parameters<FakeJobRunner['run']>[0], control: Parameters<FakeJobRunner['run']>[1]) => (timeline.push(`run ${spec.id}`), fake.run(spec, control)) };
    const store = createMemoryStateStore();
    const records: { t: string; id: string; at?: number; endTime?: number }[] = [];
    const record = (r: { t: string; id: string }): void => void (timeline.push(`${r.t} ${r.id}`), records.push(r));
    const watched = { ...store, append: (r: Parameters<typeof store.append>[0]) => (record(r), store.append(r)), appendSoon: (r: Parameters<typeof store.append>[0]) => (record(r), store.appendSoon(r)) };
    const summary = await execute(plan, options(root, { jobs: 1 }), { runner, store: watched }, () => {});
    expect(summary.succeeded).toEqual(['a', 'b', 'c']);
    expect(fake.maxInFlightCores).toBe(1);
    // b takes a's slot before a's record is built; c, which reads a's output, waits for that record.
    expect(timeline.indexOf('run b')).toBeLessThan(timeline.indexOf('done a'));
    expect(timeline.indexOf('done a')).toBeLessThan(timeline.indexOf('run c'));
    expect(timeline.indexOf('started c')).toBeGreaterThan(timeline.indexOf('done a'));
    // a's record gives the time its process ended, not the time it was built: no later than b's start.
    const doneA = records.find((r) => r.t === 'done' && r.id === 'a')!;
    const startedB = records.find((r) => r.t === 'started' && r.id === 'b')!;
    expect(doneA.endTime).toBeLessThanOrEqual(startedB.at!);
  });

  it('starts as many jobs as fit at once', async () => {
    const root = tmp();
    const plan = makePlan(root, [1, 2, 3, 4].map((k) => job({ rule: 'r', wildcards: { k: String(k) }, outputs: [`o${k}`] })));
    const runner = new FakeJobRunner(plan);
    await execute(plan, options(root, { jobs: 3 }), { runner, store: createMemoryStateStore() }, () => {});
    expect(runner.maxInFlightCores).toBe(3);
  });

  it('after a failure starts nothing new, lets running jobs finish, and skips dependents', async () => {
    const root = tmp();
    const jobs = [
      job({ rule: 'bad', outputs: ['bad'] }),
      job({ rule: 'slow', outputs: ['slow'] }),
      job({ rule: 'child', inputs: ['bad'], outputs: ['child'] }),
      job({ rule: 'other', outputs: ['other'] }),
    ];
    const plan = makePlan(root, jobs);
    const runner = new FakeJobRunner(plan, (id) => (id === 'bad' ? 'fail' : 'ok'));
    let release!: () => void;
    runner.hold('slow', new Promise<void>((r) => (release = r)));
    const events: ExecEvent[] = [];
    const run = execute(plan, options(root, { jobs: 2 }), { runner, store: createMemoryStateStore() }, (e) => {
      events.push(e);
      if (e.kind === 'job-failed') release();
    });
    const summary = await run;
    expect(summary.failed.map((f) => f.id)).toEqual(['bad']);
    expect(summary.failed[0]!.code).toBe('WF3001');
    expect(summary.succeeded).toEqual(['slow']);
    expect(summary.skipped).toEqual(['child']);
    expect(summary.notStarted).toEqual(['other']);
    expect(runner.started).toEqual(['bad', 'slow']);
    expect(events.find((e) => e.kind === 'job-skipped')).toEqual({ kind: 'job-skipped', id: 'child', because: 'bad' });
  });

  it('with keep-going runs independent jobs but still skips dependents transitively', async () => {
    const root = tmp();
    const jobs = [
      job({ rule: 'bad', outputs: ['bad'] }),
      job({ rule: 'child', inputs: ['bad'], outputs: ['child'] }),
      job({ rule: 'grandchild', inputs: ['child'], outputs: ['gc'] }),
      job({ rule: 'other', outputs: ['other'] }),
    ];
    const plan = makePlan(root, jobs);
    const runner = new FakeJobRunner(plan, (id) => (id === 'bad' ? 'fail' : 'ok'));
    const summary = await execute(plan, options(root, { jobs: 1, keepGoing: true }), { runner, store: createMemoryStateStore() }, () => {});
    expect(summary.succeeded).toEqual(['other']);
    expect(summary.skipped).toEqual(['child', 'grandchild']);
    expect(summary.notStarted).toEqual([]);
  });

  it('retries a failing job and reports each retry', async () => {
    const root = tmp();
    const plan = makePlan(root, [job({ rule: 'flaky', outputs: ['f'], retries: 2 })]);
    const runner = new FakeJobRunner(plan, (_id, attempt) => (attempt < 3 ? 'fail' : 'ok'));
    const events: ExecEvent[] = [];
    const summary = await execute(plan, options(root), { runner, store: createMemoryStateStore() }, (e) => events.push(e));
    expect(summary.succeeded).toEqual(['flaky']);
    expect(events.filter((e) => e.kind === 'job-retrying').map((e) => (e as { attempt: number }).attempt)).toEqual([2, 3]);
  });

  it('a job exiting 0 without its output fails with WF3003', async () => {
    const root = tmp();
    const plan = makePlan(root, [job({ rule: 'lazy', outputs: ['x/out.txt'] })]);
    const runner = new FakeJobRunner(plan, () => 'no-output');
    const summary = await execute(plan, options(root), { runner, store: createMemoryStateStore() }, () => {});
    expect(summary.failed[0]).toMatchObject({ id: 'lazy', code: 'WF3003', reason: 'rule lazy did not produce declared output x/out.txt' });
  });

  it('runs a 60,000-job chain in order and finds all of it up to date on the next run', async () => {
    const root = tmp();
    const n = 60_000;
    const jobs = [];
    for (let i = 0; i < n; i++) jobs.push(job({ rule: 'r', wildcards: { i: String(i) }, command: `c${i}`, deps: i > 0 ? [`r[i=${i - 1}]`] : [] }));
    const plan = makePlan(root, jobs);
    // Outputs-free jobs: the fake only reports success.
    const runner = { run: async () => ({ exitCode: 0, signal: null, timedOut: false, aborted: false }) };
    const store = createMemoryStateStore();
    const summary = await execute(plan, options(root, { jobs: 8 }), { runner, store }, () => {});
    expect(summary.succeeded).toHaveLength(n);
    expect(summary.succeeded[0]).toBe('r[i=0]');
    expect(summary.succeeded[n - 1]).toBe(`r[i=${n - 1}]`);
    const again = await execute(plan, options(root, { jobs: 8 }), { runner, store }, () => {});
    expect(again.upToDate).toBe(n);
  });
});
