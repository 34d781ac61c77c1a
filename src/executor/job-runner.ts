/**
 * The port through which the executor runs one job attempt (STYLE §1; ninja's
 * `CommandRunner`). The local implementation is `launcher-runner.ts`, the
 * SLURM one `slurm/runner.ts`; tests use a fake. Runners never touch state
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
  /** The attempt's log (its directory exists): the runner starts it with {@link logHeader}, then appends stdout and stderr. */
  readonly logFile: string;
  /** First line of this attempt's log, newline included (`=== wf: JOB attempt N/M, ISO-TIME ===`). */
  readonly logHeader: string;
  /** True on a first attempt: the runner truncates the log; a retry appends to it. */
  readonly logTruncate: boolean;
  /** Wall-clock limit in ms; absent = none. */
  readonly timeoutMs?: number;
  /** The job's rule (cluster runners name jobs after it). */
  readonly rule?: string;
  /** The job's wildcard values, keys in the rule's order. */
  readonly wildcards?: Readonly<Record<string, string>>;
  /** Cores the job needs (`resources.cores`, default 1). */
  readonly cores?: number;
  /** Memory the job needs in bytes (`resources.mem`), if declared. */
  readonly memBytes?: number;
  /** Cluster options of the rule (`slurm { … }`, wf extension); the runner merges command-line defaults under them. */
  readonly slurm?: SlurmJobOptions;
  /** The job's declared outputs, absolute: a job {@link JobRunner.queue}d behind this one starts only if they all exist. */
  readonly outputs?: readonly string[];
}

/** Per-rule SLURM options (`slurm { partition = "…", account = "…", qos = "…", extra = "…" }`). */
export interface SlurmJobOptions {
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  /** Extra sbatch flags, split like a shell would (no expansion). */
  readonly extra?: string;
}

/** Hooks and cancellation for one attempt. */
export interface RunControl {
  /** Aborted when the run is interrupted: terminate the job's whole process group. */
  readonly signal: AbortSignal;
  /** Called once the process group exists, with its id (for crash cleanup, spec §3 "Concurrency"). */
  readonly onSpawn?: (pgid: number) => void;
  /** Called once a cluster runner's job was accepted, with the scheduler's job id (`123` or `123_4`), for crash recovery. */
  readonly onSubmit?: (clusterJobId: string) => void;
  /**
   * A {@link JobRunner.queue}d attempt: called once the job ahead of it has
   * ended (before that job's outcome is delivered). From then on the
   * attempt holds that job's core slot: it starts at once
   * ({@link onSpawn}) or not at all (`notStarted`).
   */
  readonly onTurn?: () => void;
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
  /** Why it failed, in the runner's words (e.g. `SLURM job OUT_OF_MEMORY`); used in the failure reason when set. */
  readonly reason?: string;
  /** The failure says nothing about the job (node failure, preemption): retried without using up `retries`. */
  readonly transient?: boolean;
  /** A {@link JobRunner.queue}d attempt that never started (the job ahead of it did not succeed, or the runner was told to {@link JobRunner.hold}): nothing ran. */
  readonly notStarted?: boolean;
}

/** Runs job attempts. `run` never rejects: failures come back as a {@link JobOutcome}. */
export interface JobRunner {
  run(spec: JobSpec, control: RunControl): Promise<JobOutcome>;
  /**
   * Queue an attempt behind a running job, to start the moment that job
   * ends with status 0, leaving no process behind, and with all its
   * {@link JobSpec.outputs} there: no round trip through wf between the two
   * (a trivial job's start costs about as much as the job). The queued job
   * holds no core until {@link RunControl.onTurn} says the job ahead of it
   * ended; it never starts while that job runs. Returns undefined when no running
   * job can take one now (the caller runs it later with {@link run}); the
   * outcome has `notStarted` when it did not start. Optional.
   */
  queue?(spec: JobSpec, control: RunControl): Promise<JobOutcome> | undefined;
  /** True when {@link queue} would take a job that runs `command` in `cwd` now (no side effects). */
  canQueue?(command: string, cwd: string): boolean;
  /** Start no queued attempt from now on (the run is stopping): each ends `notStarted` unless it has started already. */
  hold?(): void;
  /** Get ready for `count` jobs in `cwd` ahead of the first one (start helper processes); optional. */
  warm?(cwd: string, count: number): void;
  /** Kill every running process group at once (a second Ctrl-C), skipping the grace period. */
  forceKill?(): void;
  /** Release what the runner keeps between jobs (helper processes); called once, after the last job. */
  close?(): void;
}
