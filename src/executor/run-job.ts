/**
 * One job, every attempt (spec §3 "Failure", §6 "Failure and parallelism"):
 * prepare outputs, record `started` before launching, run through the
 * {@link JobRunner}, verify outputs, record `done` (with stamps and hashes)
 * or `failed`/`interrupted`, retry up to `job.retries` more times.
 * Emits job events; scheduling is `executor.ts`'s business.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Job } from '../ir/plan.js';
import type { ExecEvent } from './events.js';
import { inputPaths, stableJson } from './freshness.js';
import type { JobOutcome, JobRunner, JobSpec } from './job-runner.js';
import { formatDuration, logHeader, prepareOutputs, protectOutputs, readLogTail, removeOutputs, verifyOutputs } from './outputs.js';
import type { KnownHash, StampCache } from './stamps.js';
import type { DoneRecord, FileEntry, StateRecord, StateStore } from './state-store.js';

/** What {@link runJob} needs from the run. */
export interface JobContext {
  readonly root: string;
  readonly force: boolean;
  readonly runner: JobRunner;
  readonly store: StateStore;
  readonly stamps: StampCache;
  readonly emit: (e: ExecEvent) => void;
}

/**
 * How a job ended. `failed` carries the code and reason of the last
 * attempt; `not-started`: a queued job that never started (see
 * {@link runJob}'s `queued`), to be run again later.
 */
export type JobResult =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'not-started' }
  | { readonly kind: 'failed'; readonly code: DiagnosticCode; readonly reason: string }
  | { readonly kind: 'interrupted' };

/** Stamp + SHA-256 entries of `paths` that exist now (missing ones, e.g. deleted temps, are left out). */
async function fileEntries(paths: readonly string[], stamps: StampCache): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const p of paths) {
    const st = stamps.stat(p);
    if (st === null) continue;
    out.push([p, st.mtimeNs, st.size, await stamps.hash(p)]);
  }
  return out;
}

/**
 * The `done` record of `job` from the files as they are now (stamps from the
 * memo, hashes cached per stamp). Used after a run, and to adopt or refresh
 * the record of an up-to-date job.
 */
export async function buildDoneRecord(job: Job, stamps: StampCache, endTime: number, durationMs: number, previous?: StateRecord): Promise<DoneRecord> {
  if (previous?.t === 'done') {
    // Unchanged files keep their recorded hashes (a gather's thousands of inputs are not re-read).
    for (const list of [previous.inputs, previous.outputs]) {
      for (const [path, mtimeNs, size, sha256] of list) if (sha256 !== null) stamps.remember(path, { stamp: { mtimeNs, size }, sha256: sha256 as KnownHash['sha256'] });
    }
  }
  return {
    t: 'done',
    id: job.id,
    command: job.command,
    params: stableJson(job.params),
    ruleDigest: job.ruleDigest,
    inputs: await fileEntries(inputPaths(job), stamps),
    outputs: await fileEntries(job.outputPaths, stamps),
    endTime,
    durationMs,
  };
}

/**
 * The job's `metrics` file (wf extension): a flat JSON object whose values are
 * finite numbers. A missing or malformed file is a WF3009 warning, never a
 * failure; entries that are not numbers are dropped with the warning.
 */
export function readMetrics(job: Job, absPath: string): { values?: Record<string, number>; warning?: Diagnostic } {
  const bad = (why: string): Diagnostic =>
    warning('WF3009', `metrics of ${job.id} (${job.metricsPath}) ${why}`, undefined, 'write a flat JSON object of numbers, e.g. {"nsrc": 12, "bkg_rate": 0.03}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(absPath, 'utf8'));
  } catch (e) {
    return { warning: bad((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'was not written' : 'is not valid JSON') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { warning: bad('is not a JSON object') };
  const values: Record<string, number> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'number' && Number.isFinite(v)) values[k] = v;
    else dropped.push(k);
  }
  return { values, ...(dropped.length > 0 ? { warning: bad(`has non-numeric entries, ignored: ${dropped.join(', ')}`) } : {}) };
}

/** The {@link JobSpec} of attempt `attempt` of `job` (also used by `--executor slurm --dry-run` to print the sbatch lines). */
export function jobSpecOf(job: Job, root: string, absLog: string, attempt = 1, maxAttempts = 1 + Math.max(0, job.retries)): JobSpec {
  return {
    id: job.id,
    command: job.command,
    cwd: root,
    logFile: absLog,
    logHeader: logHeader(job.id, attempt, maxAttempts),
    logTruncate: attempt === 1,
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    rule: job.rule,
    wildcards: job.wildcards,
    cores: job.cores,
    ...(job.memBytes !== undefined ? { memBytes: job.memBytes } : {}),
    ...(job.slurm !== undefined ? { slurm: job.slurm } : {}),
    outputs: job.outputPaths.map((p) => join(root, p)),
  };
}

function describeFailure(job: Job, o: JobOutcome): { code: DiagnosticCode; reason: string } {
  if (o.timedOut) return { code: 'WF3002', reason: `timed out after ${formatDuration(job.timeoutMs ?? 0)}` };
  if (o.reason !== undefined) return { code: 'WF3001', reason: o.exitCode !== null && o.exitCode !== 0 ? `exited with status ${o.exitCode}: ${o.reason}` : o.reason };
  if (o.error !== undefined) return { code: 'WF3001', reason: `could not start: ${o.error}` };
  if (o.signal !== null) return { code: 'WF3001', reason: `killed by signal ${o.signal}` };
  return { code: 'WF3001', reason: `exited with status ${o.exitCode ?? 'unknown'}` };
}

/**
 * Run `job` until it succeeds, fails `1 + job.retries` times, or `signal`
 * aborts. Never rejects for job failures (only for I/O errors on state).
 *
 * `release` is called once the job has succeeded (its process has ended and
 * every declared output is there) and before its outputs are hashed and its
 * record is built: from then on the job holds no core slot, and the
 * scheduler may start another ready job while this one is recorded. Its
 * dependents still wait for the promise. Not called on any other path.
 *
 * `queued`: the first attempt is queued behind a running job
 * ({@link JobRunner.queue}); the job's `started` row must be committed
 * already ({@link StateStore.reserve}), since the runner may start it at
 * any time. `queued` is called when the job ahead of it has ended: from
 * then on it holds a core slot. Its `started` record and event come when
 * it starts. When it cannot be queued or does not start, the result is
 * `not-started`: nothing ran, the reservation stands.
 */
export async function runJob(job: Job, ctx: JobContext, signal: AbortSignal, release?: () => void, queued?: () => void): Promise<JobResult> {
  const { store, stamps, emit } = ctx;
  let maxAttempts = 1 + Math.max(0, job.retries);
  // A node failure or preemption says nothing about the job: up to 3 extra attempts that do not use up `retries`.
  let transientLeft = 3;
  const absLog = stamps.abs(job.logPath);
  const previous = store.get(job.id);
  let last: { code: DiagnosticCode; reason: string; outcome?: JobOutcome } = { code: 'WF3001', reason: 'not run' };
  let attempt = 0;
  while (attempt < maxAttempts) {
    attempt++;
    if (signal.aborted) return { kind: 'interrupted' };
    const prep = prepareOutputs(job, stamps, ctx.force);
    if (prep.protectedPath !== undefined) {
      // Not retried: another attempt would meet the same file.
      last = { code: 'WF3004', reason: `output ${prep.protectedPath} is protected; rerun with --force to rebuild it` };
      store.append({ t: 'failed', id: job.id, code: last.code, exitCode: null, signal: null, reason: last.reason, logPath: job.logPath, endTime: Date.now() });
      break;
    }
    const inQueue = queued !== undefined && attempt === 1;
    const started = (): void => {
      store.append({ t: 'started', id: job.id, at: Date.now(), attempt });
      emit({ kind: 'job-started', id: job.id, rule: job.rule, attempt, maxAttempts });
      t0 = performance.now();
    };
    let t0 = 0;
    if (!inQueue) started();
    const spec = jobSpecOf(job, ctx.root, absLog, attempt, maxAttempts);
    const control = {
      signal,
      onSpawn: (pgid: number) => {
        if (inQueue) started();
        store.appendSoon({ t: 'spawned', id: job.id, pgid, at: Date.now() });
      },
      ...(inQueue ? { onTurn: queued } : {}),
      onSubmit: (clusterJobId: string) => store.append({ t: 'submitted', id: job.id, clusterJobId, at: Date.now() }),
    };
    const outcome = await (inQueue ? ctx.runner.queue?.(spec, control) : ctx.runner.run(spec, control));
    if (outcome === undefined || outcome.notStarted) return { kind: 'not-started' };
    const durationMs = Math.round(performance.now() - t0);
    if (outcome.aborted || (signal.aborted && outcome.exitCode !== 0)) {
      removeOutputs(job, stamps);
      store.appendSoon({ t: 'interrupted', id: job.id, endTime: Date.now() });
      return { kind: 'interrupted' };
    }
    if (outcome.exitCode === 0 && !outcome.timedOut) {
      const missing = verifyOutputs(job, stamps);
      if (missing.length === 0) {
        // The job ended now: its record says so, though it is built after the slot went to another job.
        const endTime = Date.now();
        release?.();
        const metrics = job.metricsPath !== undefined ? readMetrics(job, stamps.abs(job.metricsPath)) : undefined;
        if (metrics?.warning) emit({ kind: 'warning', diagnostic: metrics.warning });
        const rec = await buildDoneRecord(job, stamps, endTime, durationMs, previous);
        store.appendSoon(metrics?.values ? { ...rec, metrics: metrics.values } : rec);
        protectOutputs(job, stamps);
        emit({ kind: 'job-succeeded', id: job.id, durationMs, attempts: attempt });
        return { kind: 'succeeded' };
      }
      last = { code: 'WF3003', reason: `rule ${job.rule} did not produce declared output ${missing[0]}`, outcome };
    } else {
      last = { ...describeFailure(job, outcome), outcome };
      if (outcome.transient && transientLeft > 0) {
        transientLeft--;
        maxAttempts++;
      }
    }
    removeOutputs(job, stamps);
    store.appendSoon({
      t: 'failed',
      id: job.id,
      code: last.code,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      reason: last.reason,
      logPath: job.logPath,
      endTime: Date.now(),
      logTail: readLogTail(absLog),
    });
    if (attempt < maxAttempts && !signal.aborted) {
      emit({ kind: 'job-retrying', id: job.id, attempt: attempt + 1, maxAttempts, reason: last.reason });
    }
  }
  emit({
    kind: 'job-failed',
    id: job.id,
    code: last.code,
    exitCode: last.outcome?.exitCode ?? null,
    signal: last.outcome?.signal ?? null,
    timedOut: last.outcome?.timedOut ?? false,
    reason: last.reason,
    logPath: job.logPath,
    logTail: readLogTail(absLog),
    attempts: attempt,
  });
  return { kind: 'failed', code: last.code, reason: last.reason };
}
