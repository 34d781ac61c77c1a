/**
 * The one place that runs local jobs (STYLE §1): a {@link JobRunner} that
 * hands each attempt to a small, long-lived **launcher** process, one
 * per job in flight. Each job runs as `bash -euo pipefail -c COMMAND` would
 * (spec §3 "Shell") in the workflow directory, in its own process group,
 * stdin from /dev/null, its log started with the attempt's header line and
 * then receiving stdout and stderr. Timeouts and aborts terminate the whole
 * group: SIGTERM, then SIGKILL after a grace period.
 *
 * Two kinds of launcher: a list of programs (`mkdir -p d && tr a-z A-Z <
 * in > d/out`) goes to a **direct launcher** when Python 3.8+ is on the
 * jobs' `PATH` (direct-launcher.ts: it starts the programs with
 * posix_spawn, no shell, as bash would run them); every other job goes to
 * a **bash launcher**, described below. A direct launcher that dies before
 * its first job (no usable Python) sends that job, and all later ones, to
 * bash.
 *
 * Why launchers: on Linux, Node's `child_process.spawn` forks the whole
 * wf process and blocks until the child has exec'd, 2–4 ms per job at wf's
 * 100–200 MB (docs/performance.md). bash is already required to run jobs,
 * forks in a fraction of that from its few MB, and does so off wf's event
 * loop. The launchers themselves are started with `child_process.spawn`.
 *
 * How a job runs ({@link jobMode}): the launcher forks a subshell, which
 * starts the log, enters the directory, sets `+m -euo pipefail` and
 * evaluates the command. A forked clean bash behaves as a fresh
 * `bash -euo pipefail -c` (same options `$-`, `$0`, `SHLVL`, environment,
 * signal dispositions, no inherited traps or functions; `$SECONDS` reset
 * and `$_` set to bash's path, as a new shell has them) and saves a bash
 * start per job (~2 ms of CPU, a third of a trivial job). A plain list's
 * last program is exec'd in place ({@link execLastInPlace}), saving a fork. What a fork
 * cannot reproduce is the shell's identity: `$$`, `$PPID`, `BASH_*`
 * variables, `LINENO`, `$0`. A command that mentions any of these, and
 * every command when `BASH_ENV` is set (sourced by every `bash -c`), gets
 * a real `exec bash -euo pipefail -c COMMAND` instead. Visible otherwise:
 * the shell variable `__wf_cmd` (the command) and bash's wording of a
 * syntax error (`bash: eval: line N:` for `bash: -c: line 1:`), and `$!`
 * before the command starts a background job (the previous job's subshell,
 * where `bash -c` has it unset).
 *
 * Launcher protocol (stdin, one {@link frame} per job): `mode`, `cwd`,
 * `log`, `header`, `command`. `mode` is two letters: `f` (fork and
 * evaluate) or `x` (exec a fresh bash), then `w` (truncate the log) or `a`
 * (append: a retry). Replies on stdout, one line each: `S PID` once the
 * job's group leader exists (PID = process group id, `set -m`), then
 * `E STATUS LEFT` when it has exited: bash's `$?` (128+N when killed by
 * signal N), and LEFT = 1 when other processes of its group are still
 * alive (background children), else 0.
 *
 * Queued jobs ({@link JobRunner.queue}): while a direct launcher runs a
 * job, wf may send it the next direct job, which the launcher starts when
 * the running one has succeeded (or refuses with `N`; direct-launcher.ts).
 * The queued job takes the running job's core slot as soon as wf reads that
 * job's `E` line ({@link RunControl.onTurn}), so the jobs running never
 * outnumber `-j`. The bash launcher takes no queued jobs.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { directCommands, directFrame, directLauncherArgs, findPython, type DirectCommand } from './direct-launcher.js';
import { execLastInPlace, programLookup } from './exec-last.js';
import { killGroup } from './process-group.js';
import type { JobOutcome, JobRunner, JobSpec, RunControl } from './job-runner.js';

/** Options of {@link createLauncherRunner}. */
export interface LauncherRunnerOptions {
  /** ms between SIGTERM and SIGKILL when terminating a group (default 3000). */
  readonly killGraceMs?: number;
  /** Extra environment variables for jobs (merged over `process.env`). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The launcher: job control on (`set -m`, so each job leads its own process
 * group), one job at a time. It parses in the C locale (byte offsets, and
 * `read -N` takes a whole job in one or two reads where `read -d` reads a
 * byte per system call); each job's subshell restores the caller's `LC_ALL`
 * first.
 */
const LAUNCHER_SCRIPT = `__wf_lc=\${LC_ALL+x}\${LC_ALL-}
LC_ALL=C
set -m
while IFS= read -r -N 10 __wf_len && IFS= read -r -N "$((10#$__wf_len))" __wf_job; do
  __wf_f=(\${__wf_job%%$'\\n'*})
  __wf_job=\${__wf_job#*$'\\n'}
  (
    if [ -n "$__wf_lc" ]; then LC_ALL=\${__wf_lc#x}; else unset -v LC_ALL; fi
    __wf_log=\${__wf_job:\${__wf_f[1]}:\${__wf_f[2]}}
    if [ "\${__wf_f[0]:1:1}" = a ]; then exec >>"$__wf_log" 2>&1; else exec >"$__wf_log" 2>&1; fi
    printf '%s' "\${__wf_job:$((__wf_f[1] + __wf_f[2])):\${__wf_f[3]}}"
    __wf_cwd=\${__wf_job:0:\${__wf_f[1]}}
    [ "$PWD" = "$__wf_cwd" ] || cd -- "$__wf_cwd" || exit 1
    __wf_cmd=\${__wf_job:$((__wf_f[1] + __wf_f[2] + __wf_f[3]))}
    [ "\${__wf_f[0]:0:1}" = f ] || exec bash -euo pipefail -c "$__wf_cmd"
    unset -v __wf_lc __wf_len __wf_job __wf_f __wf_log __wf_cwd __wf_pid __wf_status __wf_left
    set +m -euo pipefail
    SECONDS=0
    : "$BASH"
    eval "$__wf_cmd"
  ) </dev/null &
  __wf_pid=$!
  printf 'S %d\\n' "$__wf_pid"
  wait "$__wf_pid"
  __wf_status=$?
  if kill -0 -- "-$__wf_pid" 2>/dev/null; then __wf_left=1; else __wf_left=0; fi
  printf 'E %d %d\\n' "$__wf_status" "$__wf_left"
done
`;

/** One job in the launcher's framing: 10 decimal digits (byte length of the rest), `MODE LCWD LLOG LHEADER\n`, then the four texts. */
function frame(mode: string, spec: JobSpec, command: string): string {
  const rest = `${mode} ${Buffer.byteLength(spec.cwd)} ${Buffer.byteLength(spec.logFile)} ${Buffer.byteLength(spec.logHeader)}\n${spec.cwd}${spec.logFile}${spec.logHeader}${command}`;
  return `${String(Buffer.byteLength(rest)).padStart(10, '0')}${rest}`;
}

/**
 * Words that let a command observe which process runs it: `$$`, `${$}`,
 * `PPID`, any `BASH_` variable (`BASH_SUBSHELL`, `BASH_EXECUTION_STRING`, …),
 * `LINENO`, `$0`, `${0}`.
 */
const SHELL_IDENTITY = /\$\$|\$\{[#!]?\$|PPID|BASH_|LINENO|\$\{?[#!]?0/;

/**
 * How the launcher runs `command`: `'fork'` (a forked clean bash evaluates
 * it) unless the command can observe the difference (see
 * {@link SHELL_IDENTITY}) or `bashEnv` is set, then `'exec'` (a fresh
 * `bash -euo pipefail -c`). Spec §3 "Shell".
 */
export function jobMode(command: string, bashEnv: boolean): 'fork' | 'exec' {
  return bashEnv || SHELL_IDENTITY.test(command) ? 'exec' : 'fork';
}

/**
 * A reply line of a launcher: `S PGID`, `E STATUS LEFT`, or `N` (a queued
 * job that did not start: direct launcher only); `T` is not sent by a
 * launcher: the runner tells a queued job that the job ahead of it ended.
 */
type Reply = { readonly kind: 'S' | 'E' | 'N' | 'T'; readonly value: number; readonly groupLeft: boolean };

/** One launcher process and the reply handlers of the jobs sent to it. */
interface Launcher {
  /** `bash`: the bash launcher (any job); `direct`: the direct launcher (direct-launcher.ts), for direct jobs in {@link cwd}. */
  readonly kind: 'bash' | 'direct';
  /** The directory it was started in. */
  readonly cwd: string;
  /** Tell it that the job's group is being terminated (the direct launcher then starts no more programs). */
  readonly stop: () => void;
  /** Tell the direct launcher to start no queued job from now on (SIGUSR2). */
  readonly hold: () => void;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly unref: () => void;
  readonly ref: () => void;
  /**
   * The reply handlers of the jobs sent to it, oldest first (a running job,
   * then at most one queued behind it): `S` goes to the first, `E` and `N`
   * end it; each gets `null` when the launcher died. Empty: idle.
   */
  readonly waiting: ((r: Reply | null) => void)[];
  /** The last job sent can have one queued behind it ({@link JobRunner.queue}): its outputs, absolute. */
  aheadOutputs: readonly string[] | undefined;
  /** In the idle list. */
  isIdle: boolean;
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
  /** Launchers {@link JobRunner.warm} asked for beyond the first, started after the first job is handed over. */
  let warmLater: { readonly cwd: string; readonly count: number } | undefined;
  let closed = false;
  /** {@link JobRunner.hold} was called: nothing more is queued. */
  let held = false;
  const jobEnv = options.env ? { ...process.env, ...options.env } : process.env;
  const bashEnv = Boolean(jobEnv.BASH_ENV);
  const findProgram = programLookup(jobEnv);
  /**
   * The Python that runs direct jobs (null: not looked for yet, so a runner
   * that starts no job, as in a dry run, reads no `PATH` entry); undefined
   * when there is none, or once a direct launcher has died before its first
   * job (no usable Python 3.8+).
   */
  let found: string | undefined | null = bashEnv ? undefined : null;
  const python = (): string | undefined => (found === null ? (found = findPython(jobEnv)) : found);

  function startLauncher(cwd: string, kind: Launcher['kind']): Launcher {
    // node:child_process, not execa: importing execa costs ~40 ms, more than a
    // touch-one run's jobs, for two pipes and a detached process.
    // --norc: bash reads ~/.bashrc even when not interactive if its stdin is a socket (as this
    // pipe is) and SHLVL is unset or 0 (cron, systemd, CI runners): jobs would inherit whatever it
    // sets (PATH, aliases), unlike `bash -c`, and it can cost 100+ ms (pyenv init) per launcher.
    const child = spawn('bash', kind === 'direct' ? directLauncherArgs(python()!) : ['--norc', '-c', LAUNCHER_SCRIPT], {
      stdio: ['pipe', 'pipe', 'ignore'], // stderr: bash's own job-status chatter ("Killed"); jobs write to their logs
      detached: true, // its own group: a terminal's Ctrl-C reaches wf, which decides
      cwd, // the jobs' directory: the subshells need no `cd` (which would set OLDPWD)
      env: jobEnv,
    });
    const l: Launcher = {
      kind,
      cwd,
      stop: () => {
        if (kind === 'direct') child.kill('SIGUSR1');
      },
      hold: () => {
        if (kind === 'direct') child.kill('SIGUSR2');
      },
      stdin: child.stdin!,
      stdout: child.stdout!,
      waiting: [],
      aheadOutputs: undefined,
      isIdle: false,
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
        if (kind === 'S' || kind === 'E' || kind === 'N') {
          const [value, left] = line.slice(2).split(' ');
          const handler = kind === 'S' ? l.waiting[0] : l.waiting.shift();
          // A job queued behind one that ended takes its turn (and its core slot) before that job's outcome is delivered.
          if (kind !== 'S') l.waiting[0]?.({ kind: 'T', value: 0, groupLeft: false });
          handler?.({ kind, value: Number(value), groupLeft: left === '1' });
        }
      }
    });
    const died = (): void => {
      if (l.dead) return;
      l.dead = true;
      all.delete(l);
      for (const handler of l.waiting.splice(0)) handler(null);
    };
    l.stdin.on('error', died);
    child.on('error', died); // bash could not be started
    child.on('close', died); // after its stdout is drained: a last reply is never lost
    all.add(l);
    return l;
  }

  /**
   * Send one job to a launcher: the direct launcher gets `direct` (the
   * job's commands), the bash launcher the command text, to be forked or
   * exec'd as `fork` says ({@link jobMode}). `after`: the outputs of the job
   * ahead of it, for a job queued behind a running one (direct launcher
   * only). Resolves with the job's exit reply, an `N` reply (a queued job
   * that did not start), or null when the launcher died.
   */
  function launch(
    l: Launcher,
    spec: JobSpec,
    direct: readonly DirectCommand[] | null,
    fork: boolean,
    after: readonly string[] | undefined,
    onStart: (pgid: number) => void,
    onTurn: (() => void) | undefined,
  ): Promise<Reply | null> {
    return new Promise((resolve) => {
      l.waiting.push((r) => {
        if (r === null) resolve(null);
        else if (r.kind === 'S') onStart(r.value);
        else if (r.kind === 'T') onTurn?.();
        else resolve(r);
      });
      l.aheadOutputs = direct !== null && (spec.cores ?? 1) <= 1 ? (spec.outputs ?? []) : undefined;
      if (direct !== null) {
        l.stdin.write(directFrame(spec.logFile, !spec.logTruncate, spec.logHeader, direct, after));
      } else {
        const command = fork ? execLastInPlace(spec.command, findProgram) : spec.command;
        l.stdin.write(frame(`${fork ? 'f' : 'x'}${spec.logTruncate ? 'w' : 'a'}`, spec, command));
      }
      if (warmLater) {
        const { cwd, count } = warmLater;
        warmLater = undefined;
        setImmediate(() => fill(cwd, count));
      }
    });
  }

  /** The kind of launcher {@link JobRunner.warm} starts: the direct one when Python is there (most jobs of a pipeline are plain lists). */
  function warmKind(): Launcher['kind'] {
    return python() === undefined ? 'bash' : 'direct';
  }

  /** Start idle launchers of {@link warmKind} in `cwd` until there are `count` of that kind (none after {@link JobRunner.close}). */
  function fill(cwd: string, count: number): void {
    const kind = warmKind();
    try {
      let have = [...all].filter((l) => l.kind === kind).length;
      for (; !closed && have < count; have += 1) {
        const l = startLauncher(cwd, kind);
        l.unref();
        l.isIdle = true;
        idle.push(l);
      }
    } catch {
      // The first job reports why bash cannot be started.
    }
  }

  /** An idle launcher of `kind` that can run a job in `cwd` (the bash launcher runs any; the direct one its own directory's), removed from the idle list. */
  function takeIdle(kind: Launcher['kind'], cwd: string): Launcher | undefined {
    for (let i = idle.length - 1; i >= 0; i -= 1) {
      const l = idle[i]!;
      if (!l.dead && l.kind === kind && (kind === 'bash' || l.cwd === cwd)) {
        l.isIdle = false;
        return idle.splice(i, 1)[0];
      }
    }
    return undefined;
  }

  /** A job's text or paths with a NUL byte cannot be passed to a launcher: the outcome that says so. */
  function nulByte(spec: JobSpec): JobOutcome | undefined {
    if (spec.command.includes('\0') || spec.logFile.includes('\0') || spec.cwd.includes('\0')) {
      return { exitCode: null, signal: null, timedOut: false, aborted: false, error: 'the command contains a NUL byte' };
    }
    return undefined;
  }

  /** {@link canQueue}'s parse of the command it said yes to, for the {@link queue} call that follows it. */
  let checked: { readonly command: string; readonly direct: DirectCommand[] } | undefined;

  /** The commands of `command` when it can run in a direct launcher, else null. */
  function directOf(command: string): DirectCommand[] | null {
    return python() !== undefined && jobMode(command, bashEnv) === 'fork' ? directCommands(command, findProgram) : null;
  }

  /** A direct launcher in `cwd` running one job that can have one queued behind it. */
  function queueHost(cwd: string): Launcher | undefined {
    for (const l of all) if (l.kind === 'direct' && !l.dead && l.cwd === cwd && l.waiting.length === 1 && l.aheadOutputs !== undefined) return l;
    return undefined;
  }

  async function run(spec: JobSpec, control: RunControl): Promise<JobOutcome> {
    const bad = nulByte(spec);
    if (bad) return bad;
    const fork = jobMode(spec.command, bashEnv) === 'fork';
    const direct = python() !== undefined && fork ? directCommands(spec.command, findProgram) : null;
    const kind = direct === null ? 'bash' : 'direct';
    let l: Launcher;
    try {
      l = takeIdle(kind, spec.cwd) ?? startLauncher(spec.cwd, kind);
    } catch (e) {
      return { exitCode: null, signal: null, timedOut: false, aborted: false, error: `could not start bash: ${(e as Error).message}` };
    }
    const outcome = await runOn(l, spec, control, direct, fork, undefined);
    if (outcome === 'python-missing') {
      found = undefined; // no usable Python: this job and all others go to bash
      return run(spec, control);
    }
    return outcome;
  }

  function queue(spec: JobSpec, control: RunControl): Promise<JobOutcome> | undefined {
    if (nulByte(spec) || (spec.cores ?? 1) > 1 || held) return undefined;
    const direct = checked?.command === spec.command ? checked.direct : directOf(spec.command);
    checked = undefined;
    const l = direct === null ? undefined : queueHost(spec.cwd);
    if (l === undefined) return undefined;
    return runOn(l, spec, control, direct, true, l.aheadOutputs).then((o) =>
      o === 'python-missing' ? { exitCode: null, signal: null, timedOut: false, aborted: false, notStarted: true } : o,
    );
  }

  /**
   * Run one job on launcher `l` (queued behind its running job when `after`
   * is set). `'python-missing'`: a direct launcher died before its first
   * job started (no usable Python 3.8+).
   */
  async function runOn(
    l: Launcher,
    spec: JobSpec,
    control: RunControl,
    direct: readonly DirectCommand[] | null,
    fork: boolean,
    after: readonly string[] | undefined,
  ): Promise<JobOutcome | 'python-missing'> {
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
      l.stop();
      killGroup(pgid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pgid!, 'SIGKILL'), grace);
    };
    const onAbort = (): void => {
      aborted = true;
      terminate();
    };
    try {
      const exit = await launch(l, spec, direct, fork, after, (id) => {
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
      }, control.onTurn);
      if (exit?.kind === 'N') return { exitCode: null, signal: null, timedOut: false, aborted: false, notStarted: true };
      if (exit === null) {
        // The launcher died under the job (e.g. the job killed its parent): leave nothing of the job running.
        if (pgid !== undefined) {
          killGroup(pgid, 'SIGKILL');
          running.delete(pgid);
        }
        if (pgid === undefined && after !== undefined) return { exitCode: null, signal: null, timedOut: false, aborted: false, notStarted: true };
        if (pgid === undefined && l.kind === 'direct') return 'python-missing';
        if (pgid === undefined) return { exitCode: null, signal: null, timedOut, aborted, error: 'the bash launcher exited before starting it' };
        return { exitCode: null, signal: null, timedOut, aborted, reason: 'the bash launcher running it died (did the job kill its parent?); its process group was killed' };
      }
      if (pgid !== undefined) {
        if (exit.groupLeft) {
          // The leader is gone but not its group: nothing of the job may outlive
          // it (background children would otherwise keep writing outputs).
          if (!terminating) killGroup(pgid, 'SIGTERM');
          const deadline = Date.now() + grace;
          while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
        }
        running.delete(pgid);
      }
      const signal = signalOfStatus(exit.value);
      return { exitCode: signal === null ? exit.value : null, signal, timedOut, aborted };
    } finally {
      if (killTimer) clearTimeout(killTimer);
      if (timeoutTimer) clearTimeout(timeoutTimer);
      control.signal.removeEventListener('abort', onAbort);
      if (!l.dead && l.waiting.length === 0 && !l.isIdle) {
        l.unref();
        l.isIdle = true;
        idle.push(l);
      }
    }
  }

  return {
    run,
    queue,
    canQueue(command: string, cwd: string): boolean {
      checked = undefined;
      if (held || queueHost(cwd) === undefined) return false;
      const direct = directOf(command);
      if (direct !== null) checked = { command, direct };
      return direct !== null;
    },
    hold(): void {
      held = true;
      for (const l of all) if (l.kind === 'direct' && l.waiting.length > 1) l.hold();
    },
    warm(cwd: string, count: number): void {
      // One now; the others once the first job has been handed over, while it runs (a spawn blocks wf for
      // ~5-10 ms: a touch-one run's first job is often alone, and its dependents then start on warm launchers).
      fill(cwd, 1);
      if (count > 1) warmLater = { cwd, count };
    },
    forceKill(): void {
      for (const pgid of running) killGroup(pgid, 'SIGKILL');
    },
    close(): void {
      closed = true;
      warmLater = undefined;
      for (const l of all) l.stdin.end();
      all.clear();
      idle.length = 0;
    },
  };
}
