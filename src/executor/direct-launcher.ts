/**
 * Running a plain list without a shell: the **direct launcher**. A job such
 * as `mkdir -p L1/x && tr a-z A-Z < in > out` is a list of programs with
 * literal words and file redirections; what `bash -euo pipefail -c` does
 * with it is fully known (spec §3 "Shell"). bash must fork itself for each
 * program (and its children fault in every page they touch, ~90 faults a
 * fork here); `posix_spawn` (vfork) starts a program without copying
 * anything. Neither Node nor bash can call it; Python's `os.posix_spawn`
 * can. So when `python3` (3.8 or later) is on the jobs' `PATH`, a small
 * long-lived Python process, started through bash so that it holds bash's
 * exported environment, runs such jobs itself: about half the CPU per
 * trivial job of the bash launcher (docs/performance.md, "Direct jobs").
 * Every other job, and every job when Python is missing, goes to the bash
 * launcher (launcher-runner.ts).
 *
 * What a direct job does, as `bash -euo pipefail -c COMMAND` would:
 * - **Lists:** `;` and newlines run in turn; `&&` and `||` run the next
 *   command when the status is (not) 0; a failure ends the job (`set -e`)
 *   unless it is followed by `&&`/`||` in its list. The job's status is that
 *   of the command that ran last (128+N when killed by signal N).
 * - **Programs:** looked up on `PATH` when they run (`command not found`,
 *   127; `Permission denied`, 126), started with the job's environment, `_`
 *   set to the program's path and `SHLVL` as bash sets it (the variables
 *   and values bash exports; their order may differ) (one more than
 *   the caller's, except for the last command when bash runs it in place:
 *   no redirections); signals at their defaults; stdin `/dev/null`, stdout
 *   and stderr the log.
 * - **Redirections:** applied in order, as bash does in its child; a file
 *   that cannot be opened gives bash's message (`bash: line N: FILE: No
 *   such file or directory`, as bash words it when its stderr is a file) on
 *   the command's stderr and status 1.
 * - **Process group:** the first program leads the job's group; later ones
 *   join it (the leader is reaped only at the end, so the group lives on).
 *   wf terminates a job by signalling the group and, first, the launcher
 *   (SIGUSR1), which then starts nothing more: the job ends with 143, as a
 *   bash killed by SIGTERM would.
 *
 * Which jobs qualify ({@link directCommands}): a plain list
 * ({@link plainCommands}) of programs only (no builtin, no `/` in a name),
 * each found on the jobs' all-absolute `PATH` as an ELF or `#!` file, no
 * exported shell function, `BASH_ENV` unset, no word that names the shell's
 * identity ({@link jobMode}).
 *
 * Protocol (stdin, one JSON line per job): `{"log", "append", "header",
 * "commands", "after"?}` where each command is `{"words", "redirections",
 * "connector", "line", "inPlace"}` ({@link DirectCommand}). Replies on
 * stdout as the bash launcher's: `S PGID` once the first program runs, then
 * `E STATUS LEFT`.
 *
 * **Queued jobs** (`after`, a list of paths): wf may send the next job
 * while one runs; the launcher reads it when the running one has ended and
 * starts it at once if that job ended with status 0, left no process of
 * its group behind, and every path of `after` (its declared outputs)
 * exists, and wf has not sent SIGUSR2 (the run is stopping). Otherwise it
 * replies `N` and starts nothing: wf runs the job later, or not at all. A
 * trivial job then starts with no round trip through wf. When wf is gone
 * (killed), the launcher's report of the running job fails (broken pipe)
 * and it exits before it reads a queued job; should wf die just after that
 * report, the launcher is no longer its child, and it refuses the job. A
 * queued job's log header gets the time it started, not the time it was
 * sent (`logHeader`'s ISO time in outputs.ts: the last 24 characters
 * before ` ===`).
 */
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isBuiltin, plainCommands, type Redirection, type SimpleCommand } from './exec-last.js';

/** One command of a direct job, as the Python launcher reads it. */
export interface DirectCommand {
  /** argv, the program's name first. */
  readonly words: readonly string[];
  readonly redirections: readonly Redirection[];
  readonly connector: SimpleCommand['connector'];
  /** The line bash's messages name ({@link SimpleCommand.line}). */
  readonly line: number;
  /** bash would run it in place of itself (`exec`): the list's last command, without redirections. */
  readonly inPlace: boolean;
}

/**
 * The commands of `command` when it can run as a direct job (see the
 * module comment), else null. `findProgram` gives the program bash would
 * run for a name ({@link programLookup}); only ELF and `#!` files qualify
 * (bash runs any other executable file as a script).
 */
export function directCommands(command: string, findProgram: (name: string) => string | undefined): DirectCommand[] | null {
  if (LONE_SURROGATE.test(command)) return null;
  const commands = plainCommands(command);
  if (commands === null || commands.length === 0) return null;
  for (const c of commands) {
    if (c.name === undefined || c.name.includes('/') || isBuiltin(c.name)) return null;
    const path = findProgram(c.name);
    if (path === undefined || !startsAsProgram(path)) return null;
  }
  const last = commands.length - 1;
  return commands.map((c, i) => ({
    words: c.words,
    redirections: c.redirections,
    connector: c.connector,
    line: c.line,
    inPlace: i === last && c.redirections.length === 0,
  }));
}

/** Half of a surrogate pair on its own: text that has no UTF-8 form. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const heads = new Map<string, string>();

/** The first 4 bytes of the file at `path` as latin1 text, '' when it cannot be read (cached per path for the process's life). */
function head(path: string): string {
  let known = heads.get(path);
  if (known === undefined) {
    const bytes = Buffer.alloc(4);
    try {
      const fd = openSync(path, 'r');
      try {
        known = bytes.toString('latin1', 0, readSync(fd, bytes, 0, 4, 0));
      } finally {
        closeSync(fd);
      }
    } catch {
      known = '';
    }
    heads.set(path, known);
  }
  return known;
}

/** True when the file at `path` is an ELF binary or starts with `#!`. */
function startsAsProgram(path: string): boolean {
  const h = head(path);
  return h === '\x7fELF' || h.startsWith('#!');
}

/**
 * The Python that runs the direct launcher for jobs with environment
 * `env`: the first `python3` on `env.PATH` that is an executable ELF file
 * (a symbolic link to one counts), or undefined. Wrappers such as pyenv's
 * shims are skipped: they change the environment the jobs would inherit.
 */
export function findPython(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!isAbsolute(dir)) continue;
    const path = join(dir, 'python3');
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    if (head(path) === '\x7fELF') return path;
  }
  return undefined;
}

/**
 * One direct job as a line of the launcher's protocol. `after`: the job is
 * queued behind the one the launcher is running, and starts only if that
 * one ended with status 0, left no process behind, and these paths exist.
 */
export function directFrame(logFile: string, append: boolean, header: string, commands: readonly DirectCommand[], after?: readonly string[]): string {
  return `${JSON.stringify({ log: logFile, append, header, commands, after })}\n`; // no "after" key when undefined
}

/**
 * Arguments for `bash --norc -c` that start the direct launcher with
 * `python`: bash execs it, so Python holds the environment bash exports
 * (`PWD`, `OLDPWD`, `SHLVL` as for a program bash runs in place) and gets
 * `$SHLVL` (bash's own, given to the programs it forks) as an argument.
 */
export function directLauncherArgs(python: string): string[] {
  // SIGUSR2 (hold) is ignored until Python has its handler: one sent while it starts must not kill it.
  return ['--norc', '-c', 'trap "" USR2; exec "$0" -I -S -c "$1" "$SHLVL"', python, DIRECT_LAUNCHER_SCRIPT];
}

/** The direct launcher (Python 3.8+; see the module comment). */
const DIRECT_LAUNCHER_SCRIPT = String.raw`
import fcntl, json, os, signal, stat, sys, time
if sys.version_info < (3, 8):
    sys.exit(3)
# bash's exported environment as bash passed it (os.environ may differ: Python coerces a C locale's LC_CTYPE)
try:
    with open('/proc/self/environ', 'rb') as f:
        ENVIRON = f.read()
except OSError:
    sys.exit(3)
EXECED = {}
for entry in ENVIRON.split(b'\0'):
    key, eq, value = entry.partition(b'=')
    if key and eq:
        EXECED[key] = value  # '_' included: each program's path is its value
FORKED = dict(EXECED)  # for the programs bash forks: its own SHLVL
FORKED[b'SHLVL'] = sys.argv[1].encode()
PATH = EXECED.get(b'PATH', b'').split(b':')
RESET = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2)
OPEN = {'<': os.O_RDONLY, '>': os.O_WRONLY | os.O_CREAT | os.O_TRUNC, '>>': os.O_WRONLY | os.O_CREAT | os.O_APPEND}

def high(fd):
    # descriptors 0-9 are the programs': keep ours above them
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved

def write(fd, data):
    while data:
        data = data[os.write(fd, data):]

def say(fd, line, text):
    # bash -c's wording when its stderr is a file
    try:
        write(fd, b'bash: line %d: %s\n' % (line, text))
    except OSError:
        pass

def find(name):
    denied = None
    for d in PATH:
        p = os.path.join(d, name)
        try:
            mode = os.stat(p).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            continue
        if stat.S_ISREG(mode) and os.access(p, os.X_OK):
            return p, None
        denied = denied or p
    return None, denied

NUL = high(os.open('/dev/null', os.O_RDONLY))
stop = False

def on_stop(signum, frame):
    global stop
    stop = True

signal.signal(signal.SIGUSR1, on_stop)
hold = False

def on_hold(signum, frame):
    global hold
    hold = True

signal.signal(signal.SIGUSR2, on_hold)

class Job:
    def __init__(self, log):
        self.log = log
        self.pgid = 0
        self.leader = None

    def run(self, cmd):
        if stop:
            return 128 + signal.SIGTERM
        fds = {0: NUL, 1: self.log, 2: self.log}
        line = cmd['line']
        opened = []
        try:
            for r in cmd['redirections']:
                op, target = r['op'], r['target']
                if op in ('<&', '>&'):
                    if int(target) not in fds:
                        say(fds[2], line, target.encode() + b': Bad file descriptor')
                        return 1
                    fds[r['fd']] = fds[int(target)]
                    continue
                try:
                    fd = os.open(target.encode(), OPEN[op] | os.O_CLOEXEC, 0o666)
                except OSError as e:
                    say(fds[2], line, target.encode() + b': ' + os.strerror(e.errno).encode())
                    return 1
                fd = high(fd)
                opened.append(fd)
                fds[r['fd']] = fd
            name = cmd['words'][0].encode()
            path, denied = find(name)
            if path is None:
                if denied:
                    say(fds[2], line, denied + b': Permission denied')
                    return 126
                say(fds[2], line, name + b': command not found')
                return 127
            env = dict(EXECED if cmd['inPlace'] else FORKED)
            env[b'_'] = path
            try:
                pid = os.posix_spawn(path, [w.encode() for w in cmd['words']], env,
                                     file_actions=[(os.POSIX_SPAWN_DUP2, src, fd) for fd, src in fds.items()],
                                     setpgroup=self.pgid, setsigdef=RESET)
            except OSError as e:
                say(fds[2], line, path + b': ' + os.strerror(e.errno).encode())
                return 127 if e.errno == 2 else 126
        finally:
            for fd in opened:
                os.close(fd)
        if self.leader is None:
            self.leader = self.pgid = pid
            write(1, b'S %d\n' % pid)
        if stop:
            os.killpg(self.pgid, signal.SIGTERM)
        # the leader stays a zombie until the end: its group must outlive it for the next program to join
        info = os.waitid(os.P_PID, pid, os.WEXITED | (os.WNOWAIT if pid == self.leader else 0))
        if info.si_code == os.CLD_EXITED:
            return info.si_status
        if not stop and not cmd['inPlace'] and info.si_status not in (signal.SIGINT, signal.SIGPIPE):
            core = b' (core dumped)' if info.si_code == os.CLD_DUMPED else b''
            say(self.log, line, b'%d %s%s' % (pid, (signal.strsignal(info.si_status) or 'Signal').encode(), core))
        return 128 + info.si_status

    def commands(self, cmds):
        status = 0
        i = 0
        while i < len(cmds):
            end = i + 1
            while end < len(cmds) and cmds[end]['connector'] != ';':
                end += 1
            status = self.run(cmds[i])
            last = i
            for k in range(i + 1, end):
                if (cmds[k]['connector'] == '&&') == (status == 0):
                    status = self.run(cmds[k])
                    last = k
            if stop:
                return 128 + signal.SIGTERM
            if status != 0 and last == end - 1:
                return status
            i = end
        return status

last_ok = False  # the last job ended with status 0 and left no process behind
WF = os.getppid()  # wf: a queued job never starts once it is gone
for frame in sys.stdin.buffer:
    stop = False
    job = json.loads(frame)
    after = job.get('after')
    if after is not None and (hold or not last_ok or os.getppid() != WF or not all(os.path.exists(p) for p in after)):
        last_ok = False
        write(1, b'N\n')
        continue
    last_ok = False
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (os.O_APPEND if job['append'] else os.O_TRUNC)
    try:
        j = Job(high(os.open(job['log'].encode(), flags, 0o666)))
    except OSError:
        write(1, b'E 1 0\n')
        continue
    try:
        header = job['header']
        if after is not None and header.endswith('Z ===\n') and len(header) >= 29:
            # queued: the header's time (ISO, ms, UTC, last before ' ===') becomes the time the job started
            t = time.time()
            header = header[:-29] + time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(t)) + '.%03dZ ===\n' % (int(t * 1000) % 1000)
        write(j.log, header.encode())
        status = j.commands(job['commands'])
    except Exception as e:  # a bug of this launcher: the job fails, saying why, and the launcher goes on
        try:
            write(j.log, ('wf: the direct launcher failed: %r\n' % e).encode())
        except OSError:
            pass
        status = 1
    left = 0
    if j.leader is not None:
        os.waitpid(j.leader, 0)
        try:
            os.killpg(j.pgid, 0)
            left = 1
        except ProcessLookupError:
            pass
        except OSError:
            left = 1
    os.close(j.log)
    last_ok = status == 0 and left == 0
    write(1, b'E %d %d\n' % (status, left))
`;
