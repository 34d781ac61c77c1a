/**
 * The one place that runs local jobs (STYLE §1): a {@link JobRunner} that
 * hands each attempt to a small, long-lived bash **launcher** process, one
 * per job in flight. Each job runs as `bash -euo pipefail -c COMMAND`
 * (spec §3 "Shell") in the workflow directory, in its own process group,
 * stdin from /dev/null, stdout and stderr appended to the job's log.
 * Timeouts and aborts terminate the whole group: SIGTERM, then SIGKILL
 * after a grace period.
 *
 * Why launchers: on Linux, Node's `child_process.spawn` forks the whole
 * wf process and blocks until the child has exec'd, 2–3 ms per job at wf's
 * 100–200 MB (docs/performance.md). bash is already required to run jobs,
 * forks in a fraction of that from its few MB, and does so off wf's event
 * loop. The launchers themselves are started with execa.
 *
 * Launcher protocol (stdin, NUL-terminated fields per job): `cwd`, `log`,
 * `command`. Replies on stdout, one line each: `S PID` once the job's
 * group leader exists (PID = process group id, `set -m`), then `E STATUS`
 * when it has exited (bash's `$?`: 128+N when killed by signal N).
 */
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { killGroup } from './process-group.js';
import type { JobOutcome, JobRunner, JobSpec, RunControl } from './job-runner.js';

/** Options of {@link createLauncherRunner}. */
export interface LauncherRunnerOptions {
  /** ms between SIGTERM and SIGKILL when terminating a group (default 3000). */
  readonly killGraceMs?: number;
  /** Extra environment variables for jobs (merged over `process.env`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The launcher: job control on (`set -m`, so each job leads its own process group), one job at a time. */
const LAUNCHER_SCRIPT = `set -m
while IFS= read -r -d '' cwd && IFS= read -r -d '' log && IFS= read -r -d '' cmd; do
  ( cd -- "$cwd" && exec bash -euo pipefail -c "$cmd" ) </dev/null >>"$log" 2>&1 &
  printf 'S %d\\n' "$!"
  wait "$!"
  printf 'E %d\\n' "$?"
done
`;

/** A reply line of a launcher. */
type Reply = { readonly kind: 'S' | 'E'; readonly value: number };

/** One launcher process and the reply handler of the job it is running. */
interface Launcher {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly unref: () => void;
  readonly ref: () => void;
  /** Set while a job runs; receives its replies, or `null` when the launcher died. */
  onReply?: (r: Reply | null) => void;
  dead: boolean;
}

/** Signal name of bash status 128+N, or null for a plain exit status. */
function signalOfStatus(status: number): string | null {
  if (status <= 128) return null;
  const n = status - 128;
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return null;
}

/** True while any process of group `pgid` is alive (the launcher reaps the leader). */
function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

/**
 * Create the real local {@link JobRunner}. Launchers are started on demand
 * (at most one per job in flight) and reused; {@link JobRunner.close} ends
 * them, and idle launchers never keep wf alive. A job that cannot be
 * started (no bash, a launcher that died) comes back as an outcome with
 * `error` set; `run` never rejects.
 */
export function createLauncherRunner(options: LauncherRunnerOptions = {}): JobRunner {
  const grace = options.killGraceMs ?? 3000;
  const running = new Set<number>();
  const idle: Launcher[] = [];
  const all = new Set<Launcher>();

  async function startLauncher(): Promise<Launcher> {
    // Loaded on first use: a no-op run never pays for execa (STYLE §7).
    const { execa } = await import('execa');
    const child = execa('bash', ['-c', LAUNCHER_SCRIPT], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'ignore', // bash's own job-status chatter ("Killed"); jobs write to their logs
      detached: true, // its own group: a terminal's Ctrl-C reaches wf, which decides
      reject: false,
      cleanup: false,
      buffer: false,
      ...(options.env ? { env: { ...options.env } } : {}),
    });
    const l: Launcher = {
      stdin: child.stdin!,
      stdout: child.stdout!,
      dead: false,
      unref: () => {
        child.unref();
        (child.stdout as unknown as { unref?: () => void }).unref?.();
        (child.stdin as unknown as { unref?: () => void }).unref?.();
      },
      ref: () => {
        child.ref();
        (child.stdout as unknown as { ref?: () => void }).ref?.();
        (child.stdin as unknown as { ref?: () => void }).ref?.();
      },
    };
    let partial = '';
    l.stdout.setEncoding('utf8');
    l.stdout.on('data', (chunk: string) => {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        const kind = line[0];
        if (kind === 'S' || kind === 'E') l.onReply?.({ kind, value: Number(line.slice(2)) });
      }
    });
    const died = (): void => {
      if (l.dead) return;
      l.dead = true;
      all.delete(l);
      l.onReply?.(null);
    };
    l.stdin.on('error', died);
    void child.then(died, died);
    all.add(l);
    return l;
  }

  /** Send one job to a launcher; resolves with the job's status, or null when the launcher died. */
  function launch(l: Launcher, spec: JobSpec, onStart: (pgid: number) => void): Promise<number | null> {
    return new Promise((resolve) => {
      l.onReply = (r) => {
        if (r === null) resolve(null);
        else if (r.kind === 'S') onStart(r.value);
        else resolve(r.value);
      };
      l.stdin.write(`${spec.cwd}\0${spec.logFile}\0${spec.command}\0`);
    });
  }

  return {
    async run(spec: JobSpec, control: RunControl): Promise<JobOutcome> {
      if (spec.command.includes('\0') || spec.logFile.includes('\0') || spec.cwd.includes('\0')) {
        return { exitCode: null, signal: null, timedOut: false, aborted: false, error: 'the command contains a NUL byte' };
      }
      let l: Launcher;
      try {
        l = idle.pop() ?? (await startLauncher());
      } catch (e) {
        return { exitCode: null, signal: null, timedOut: false, aborted: false, error: `could not start bash: ${(e as Error).message}` };
      }
      l.ref();
      let pgid: number | undefined;
      let timedOut = false;
      let aborted = false;
      let terminating = false;
      let killTimer: NodeJS.Timeout | undefined;
      let timeoutTimer: NodeJS.Timeout | undefined;
      const terminate = (): void => {
        if (terminating || pgid === undefined) return;
        terminating = true;
        killGroup(pgid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(pgid!, 'SIGKILL'), grace);
      };
      const onAbort = (): void => {
        aborted = true;
        terminate();
      };
      try {
        const status = await launch(l, spec, (id) => {
          pgid = id;
          running.add(id);
          control.onSpawn?.(id);
          if (spec.timeoutMs !== undefined) {
            timeoutTimer = setTimeout(() => {
              timedOut = true;
              terminate();
            }, spec.timeoutMs);
          }
          if (control.signal.aborted) onAbort();
          else control.signal.addEventListener('abort', onAbort, { once: true });
        });
        if (status === null) {
          // The launcher died under the job (e.g. the job killed its parent): leave nothing of the job running.
          if (pgid !== undefined) {
            killGroup(pgid, 'SIGKILL');
            running.delete(pgid);
          }
          if (pgid === undefined) return { exitCode: null, signal: null, timedOut, aborted, error: 'the bash launcher exited before starting it' };
          return { exitCode: null, signal: null, timedOut, aborted, reason: 'the bash launcher running it died (did the job kill its parent?); its process group was killed' };
        }
        if (pgid !== undefined) {
          // The leader is gone; make sure nothing of its group outlives the job
          // (background children would otherwise keep writing outputs).
          if (!terminating) killGroup(pgid, 'SIGTERM');
          const deadline = Date.now() + grace;
          while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
          running.delete(pgid);
        }
        const signal = signalOfStatus(status);
        return { exitCode: signal === null ? status : null, signal, timedOut, aborted };
      } finally {
        if (killTimer) clearTimeout(killTimer);
        if (timeoutTimer) clearTimeout(timeoutTimer);
        control.signal.removeEventListener('abort', onAbort);
        l.onReply = undefined;
        if (!l.dead) {
          l.unref();
          idle.push(l);
        }
      }
    },
    forceKill(): void {
      for (const pgid of running) killGroup(pgid, 'SIGKILL');
    },
    close(): void {
      for (const l of all) l.stdin.end();
      all.clear();
      idle.length = 0;
    },
  };
}
