/**
 * The port through which the executor runs one job attempt (STYLE §1; ninja's
 * `CommandRunner`). The real implementation is `execa-runner.ts`, the only
 * file that spawns processes; tests use a fake. Runners never touch state
 * or outputs: they run a command and report how it ended.
 */
import type { JobId } from '../ir/ids.js';

/** One attempt to run. Paths are absolute. */
export interface JobSpec {
  readonly id: JobId;
  /** Shell text, run as `bash -euo pipefail -c COMMAND` (spec §3 "Shell"). */
  readonly command: string;
  /** Working directory: the workflow root. */
  readonly cwd: string;
  /** File that receives stdout and stderr, appended to (its directory exists). */
  readonly logFile: string;
  /** Wall-clock limit in ms; absent = none. */
  readonly timeoutMs?: number;
}

/** Hooks and cancellation for one attempt. */
export interface RunControl {
  /** Aborted when the run is interrupted: terminate the job's whole process group. */
  readonly signal: AbortSignal;
  /** Called once the process group exists, with its id (for crash cleanup, spec §3 "Concurrency"). */
  readonly onSpawn?: (pgid: number) => void;
}

/**
 * How an attempt ended. `exitCode` null when killed by a signal (`signal`,
 * e.g. `'SIGTERM'`); `timedOut` when the runner killed it for `timeoutMs`;
 * `aborted` when killed because {@link RunControl.signal} fired.
 * `error` set when the process could not be started at all.
 */
export interface JobOutcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly error?: string;
}

/** Runs job attempts. `run` never rejects: failures come back as a {@link JobOutcome}. */
export interface JobRunner {
  run(spec: JobSpec, control: RunControl): Promise<JobOutcome>;
  /** Kill every running process group at once (a second Ctrl-C), skipping the grace period. */
  forceKill?(): void;
}
