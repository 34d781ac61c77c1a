import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RunDbError } from '../../../src/store/db.js';
import { createLauncherRunner } from '../../../src/executor/launcher-runner.js';
import type { ExecEvent, RunSummary } from '../../../src/executor/events.js';
import { execute, type ExecOptions } from '../../../src/executor/executor.js';
import type { JobRunner } from '../../../src/executor/job-runner.js';
import { openRunStore } from '../../../src/store/state.js';
import { openTestStore } from '../../helpers/store.js';
import type { Plan } from '../../../src/ir/plan.js';
import { alive, put, tempRoot, waitForFile } from '../../helpers/fs.js';
import { job, makePlan, options } from '../../helpers/plan.js';

type Decided = Extract<ExecEvent, { kind: 'plan-decided' }>;

/** Run with the real runner and a real state store; returns summary, events and the decision. */
async function run(plan: Plan, over: Partial<ExecOptions> = {}, runner: JobRunner = createLauncherRunner({ killGraceMs: 1000 })) {
  const store = openTestStore(plan);
  const events: ExecEvent[] = [];
  try {
    const summary: RunSummary = await execute(plan, options(plan.root, over), { runner, store }, (e) => events.push(e));
    const decided = events.find((e): e is Decided => e.kind === 'plan-decided')!;
    return { summary, events, decided, ran: events.filter((e) => e.kind === 'job-started').map((e) => (e as { id: string }).id) };
  } finally {
    store.close();
    runner.close?.();
  }
}

const read = (root: string, rel: string): string => readFileSync(join(root, rel), 'utf8');

/** raw/{1,2}.txt → (a) mid/N.txt → (b) out/N.txt */
function pipeline(root: string, cmdA = 'tr a-z A-Z < {in} > {out}') {
  put(root, 'raw/1.txt', 'one\n', 1_000_000);
  put(root, 'raw/2.txt', 'two\n', 1_000_000);
  const jobs = [];
  for (const n of ['1', '2']) {
    jobs.push(job({ rule: 'a', wildcards: { n }, inputs: [`raw/${n}.txt`], outputs: [`mid/${n}.txt`], command: cmdA.replace('{in}', `raw/${n}.txt`).replace('{out}', `mid/${n}.txt`) }));
  }
  for (const n of ['1', '2']) {
    jobs.push(job({ rule: 'b', wildcards: { n }, inputs: [`mid/${n}.txt`], outputs: [`out/${n}.txt`], command: `cat mid/${n}.txt mid/${n}.txt > out/${n}.txt; echo made ${n}` }));
  }
  return makePlan(root, jobs);
}

describe('execute with real processes', () => {
  it('creates outputs and logs, and a second run is a no-op', async () => {
    const root = tempRoot();
    const plan = pipeline(root);
    const first = await run(plan);
    expect(first.summary.succeeded).toHaveLength(4);
    expect(read(root, 'out/1.txt')).toBe('ONE\nONE\n');
    expect(read(root, '.wf/logs/b/n=2.log')).toMatch(/=== wf: b\[n=2\] attempt 1\/1.*\nmade 2\n$/);
    const second = await run(plan);
    expect(second.decided.toRun).toBe(0);
    expect(second.ran).toEqual([]);
    expect(second.summary.upToDate).toBe(4);
  });

  it('reruns a job whose input content changed, and its dependents only', async () => {
    const root = tempRoot();
    const plan = pipeline(root);
    await run(plan);
    put(root, 'raw/1.txt', 'uno\n', 2_000_000);
    const again = await run(plan);
    expect(again.ran).toEqual(['a[n=1]', 'b[n=1]']);
    expect(again.decided.reasons).toEqual([
      { id: 'a[n=1]', rule: 'a', reasons: [{ kind: 'input-changed', path: 'raw/1.txt', detail: 'content' }] },
      { id: 'b[n=1]', rule: 'b', reasons: [{ kind: 'upstream', id: 'a[n=1]' }] },
    ]);
    expect(read(root, 'out/1.txt')).toBe('UNO\nUNO\n');
  });

  it('reruns nothing when an input is touched without a content change, and refreshes the stamp', async () => {
    const root = tempRoot();
    const plan = pipeline(root);
    await run(plan);
    utimesSync(join(root, 'raw/2.txt'), 3_000_000, 3_000_000);
    const again = await run(plan);
    expect(again.decided.toRun).toBe(0);
    const store = openRunStore(root);
    const rec = store.get(plan.jobs[1]!.id);
    store.close();
    expect(rec?.t === 'done' && rec.inputs[0]![1]).toBe(String(3_000_000n * 1_000_000_000n));
  });

  it('with only the mtime trigger a touched input reruns', async () => {
    const root = tempRoot();
    const plan = pipeline(root);
    await run(plan);
    utimesSync(join(root, 'raw/2.txt'), 3_000_000, 3_000_000);
    const again = await run(plan, { rerunTriggers: new Set(['mtime']) });
    expect(again.ran).toEqual(['a[n=2]', 'b[n=2]']);
    expect(again.decided.reasons[0]!.reasons).toEqual([{ kind: 'input-changed', path: 'raw/2.txt', detail: 'stamp' }]);
  });

  it('reruns a job whose command changed, unless the command trigger is off', async () => {
    const root = tempRoot();
    await run(pipeline(root));
    const changed = pipeline(root, 'tr a-z A-Z < {in} > {out} # v2');
    expect((await run(changed, { dryRun: true, rerunTriggers: new Set(['mtime', 'content']) })).decided.toRun).toBe(0);
    const again = await run(changed);
    expect([...again.ran].sort()).toEqual(['a[n=1]', 'a[n=2]', 'b[n=1]', 'b[n=2]']);
    expect(again.decided.reasons[0]!.reasons).toEqual([{ kind: 'command-changed' }]);
  });

  it('fails a job that did not produce a declared output (WF3003) and removes the outputs it did produce', async () => {
    const root = tempRoot();
    const plan = makePlan(root, [job({ rule: 'half', outputs: ['o/1.txt', 'o/2.txt'], command: 'echo x > o/1.txt' })]);
    const r = await run(plan);
    expect(r.summary.failed).toEqual([{ id: 'half', code: 'WF3003', reason: 'rule half did not produce declared output o/2.txt', logPath: '.wf/logs/half/all.log' }]);
    expect(existsSync(join(root, 'o/1.txt'))).toBe(false);
    expect((await run(plan, { dryRun: true })).decided.reasons[0]!.reasons[0]).toMatchObject({ kind: 'failed-last-run' });
  });

  it('reports exit status and the log tail of a failing job', async () => {
    const root = tempRoot();
    const plan = makePlan(root, [job({ rule: 'boom', outputs: ['x'], command: 'for i in $(seq 1 30); do echo line $i; done; exit 3' })]);
    const r = await run(plan);
    const failed = r.events.find((e) => e.kind === 'job-failed')!;
    expect(failed).toMatchObject({ code: 'WF3001', exitCode: 3, reason: 'exited with status 3', timedOut: false });
    expect((failed as { readonly logTail: readonly string[] }).logTail).toHaveLength(20);
    expect((failed as { readonly logTail: readonly string[] }).logTail.at(-1)).toBe('line 30');
  });

  it('retries a job that fails on its first attempt', async () => {
    const root = tempRoot();
    const cmd = 'n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; echo attempt $n; [ "$n" -ge 1 ]; echo ok > out.txt';
    const plan = makePlan(root, [job({ rule: 'flaky', outputs: ['out.txt'], command: cmd, retries: 1 })]);
    const r = await run(plan);
    expect(r.summary.succeeded).toEqual(['flaky']);
    expect(r.events.map((e) => e.kind)).toEqual(['plan-decided', 'job-started', 'job-retrying', 'job-started', 'job-succeeded']);
    const log = read(root, '.wf/logs/flaky/all.log');
    expect(log).toMatch(/attempt 1\/2.*\nattempt 0\n=== wf: flaky attempt 2\/2.*\nattempt 1\n$/);
  });

  it('kills a timed-out job together with its background children', async () => {
    const root = tempRoot();
    const cmd = 'echo $$ > leader.pid; sleep 100 & echo $! > child.pid; sleep 100; wait';
    const plan = makePlan(root, [job({ rule: 'hang', outputs: ['never'], command: cmd, timeoutMs: 300 })]);
    const r = await run(plan);
    expect(r.summary.failed[0]).toMatchObject({ code: 'WF3002', reason: 'timed out after 300ms' });
    for (const f of ['leader.pid', 'child.pid']) expect(alive(Number(read(root, f)))).toBe(false);
  });

  it('on abort kills the running job group, removes partial outputs, and the next run reruns only that job', async () => {
    const root = tempRoot();
    const slow = 'if [ ! -f go ]; then echo partial > b.txt; sleep 100 & echo $! > child.pid; touch started; wait; fi; echo done > b.txt';
    const plan = makePlan(root, [job({ rule: 'a', outputs: ['a.txt'], command: 'echo a > a.txt' }), job({ rule: 'b', outputs: ['b.txt'], command: slow })]);
    const ac = new AbortController();
    const pending = run(plan, { jobs: 2, signal: ac.signal });
    await waitForFile(join(root, 'started'));
    ac.abort();
    const r = await pending;
    expect(r.summary.interrupted).toBe(true);
    expect(r.summary.interruptedJobs).toEqual(['b']);
    expect(r.events.at(-1)).toMatchObject({ kind: 'interrupted', running: ['b'] });
    expect(existsSync(join(root, 'b.txt'))).toBe(false);
    expect(alive(Number(read(root, 'child.pid')))).toBe(false);
    put(root, 'go', '');
    const next = await run(plan);
    expect(next.ran).toEqual(['b']);
    expect(next.decided.reasons[0]!.reasons).toContainEqual({ kind: 'interrupted-last-run' });
    expect(read(root, 'b.txt')).toBe('done\n');
  });

  it('reruns a job whose last record is "started" (wf was killed mid-job)', async () => {
    const root = tempRoot();
    const plan = makePlan(root, [job({ rule: 'a', outputs: ['a.txt'], command: 'echo a > a.txt' })]);
    await run(plan);
    const store = openTestStore(plan);
    store.append({ t: 'started', id: plan.jobs[0]!.id, at: Date.now(), attempt: 1 });
    store.close();
    const r = await run(plan);
    expect(r.ran).toEqual(['a']);
    expect(r.decided.reasons[0]!.reasons).toEqual([{ kind: 'interrupted-last-run' }]);
  });

  it('refuses a run database of a newer schema with WF3010 and leaves it alone', async () => {
    const root = tempRoot();
    const plan = pipeline(root);
    await run(plan);
    const db = new Database(join(root, '.wf/wf.db'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openRunStore(root)).toThrow(RunDbError);
    try {
      openRunStore(root);
    } catch (e) {
      expect((e as RunDbError).diagnostic.code).toBe('WF3010');
    }
  });

  it('deletes a temp output once its readers succeeded, and its absence causes no rerun', async () => {
    const root = tempRoot();
    put(root, 'raw.txt', 'x\n', 1_000_000);
    const plan = makePlan(root, [
      job({ rule: 'a', inputs: ['raw.txt'], outputs: [{ path: 'tmp/mid.txt', temp: true }], command: 'cp raw.txt tmp/mid.txt' }),
      job({ rule: 'b', inputs: ['tmp/mid.txt'], outputs: ['out.txt'], command: 'cp tmp/mid.txt out.txt' }),
    ]);
    const r = await run(plan);
    expect(r.events.filter((e) => e.kind === 'temp-removed')).toEqual([{ kind: 'temp-removed', path: 'tmp/mid.txt', producer: 'a' }]);
    expect(existsSync(join(root, 'tmp/mid.txt'))).toBe(false);
    expect((await run(plan)).decided.toRun).toBe(0);
    put(root, 'raw.txt', 'y\n', 2_000_000);
    expect((await run(plan)).ran).toEqual(['a', 'b']);
    expect(read(root, 'out.txt')).toBe('y\n');
  });

  it('reruns a temp producer when a reader must run', async () => {
    const root = tempRoot();
    put(root, 'raw.txt', 'x\n', 1_000_000);
    const mk = (v: string) =>
      makePlan(root, [
        job({ rule: 'a', inputs: ['raw.txt'], outputs: [{ path: 'mid.txt', temp: true }], command: 'cp raw.txt mid.txt' }),
        job({ rule: 'b', inputs: ['mid.txt'], outputs: ['out.txt'], command: `cp mid.txt out.txt # ${v}` }),
      ]);
    await run(mk('1'));
    const r = await run(mk('2'));
    expect(r.ran).toEqual(['a', 'b']);
    expect(r.decided.reasons[0]!.reasons).toEqual([{ kind: 'temp-needed', path: 'mid.txt', by: 'b' }]);
  });

  it('makes protected outputs read-only and refuses to rebuild them without --force (WF3004)', async () => {
    const root = tempRoot();
    const mk = (v: string) => makePlan(root, [job({ rule: 'merge', outputs: [{ path: 'cat.tsv', protected: true }], command: `echo ${v} > cat.tsv` })]);
    await run(mk('1'));
    expect(statSync(join(root, 'cat.tsv')).mode & 0o222).toBe(0);
    const refused = await run(mk('2'));
    expect(refused.summary.failed).toEqual([
      { id: 'merge', code: 'WF3004', reason: 'output cat.tsv is protected; rerun with --force to rebuild it', logPath: '.wf/logs/merge/all.log' },
    ]);
    expect(read(root, 'cat.tsv')).toBe('1\n');
    const forced = await run(mk('2'), { force: true });
    expect(forced.summary.succeeded).toEqual(['merge']);
    expect(read(root, 'cat.tsv')).toBe('2\n');
  });

  it('a dry run decides with reasons and writes nothing', async () => {
    const root = tempRoot();
    const plan = pipeline(root);
    const r = await run(plan, { dryRun: true });
    expect(r.decided).toMatchObject({ total: 4, toRun: 4, upToDate: 0, byLevel: [{ level: 1, levelText: 'L1', toRun: 4, upToDate: 0 }] });
    expect(r.decided.reasons[0]!.reasons).toEqual([{ kind: 'output-missing', path: 'mid/1.txt' }]);
    expect(r.summary.notStarted).toHaveLength(4);
    expect(existsSync(join(root, '.wf'))).toBe(false);
  });

  it('without a record uses make’s rule: adopts newer outputs, reruns when an input is newer', async () => {
    const root = tempRoot();
    put(root, 'in.txt', 'i\n', 1_000_000);
    put(root, 'out.txt', 'o\n', 2_000_000);
    put(root, 'in2.txt', 'i\n', 3_000_000);
    put(root, 'out2.txt', 'o\n', 2_000_000);
    const plan = makePlan(root, [
      job({ rule: 'a', inputs: ['in.txt'], outputs: ['out.txt'], command: 'cp in.txt out.txt' }),
      job({ rule: 'b', inputs: ['in2.txt'], outputs: ['out2.txt'], command: 'cp in2.txt out2.txt' }),
    ]);
    const r = await run(plan);
    expect(r.ran).toEqual(['b']);
    expect(r.decided.reasons[0]!.reasons).toEqual([{ kind: 'input-newer', path: 'in2.txt' }]);
    expect(read(root, 'out.txt')).toBe('o\n');
    const store = openRunStore(root);
    expect(store.get(plan.jobs[0]!.id)?.t).toBe('done');
    store.close();
  });
});
