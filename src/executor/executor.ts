/**
 * The executor's entry point and scheduler (STYLE §1: Plan + JobRunner +
 * StateStore → ExecEvents + RunSummary). Decides freshness, then runs dirty
 * jobs in plan order as their dependencies finish, within `-j` core slots;
 * handles failure (stop or keep going), temp cleanup and interruption.
 * Never prints and never decides exit codes.
 *
 * Between a job's end and the next start nothing should wait on wf: the
 * next ready jobs have their `started` rows committed ahead
 * ({@link StateStore.reserve}) and their directories made in the
 * background, and when no slot is free the next one is queued behind a
 * running job ({@link JobRunner.queue}), to start the moment that job has
 * succeeded.
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { JobId, RelPath } from '../ir/ids.js';
import type { Plan } from '../ir/plan.js';
import type { ExecEvent, FailedJob, JobReasons, LevelCount, RunSummary } from './events.js';
import { decide, type RerunTrigger } from './freshness.js';
import type { JobRunner } from './job-runner.js';
import { makeOutputDirsSoon, removePath } from './outputs.js';
import { indexPlan, type PlanIndex } from './plan-index.js';
import { buildDoneRecord, runJob, type JobContext, type JobResult } from './run-job.js';
import { MinHeap } from '../util/min-heap.js';
import { StampCache, type KnownHash, type Stamp } from './stamps.js';
import type { FileEntry, StateStore } from './state-store.js';

/**
 * How many ready jobs at most have their `started` row committed ahead
 * ({@link StateStore.reserve}); only those can be queued behind a running
 * job. The history shows them as queued until they start, and a crash
 * leaves them cut off (rerun), so it stays small.
 */
const RESERVE_AHEAD = 8;

/** Options of {@link execute}; the CLI validates and fills them. */
export interface ExecOptions {
  /** Absolute workflow directory: the jobs' cwd; state lives in `root/.wf/`. */
  readonly root: string;
  /** `-j`: core slots (≥ 1). A job takes `min(job.cores, jobs)` of them. */
  readonly jobs: number;
  /** `-k`: after a failure, independent jobs go on. */
  readonly keepGoing: boolean;
  /** `-n`: decide and report (`plan-decided`), run nothing, write nothing. */
  readonly dryRun: boolean;
  /** `--force`: every planned job runs; protected outputs may be rebuilt. */
  readonly force: boolean;
  /** `--forcerun RULE`: jobs of these rules run. */
  readonly forceRules: readonly string[];
  /** `--rerun-triggers`; the CLI's default is all five. */
  readonly rerunTriggers: ReadonlySet<RerunTrigger>;
  /** Aborted on SIGINT/SIGTERM: start nothing, terminate running jobs, return `interrupted: true`. */
  readonly signal?: AbortSignal;
  /**
   * Stamps taken before the executor started (the snapshot check, the
   * planner's globs): root-relative path → stamp, null = missing, undefined =
   * not known. No path is stat'ed twice in one run (STYLE §7).
   */
  readonly priorStamps?: (path: string) => Stamp | null | undefined;
  /**
   * Set when the up-to-date snapshot still describes this plan and only these
   * paths' stamps differ from it (`store/uptodate.ts`): jobs that touch none
   * of them are up to date unless an upstream job runs, so their records are
   * not even read.
   */
  readonly changedSince?: ReadonlySet<string>;
  /**
   * Jobs of the full plan that `plan` leaves out because they are known up
   * to date (a partial plan rebuilt from the up-to-date snapshot), per level
   * (`toRun` 0). Counted as up to date in `plan-decided`, the summary and
   * {@link onAllUpToDate}, as if they had been planned and checked.
   */
  readonly upToDateOutside?: readonly LevelCount[];
  /**
   * Called once, at the end of a run (never a dry run) that leaves every
   * planned job up to date, with the stamps the run knows (its memo: the
   * stamps its records hold) and the per-level counts. The CLI stores the
   * up-to-date snapshot from it (`store/uptodate.ts`).
   */
  readonly onAllUpToDate?: (stampOf: (path: string) => Stamp | null, byLevel: readonly LevelCount[]) => void;
}

/** The ports {@link execute} works through. */
export interface ExecDeps {
  readonly runner: JobRunner;
  readonly store: StateStore;
}

/**
 * The hash state records for `path`: from its producer's record (outputs),
 * else from a reader's (inputs). Parsed records are the store's; large entry
 * lists (gathers) are indexed once, so lookups stay O(1) per path.
 */
function recordedHashes(plan: Plan, index: PlanIndex, store: StateStore): (path: string) => KnownHash | undefined {
  const big = new Map<number, Map<string, FileEntry>>();
  const find = (i: number, role: 'inputs' | 'outputs', path: string): KnownHash | undefined => {
    const rec = store.get(plan.jobs[i]!.id);
    if (rec?.t !== 'done') return undefined;
    const list = rec[role];
    let e: FileEntry | undefined;
    if (list.length <= 16) e = list.find((x) => x[0] === path);
    else {
      const key = i * 2 + (role === 'inputs' ? 0 : 1);
      let m = big.get(key);
      if (!m) big.set(key, (m = new Map(list.map((x) => [x[0], x]))));
      e = m.get(path);
    }
    return e && e[3] !== null ? { stamp: { mtimeNs: e[1], size: e[2] }, sha256: e[3] as KnownHash['sha256'] } : undefined;
  };
  return (path) => {
    const p = index.producer.get(path as RelPath);
    if (p !== undefined) return find(p, 'outputs', path);
    const readers = index.readers.get(path as RelPath);
    return readers && readers.length > 0 ? find(readers[0]!, 'inputs', path) : undefined;
  };
}

/** Per-level counts of the plan's jobs (dirty: to run), plus `outside` (up to date, not planned); sorted by level. */
function countByLevel(plan: Plan, dirty: Uint8Array, outside: readonly LevelCount[] = []): LevelCount[] {
  const by = new Map<number, { levelText: string; toRun: number; upToDate: number }>();
  for (const l of outside) by.set(l.level, { levelText: l.levelText, toRun: 0, upToDate: l.upToDate });
  plan.jobs.forEach((job, i) => {
    let c = by.get(job.level);
    if (!c) by.set(job.level, (c = { levelText: job.levelText, toRun: 0, upToDate: 0 }));
    if (dirty[i]) c.toRun++;
    else c.upToDate++;
  });
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([level, c]) => ({ level, ...c }));
}

/**
 * Bring `plan` up to date. Events go to `onEvent` synchronously, in order
 * (see {@link ExecEvent}). Resolves with the {@link RunSummary} once no job
 * is running; job failures and interrupts are reported there, not thrown.
 * Rejects only on internal errors or I/O errors on the state file.
 * The caller holds the lock (`acquireLock`) around this call and closes `store`.
 */
export async function execute(plan: Plan, options: ExecOptions, deps: ExecDeps, onEvent: (e: ExecEvent) => void): Promise<RunSummary> {
  const t0 = performance.now();
  const { store, runner } = deps;
  const emitWarnings = (ws: readonly Diagnostic[]): void => ws.forEach((diagnostic) => onEvent({ kind: 'warning', diagnostic }));
  emitWarnings(store.takeWarnings());

  const index = indexPlan(plan);
  const stamps = new StampCache(options.root, recordedHashes(plan, index, store), options.priorStamps);
  const decision = await decide(plan, index, options, store, stamps);
  stamps.endScan();
  emitWarnings(store.takeWarnings());
  const { dirty } = decision;
  const n = plan.jobs.length;
  // At their final size: up to 300,000 entries, which growth by `push` would copy and re-allocate.
  let dirtyCount = 0;
  for (let i = 0; i < n; i++) dirtyCount += dirty[i]!;
  const reasons = new Array<JobReasons>(dirtyCount);
  const toRun = new Array<number>(dirtyCount);
  for (let i = 0, k = 0; i < n; i++) {
    if (!dirty[i]) continue;
    const job = plan.jobs[i]!;
    toRun[k] = i;
    reasons[k++] = { id: job.id, rule: job.rule, reasons: decision.reasons[i]! };
  }
  const outside = options.upToDateOutside ?? [];
  const outsideCount = outside.reduce((sum, l) => sum + l.upToDate, 0);
  const upToDate = n - toRun.length + outsideCount;
  const byLevel = countByLevel(plan, dirty, outside);
  onEvent({ kind: 'plan-decided', total: n + outsideCount, toRun: toRun.length, upToDate, byLevel, reasons, dryRun: options.dryRun });

  const summary = (s: Partial<RunSummary>): RunSummary => ({
    succeeded: [],
    failed: [],
    skipped: [],
    notStarted: [],
    interruptedJobs: [],
    interrupted: false,
    ...s,
    upToDate,
    durationMs: Math.round(performance.now() - t0),
  });
  if (options.dryRun) return summary({ notStarted: toRun.map((i) => plan.jobs[i]!.id) });

  // Adopt or refresh records of up-to-date jobs (no processes involved), in one transaction.
  const adopted = [];
  for (const i of decision.reRecord) {
    const job = plan.jobs[i]!;
    const old = store.get(job.id);
    const endTime = old?.t === 'done' ? old.endTime : Date.now();
    const rec = await buildDoneRecord(job, stamps, endTime, old?.t === 'done' ? old.durationMs : 0, old);
    adopted.push({ ...rec, adopted: true, ...(old?.t === 'done' && old.metrics ? { metrics: old.metrics } : {}) });
  }
  store.appendAll(adopted);
  const settled = (s: RunSummary): RunSummary => {
    const clean = s.failed.length === 0 && s.skipped.length === 0 && s.notStarted.length === 0 && s.interruptedJobs.length === 0 && !s.interrupted;
    if (clean) options.onAllUpToDate?.((p) => stamps.stat(p), byLevel);
    return s;
  };
  if (toRun.length === 0) return settled(summary({}));
  return settled(await schedule(plan, options, { runner, store, stamps, emit: onEvent, root: options.root, force: options.force }, index, dirty, summary));
}

/** The run loop: O(log n) per start, O(1) per dependency edge on completion. */
async function schedule(
  plan: Plan,
  options: ExecOptions,
  ctx: JobContext,
  index: ReturnType<typeof indexPlan>,
  dirty: Uint8Array,
  summary: (s: Partial<RunSummary>) => RunSummary,
): Promise<RunSummary> {
  const n = plan.jobs.length;
  const { store, stamps, emit } = ctx;
  const slots = Math.max(1, Math.floor(options.jobs));
  const remaining = new Int32Array(n);
  const ready = new MinHeap();
  const done = new Uint8Array(n); // 1 finished or skipped
  for (let i = 0; i < n; i++) {
    if (!dirty[i]) continue;
    for (const d of index.deps[i]!) if (dirty[d]) remaining[i]!++;
    if (remaining[i] === 0) ready.push(i);
  }
  // Temp outputs: how many dirty planned readers must still succeed before deletion.
  const tempPending = new Map<RelPath, number>();
  plan.jobs.forEach((job, i) => {
    if (!dirty[i] || index.isTarget[i] || !job.hasTempOutput) return;
    for (const o of job.outputs) {
      if (!o.temp) continue;
      const readers = index.readers.get(o.path) ?? [];
      const c = readers.reduce((acc, r) => acc + (dirty[r] ? 1 : 0), 0);
      if (c > 0) tempPending.set(o.path, c);
    }
  });

  // Ready jobs whose `started` row is committed ahead (StateStore.reserve): topped up to RESERVE_AHEAD
  // when half are used, so one commit serves several starts and none waits between a job's end and the next start.
  const reserved = new Uint8Array(n);
  let reservedLeft = 0;
  const topUpReservations = (): void => {
    if (stopping || reservedLeft > RESERVE_AHEAD / 2) return;
    const picked = ready.smallest(RESERVE_AHEAD).filter((i) => !reserved[i]);
    if (picked.length === 0) return;
    for (const i of picked) reserved[i] = 1;
    reservedLeft += picked.length;
    store.reserve(picked.map((i) => plan.jobs[i]!.id));
    for (const i of picked) makeOutputDirsSoon(plan.jobs[i]!, stamps);
  };
  const succeeded: JobId[] = [];
  const failed: FailedJob[] = [];
  const skipped: JobId[] = [];
  const interruptedJobs: JobId[] = [];
  const running = new Map<number, AbortController>();
  const finished: { i: number; result: JobResult }[] = [];
  let wake: (() => void) | undefined;
  let free = slots;
  let stopping = false;
  const signal = options.signal;
  const stop = (): void => {
    stopping = true;
    ctx.runner.hold?.();
  };
  const onAbort = (): void => {
    stop();
    for (const c of running.values()) c.abort();
  };
  if (signal?.aborted) stopping = true;
  signal?.addEventListener('abort', onAbort, { once: true });

  const skipDependents = (from: number): void => {
    const stack = [from];
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (const d of index.dependents[x]!) {
        if (!dirty[d] || done[d]) continue;
        done[d] = 1;
        skipped.push(plan.jobs[d]!.id);
        emit({ kind: 'job-skipped', id: plan.jobs[d]!.id, because: plan.jobs[from]!.id });
        stack.push(d);
      }
    }
  };

  /** Start job `i` in `need` core slots, or (`queued`) queue it behind a running job: it takes its slots when it starts. */
  const launch = (i: number, need: number, queued: boolean): void => {
    if (!queued) free -= need;
    const ctrl = new AbortController();
    running.set(i, ctrl);
    // The slot is free once the job has succeeded, before it is recorded (its dependents wait for the record).
    let held = !queued;
    const take = (): void => {
      if (held) return;
      held = true;
      free -= need;
    };
    const release = (): void => {
      if (!held) return;
      held = false;
      free += need;
      wake?.();
    };
    runJob(plan.jobs[i]!, ctx, ctrl.signal, release, queued ? take : undefined).then(
      (result) => {
        release();
        finished.push({ i, result });
        wake?.();
      },
      (err: unknown) => {
        release();
        finished.push({ i, result: { kind: 'failed', code: 'WF3001', reason: `internal error: ${String(err)}` } });
        wake?.();
      },
    );
  };

  try {
    for (;;) {
      topUpReservations();
      while (!stopping && ready.size > 0) {
        const i = ready.peek();
        const need = Math.min(Math.max(1, plan.jobs[i]!.cores), slots);
        if (need <= free) {
          ready.pop();
          if (reserved[i]) reservedLeft--;
          launch(i, need, false);
        } else if (need === 1 && reserved[i] && ctx.runner.canQueue?.(plan.jobs[i]!.command, options.root)) {
          // Queued behind a running job: it starts when that one has succeeded, with no round trip through wf.
          ready.pop();
          reservedLeft--;
          launch(i, need, true);
        } else {
          break; // strict plan order: a wide job is not starved by narrow ones
        }
      }
      if (running.size === 0) break;
      topUpReservations();
      if (finished.length === 0) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      for (const { i, result } of finished.splice(0)) {
        running.delete(i);
        done[i] = 1;
        const job = plan.jobs[i]!;
        if (result.kind === 'succeeded') {
          succeeded.push(job.id);
          for (const d of index.dependents[i]!) if (dirty[d] && --remaining[d]! === 0 && !done[d]) ready.push(d);
          for (const path of job.inputPaths) {
            const left = tempPending.get(path);
            if (left === undefined) continue;
            if (left > 1) tempPending.set(path, left - 1);
            else {
              tempPending.delete(path);
              removePath(path, stamps);
              emit({ kind: 'temp-removed', path, producer: plan.jobs[index.producer.get(path)!]!.id });
            }
          }
        } else if (result.kind === 'not-started') {
          // A queued job whose predecessor did not succeed: ready again, its reservation standing.
          done[i] = 0;
          ready.push(i);
          reservedLeft++;
        } else if (result.kind === 'failed') {
          failed.push({ id: job.id, code: result.code, reason: result.reason, logPath: job.logPath });
          skipDependents(i);
          if (!options.keepGoing) stop();
        } else {
          interruptedJobs.push(job.id);
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    store.dropReservations();
    store.flush();
  }
  const interrupted = signal?.aborted ?? false;
  if (interrupted) {
    const diagnostic = error('WF3008', `run interrupted; ${interruptedJobs.length} running job(s) terminated and their partial outputs removed`);
    emit({ kind: 'interrupted', running: interruptedJobs, diagnostic });
  }
  const notStarted: JobId[] = [];
  for (let i = 0; i < n; i++) if (dirty[i] && !done[i]) notStarted.push(plan.jobs[i]!.id);
  return summary({ succeeded, failed, skipped, interruptedJobs, notStarted, interrupted });
}
