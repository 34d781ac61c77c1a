/**
 * The one place that spawns SLURM client commands (`sbatch`, `squeue`,
 * `scontrol`, `scancel`, `sacct`) — through execa, never through a shell.
 * A {@link SlurmCommands} port so that the poller and state mapping can be
 * unit-tested with a fake; every call is counted per command for the
 * scheduler-load figures (`WF_SLURM_STATS=1`).
 */

/** How one client command ended. `exitCode` null when it could not be started (`error` set). */
export interface CommandResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the program could not be started at all (e.g. ENOENT: not installed). */
  readonly error?: string;
}

/** Runs SLURM client commands. `exec` never rejects. */
export interface SlurmCommands {
  /** Run `program args…` with `input` on stdin (if any) in `cwd` (default: process cwd). */
  exec(program: SlurmProgram, args: readonly string[], opts?: { readonly input?: string; readonly cwd?: string }): Promise<CommandResult>;
  /** Fire-and-forget variant for a synchronous context (a second Ctrl-C). */
  execDetached(program: SlurmProgram, args: readonly string[]): void;
  /** Calls made so far, per program (a live view). */
  readonly calls: Readonly<Record<SlurmProgram, number>>;
}

/** The client programs wf uses. */
export type SlurmProgram = 'sbatch' | 'squeue' | 'scontrol' | 'scancel' | 'sacct';

/** Zeroed call counters. */
export function zeroCalls(): Record<SlurmProgram, number> {
  return { sbatch: 0, squeue: 0, scontrol: 0, scancel: 0, sacct: 0 };
}

/**
 * The real {@link SlurmCommands} on top of execa. The submitter's whole
 * environment is passed (jobs are submitted with `--export=ALL`).
 */
export function createExecaCommands(): SlurmCommands {
  const calls = zeroCalls();
  return {
    calls,
    async exec(program, args, opts = {}) {
      calls[program]++;
      const { execa } = await import('execa');
      const r = await execa(program, [...args], {
        reject: false,
        stdin: opts.input === undefined ? 'ignore' : 'pipe',
        ...(opts.input !== undefined ? { input: opts.input } : {}),
        ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
        timeout: 120_000,
        stripFinalNewline: true,
      });
      const exitCode = typeof r.exitCode === 'number' ? r.exitCode : null;
      const stdout = typeof r.stdout === 'string' ? r.stdout : '';
      const stderr = typeof r.stderr === 'string' ? r.stderr : '';
      if (exitCode === null) return { exitCode, stdout, stderr, error: r.shortMessage ?? r.message ?? `could not run ${program}` };
      return { exitCode, stdout, stderr };
    },
    execDetached(program, args) {
      calls[program]++;
      void import('execa').then(({ execa }) => execa(program, [...args], { reject: false, stdin: 'ignore' }));
    },
  };
}
