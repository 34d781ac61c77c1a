/**
 * SLURM job states → what they mean for wf: parsing the one `squeue` line
 * format the poller asks for, and mapping a final state (COMPLETED, FAILED,
 * TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, …) to a
 * {@link JobOutcome}. Pure functions; no processes.
 */
import type { JobOutcome } from '../job-runner.js';

/** The `squeue -O` field list the poller uses; {@link parseSqueueLine} reads it. */
export const SQUEUE_FORMAT = 'JobID:|,ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,exit_code:|,Name:';

/** One job (or array task) as `squeue -t all` reports it. */
export interface SqueueRow {
  /** `123` for a plain job, `123_4` for array task 4; a pending array's unsplit tasks: `123_[0-9]` is expanded by the caller. */
  readonly key: string;
  readonly jobId: string;
  readonly arrayJobId: string;
  /** Array task id, a range such as `0-9` / `3,5-7` for unsplit pending tasks, or null. */
  readonly arrayTask: string | null;
  readonly state: string;
  readonly reason: string;
  /** Raw wait status (`exit << 8 | signal`), as squeue's `exit_code` prints it. */
  readonly waitStatus: number;
  readonly name: string;
}

/** Parse one line of {@link SQUEUE_FORMAT} output; null for a line that does not fit. */
export function parseSqueueLine(line: string): SqueueRow | null {
  const parts = line.split('|');
  if (parts.length < 7) return null;
  const [jobId, arrayJobId, task, state, reason, code] = parts.map((s) => s.trim()) as [string, string, string, string, string, string];
  const name = parts.slice(6).join('|').trim();
  if (!/^\d+$/.test(jobId)) return null;
  const arrayTask = task === 'N/A' || task === '' ? null : task;
  const key = arrayTask !== null && /^\d+$/.test(arrayTask) ? `${arrayJobId}_${arrayTask}` : jobId;
  // `CANCELLED by 0` and similar carry a suffix; keep the state word only.
  return { key, jobId, arrayJobId, arrayTask, state: state.split(/\s+/)[0]!.replace(/\+$/, ''), reason, waitStatus: Number(code) || 0, name };
}

/** Expand an array task spec like `0-3,7,9-10%4` into task numbers. */
export function expandTaskRange(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/^\[|\]$/g, '').split('%')[0]!.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    for (let i = a; i <= b; i += step) out.push(i);
  }
  return out;
}

/** States in which a job is still queued or running (not final). */
const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

/** True when `state` is final (the job left the queue for good). */
export function isFinalState(state: string): boolean {
  return state !== '' && !ACTIVE.has(state);
}

/** States that say nothing about the job itself: the attempt is retried without counting against `retries`. */
export const TRANSIENT_STATES: ReadonlySet<string> = new Set(['NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL']);

/**
 * The {@link JobOutcome} of a job that reached final `state` with wait status
 * `waitStatus` (`exit << 8 | signal`) and SLURM reason `reason`. `aborted`
 * when wf itself cancelled it (`cancelledByUs`).
 */
export function outcomeOf(state: string, waitStatus: number, reason: string, cancelledByUs: boolean): JobOutcome {
  const exit = (waitStatus >> 8) & 0xff;
  const sig = waitStatus & 0x7f;
  const signal = sig !== 0 ? signalName(sig) : null;
  const base = { exitCode: signal === null ? exit : null, signal, timedOut: false, aborted: false };
  const why = reason && reason !== 'None' ? ` (${reason})` : '';
  switch (state) {
    case 'COMPLETED':
      return { ...base, exitCode: 0, signal: null };
    case 'FAILED':
      // exit 0 with FAILED happens when the batch step could not start (bad --chdir, log path).
      return { ...base, exitCode: signal === null && exit === 0 ? null : base.exitCode, reason: `SLURM job FAILED${why}` };
    case 'TIMEOUT':
    case 'DEADLINE':
      return { ...base, exitCode: null, signal: null, timedOut: true, reason: `SLURM job ${state}: time limit reached` };
    case 'CANCELLED':
      if (cancelledByUs) return { ...base, exitCode: null, signal: null, aborted: true };
      return { ...base, exitCode: null, signal: null, reason: `SLURM job CANCELLED outside wf${why}` };
    case 'OUT_OF_MEMORY':
      return { ...base, exitCode: null, signal: null, reason: 'SLURM job OUT_OF_MEMORY: raise `resources { mem = … }`' };
    case 'NODE_FAIL':
    case 'PREEMPTED':
    case 'BOOT_FAIL':
      return { ...base, exitCode: null, signal: null, transient: true, reason: `SLURM job ${state}${why}` };
    default:
      return { ...base, exitCode: null, signal: null, reason: `SLURM job ended in state ${state}${why}` };
  }
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };
function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

/**
 * Parse `scontrol -o show job ID` output (one line per job or array task) into rows
 * keyed like {@link parseSqueueLine}'s; used for jobs squeue no longer lists.
 */
export function parseScontrolJobs(text: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const line of text.split('\n')) {
    const f = (k: string): string => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1] ?? '';
    const jobId = f('JobId');
    if (!jobId) continue;
    const arrayJobId = f('ArrayJobId') || jobId;
    const task = f('ArrayTaskId');
    const [code, sig] = f('ExitCode').split(':').map((x) => Number(x) || 0) as [number, number];
    const key = task && /^\d+$/.test(task) ? `${arrayJobId}_${task}` : jobId;
    rows.push({ key, jobId, arrayJobId, arrayTask: task || null, state: f('JobState'), reason: f('Reason'), waitStatus: ((code & 0xff) << 8) | (sig & 0x7f), name: f('JobName') });
  }
  return rows;
}

/** Parse `sacct -X -n -P -o JobID,State,ExitCode,Reason` lines into rows keyed like squeue's. */
export function parseSacct(text: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const line of text.split('\n')) {
    const [id, state, exit, reason] = line.split('|');
    if (!id || !state) continue;
    const [code, sig] = (exit ?? '0:0').split(':').map((x) => Number(x) || 0) as [number, number];
    const m = /^(\d+)(?:_(\d+))?$/.exec(id.trim());
    if (!m) continue;
    rows.push({ key: id.trim(), jobId: m[1]!, arrayJobId: m[1]!, arrayTask: m[2] ?? null, state: state.split(/\s+/)[0]!, reason: reason ?? '', waitStatus: ((code & 0xff) << 8) | (sig & 0x7f), name: '' });
  }
  return rows;
}
