/**
 * What the executor reports: every outcome of a run as a discriminated union
 * ({@link ExecEvent}, `kind` in kebab-case) plus the final {@link RunSummary}
 * (STYLE §1, §8.1). Types only; the CLI renders them, the executor never prints.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { JobId, RelPath } from '../ir/ids.js';

/**
 * Why a job must run (spec §3 "Up to date", `--explain`). A job may carry
 * several; they are listed cheapest rung first (STYLE §7), and a content
 * hash is never computed once a cheaper rung has already made the job dirty.
 */
export type DirtyReason =
  /** `--force`, or `--forcerun RULE` naming this job's rule (`rule` set). */
  | { readonly kind: 'forced'; readonly rule?: string }
  /** The last record is `started` (wf died mid-job) or `interrupted` (Ctrl-C). */
  | { readonly kind: 'interrupted-last-run' }
  /** The last run of this job failed. */
  | { readonly kind: 'failed-last-run'; readonly reason: string }
  /** A declared output does not exist (a missing `temp` output only when no planned job reads it). */
  | { readonly kind: 'output-missing'; readonly path: RelPath }
  /** A dependency runs in this run (`id`: the first such dependency in `deps` order). */
  | { readonly kind: 'upstream'; readonly id: JobId }
  /** A missing `temp` output of this job is needed by `by`, which runs. */
  | { readonly kind: 'temp-needed'; readonly path: RelPath; readonly by: JobId }
  /** The rule's declared inputs/outputs changed (`rule` trigger). */
  | { readonly kind: 'rule-changed' }
  /** The rendered command differs from the recorded one (`command` trigger). */
  | { readonly kind: 'command-changed' }
  /** The params (stable JSON) differ from the recorded ones (`params` trigger). */
  | { readonly kind: 'params-changed' }
  /**
   * An input's stamp differs from the recorded one and (with the `content` trigger) its SHA-256
   * too; `detail` says which: `'content'`, `'stamp'` (mtime trigger only), `'new-input'`.
   */
  | { readonly kind: 'input-changed'; readonly path: RelPath; readonly detail: 'content' | 'stamp' | 'new-input' }
  /** No record and nothing on disk to judge by (a job without outputs). */
  | { readonly kind: 'no-record' }
  /** No record, all outputs present, and this input is newer than the oldest output (make's rule). */
  | { readonly kind: 'input-newer'; readonly path: RelPath };

/** Counts per processing level, for the plan summary line. */
export interface LevelCount {
  readonly level: number;
  readonly levelText: string;
  readonly toRun: number;
  readonly upToDate: number;
}

/** A job that must run and why (for `--explain`). */
export interface JobReasons {
  readonly id: JobId;
  readonly rule: string;
  readonly reasons: readonly DirtyReason[];
}

/**
 * One thing that happened during {@link execute}. Emitted synchronously, in
 * order; `plan-decided` is always first (after load `warning`s) and is
 * emitted once.
 */
export type ExecEvent =
  /** Freshness decided for every planned job. `reasons` in plan order, only jobs to run. `byLevel` sorted by level. */
  | {
      readonly kind: 'plan-decided';
      readonly total: number;
      readonly toRun: number;
      readonly upToDate: number;
      readonly byLevel: readonly LevelCount[];
      readonly reasons: readonly JobReasons[];
      readonly dryRun: boolean;
    }
  /** An attempt began (`attempt` 1-based, `maxAttempts` = 1 + retries). */
  | { readonly kind: 'job-started'; readonly id: JobId; readonly rule: string; readonly attempt: number; readonly maxAttempts: number }
  /** An attempt failed and another follows; `attempt` is the next attempt's number. */
  | { readonly kind: 'job-retrying'; readonly id: JobId; readonly attempt: number; readonly maxAttempts: number; readonly reason: string }
  /** The job's outputs were verified and recorded. `durationMs` covers the last attempt. */
  | { readonly kind: 'job-succeeded'; readonly id: JobId; readonly durationMs: number; readonly attempts: number }
  /**
   * The job failed for good. `code`: WF3001 (exit status), WF3002 (timeout), WF3003 (output
   * missing), WF3004 (protected output). `logPath` relative to root; `logTail` its last ≤20 lines.
   */
  | {
      readonly kind: 'job-failed';
      readonly id: JobId;
      readonly code: DiagnosticCode;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly timedOut: boolean;
      readonly reason: string;
      readonly logPath: RelPath;
      readonly logTail: readonly string[];
      readonly attempts: number;
    }
  /** Not run because dependency `because` failed (transitively). */
  | { readonly kind: 'job-skipped'; readonly id: JobId; readonly because: JobId }
  /** A `temp` output was deleted because every planned reader succeeded. */
  | { readonly kind: 'temp-removed'; readonly path: RelPath; readonly producer: JobId }
  /** The run was aborted; `running` were terminated and recorded as interrupted (WF3008). */
  | { readonly kind: 'interrupted'; readonly running: readonly JobId[]; readonly diagnostic: Diagnostic }
  /** A non-fatal problem, e.g. WF3007 (torn state tail). */
  | { readonly kind: 'warning'; readonly diagnostic: Diagnostic };

/** A failed job in the {@link RunSummary}. */
export interface FailedJob {
  readonly id: JobId;
  readonly code: DiagnosticCode;
  readonly reason: string;
  readonly logPath: RelPath;
}

/**
 * The result of {@link execute}. Id lists are in completion order. Every
 * planned job is in exactly one of: `succeeded`, `failed`, `skipped`,
 * `notStarted`, `interruptedJobs`, or counted in `upToDate`.
 */
export interface RunSummary {
  readonly succeeded: readonly JobId[];
  readonly failed: readonly FailedJob[];
  /** Not run because a dependency failed. */
  readonly skipped: readonly JobId[];
  /** Count of planned jobs that were already up to date. */
  readonly upToDate: number;
  /** Dirty jobs never started because the run stopped (a failure without `keepGoing`, or an interrupt), or all of them in a dry run. */
  readonly notStarted: readonly JobId[];
  /** Jobs terminated by the interrupt. */
  readonly interruptedJobs: readonly JobId[];
  readonly interrupted: boolean;
  /** Wall-clock ms from the call to the return. */
  readonly durationMs: number;
}
