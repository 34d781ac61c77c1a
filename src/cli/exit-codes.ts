/**
 * Exit codes of the `wf` command (spec §5). The CLI is the only layer that
 * decides them.
 */
export const EXIT = {
  /** Success, or nothing to do. */
  ok: 0,
  /** A job failed. */
  jobFailed: 1,
  /** Invalid workflow, planning error, usage error, or a held lock. */
  invalid: 2,
  /** Internal error (a bug in wf). */
  internal: 3,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

/** One of the exit codes of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Thrown by command code to stop with a user-facing message and an exit
 * code; caught once in `main.ts`. Not for bugs.
 */
export class CliExit extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message = '') {
    super(message);
    this.exitCode = exitCode;
  }
}
