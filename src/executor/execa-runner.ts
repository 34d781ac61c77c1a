/**
 * The one place that spawns processes (STYLE §1): a {@link JobRunner} on top
 * of execa. Each job runs as `bash -euo pipefail -c COMMAND` in its own
 * process group (detached), stdin ignored, stdout and stderr appended to the
 * log file. Timeouts and aborts terminate the whole group: SIGTERM, then
 * SIGKILL after a grace period.
 */
import { closeSync, openSync } from 'node:fs';
import { killGroup } from './process-group.js';
import type { JobOutcome, JobRunner, JobSpec, RunControl } from './job-runner.js';

/** Options of {@link createExecaRunner}. */
export interface ExecaRunnerOptions {
  /** ms between SIGTERM and SIGKILL when terminating a group (default 3000). */
  readonly killGraceMs?: number;
  /** Extra environment variables for jobs (merged over `process.env`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** True while any process of group `pgid` is alive (zombies of our own children excepted once reaped). */
function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

/**
 * Create the real {@link JobRunner}. Failures to start (e.g. no bash) come
 * back as an outcome with `error` set and exit code null; `run` never rejects.
 */
export function createExecaRunner(options: ExecaRunnerOptions = {}): JobRunner {
  const grace = options.killGraceMs ?? 3000;
  const running = new Set<number>();
  return {
    async run(spec: JobSpec, control: RunControl): Promise<JobOutcome> {
      let fd: number;
      try {
        fd = openSync(spec.logFile, 'a');
      } catch (e) {
        return { exitCode: null, signal: null, timedOut: false, aborted: false, error: `cannot open log ${spec.logFile}: ${(e as Error).message}` };
      }
      let timedOut = false;
      let aborted = false;
      let terminating = false;
      let killTimer: NodeJS.Timeout | undefined;
      let timeoutTimer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      try {
        // execa's types list only fds 3–9, but any open fd is handed to spawn as is;
        // a raw fd (not a pipe) means background grandchildren cannot hold the job open.
        const logFd = fd as 3;
        // Loaded on first use: a no-op run never pays for execa (STYLE §7).
        const { execa } = await import('execa');
        const child = execa('bash', ['-euo', 'pipefail', '-c', spec.command], {
          cwd: spec.cwd,
          stdin: 'ignore',
          stdout: logFd,
          stderr: logFd,
          detached: true,
          reject: false,
          cleanup: false,
          ...(options.env ? { env: { ...options.env } } : {}),
        });
        const pgid = child.pid;
        if (pgid === undefined) {
          const r = await child;
          return { exitCode: null, signal: null, timedOut: false, aborted: false, error: r.message ?? 'could not start bash' };
        }
        running.add(pgid);
        control.onSpawn?.(pgid);
        const terminate = (): void => {
          if (terminating) return;
          terminating = true;
          killGroup(pgid, 'SIGTERM');
          killTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), grace);
        };
        if (spec.timeoutMs !== undefined) {
          timeoutTimer = setTimeout(() => {
            timedOut = true;
            terminate();
          }, spec.timeoutMs);
        }
        onAbort = () => {
          aborted = true;
          terminate();
        };
        if (control.signal.aborted) onAbort();
        else control.signal.addEventListener('abort', onAbort, { once: true });
        const result = await child;
        // The leader is gone; make sure nothing of its group outlives the job
        // (background children would otherwise keep writing outputs).
        if (!terminating) killGroup(pgid, 'SIGTERM');
        const deadline = Date.now() + grace;
        while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
        running.delete(pgid);
        const signal = result.signal ?? null;
        const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
        return { exitCode, signal, timedOut, aborted, ...(result.failed && exitCode === null && signal === null ? { error: result.message } : {}) };
      } finally {
        if (killTimer) clearTimeout(killTimer);
        if (timeoutTimer) clearTimeout(timeoutTimer);
        if (onAbort) control.signal.removeEventListener('abort', onAbort);
        closeSync(fd);
      }
    },
    forceKill(): void {
      for (const pgid of running) killGroup(pgid, 'SIGKILL');
    },
  };
}
