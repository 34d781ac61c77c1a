/**
 * Direct jobs (src/executor/direct-launcher.ts): a plain list of programs
 * runs under the direct launcher (Python's posix_spawn, no shell) with the
 * status, files, log and environment that `bash -euo pipefail -c` gives the
 * same command (spec §3 "Shell"); without a usable Python every job goes
 * to bash.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobId } from '../../../src/ir/ids.js';
import type { JobOutcome, JobRunner, JobSpec } from '../../../src/executor/job-runner.js';
import { directCommands, findPython } from '../../../src/executor/direct-launcher.js';
import { programLookup } from '../../../src/executor/exec-last.js';
import { createLauncherRunner } from '../../../src/executor/launcher-runner.js';
import { tempRoot } from '../../helpers/fs.js';

const HEADER = '=== header ===\n';

/** A fresh directory with the inputs the cases read. */
function workDir(): string {
  const dir = tempRoot('wf-direct-');
  writeFileSync(join(dir, 'in.txt'), 'alpha\nbeta\ngamma\n');
  return dir;
}

/** Every file under `dir` but the log, with its content (`dir` itself written `<dir>`; an environment's lines sorted). */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name === 'job.log') continue;
    const path = join(e.parentPath, e.name);
    const text = readFileSync(path, 'utf8').replaceAll(dir, '<dir>');
    out[path.slice(dir.length + 1)] = e.name === 'env.txt' ? text.split('\n').sort().join('\n') : text; // the same variables, in any order
  }
  return out;
}

/** Run `command` as a job of `runner` in a fresh directory. */
async function viaRunner(runner: JobRunner, command: string, extra: Partial<JobSpec> = {}): Promise<{ dir: string; outcome: JobOutcome; log: string }> {
  const dir = workDir();
  const spec: JobSpec = { id: 'j' as JobId, command, cwd: dir, logFile: join(dir, 'job.log'), logHeader: HEADER, logTruncate: true, ...extra };
  const outcome = await runner.run(spec, { signal: new AbortController().signal });
  return { dir, outcome, log: readFileSync(spec.logFile, 'utf8') };
}

/** Call `body` with a fresh local runner, closing it afterwards. */
async function withRunner(options: Parameters<typeof createLauncherRunner>[0], body: (runner: JobRunner) => Promise<void>): Promise<void> {
  const runner = createLauncherRunner(options);
  try {
    await body(runner);
  } finally {
    runner.close?.();
  }
}

/** Write an executable script at `path`. */
function script(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Run `command` with `bash -euo pipefail -c` in a fresh directory, stdin /dev/null, stdout and stderr to a log. */
function viaBash(command: string): { dir: string; status: number; log: string } {
  const dir = workDir();
  const logFile = join(dir, 'job.log');
  const fd = openSync(logFile, 'w');
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: dir, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { dir, status: r.status ?? 128 + (r.signal === 'SIGTERM' ? 15 : 0), log: readFileSync(logFile, 'utf8') };
}

/** Lists of programs: each runs as a direct job and must match bash -c exactly. */
const CASES = [
  'mkdir -p d && tr a-z A-Z < in.txt > d/out.txt',
  'cat in.txt missing.txt > out.txt; touch never.txt',
  'cat < missing.txt > out.txt',
  'cat in.txt > out.txt < missing.txt',
  'sh -c "exit 3" || sh -c "exit 4"',
  'sh -c "exit 3" || touch rescued.txt',
  'sh -c "exit 3" && touch never.txt; touch after.txt',
  'sh -c "exit 5"; touch never.txt',
  'sh -c "exit 0" && sh -c "exit 6" || touch rescued.txt',
  'cat missing.txt 2>err.txt || head -n 1 in.txt >> out.txt',
  'sh -c "echo to-err >&2; echo to-out" 2>>err.txt >>out.txt',
  'cat in.txt 2>&1 >out.txt',
  'cat in.txt 3>three.txt 1>&3',
  'cat in.txt 1>&5',
  'mkdir -p d\nhead -c 3 in.txt > d/h.txt\n\nwc -l in.txt',
  "sh -c 'kill -TERM $$'; touch never.txt",
  'env > env.txt',
  'mkdir -p d && env > d/env.txt',
  "mkdir -p d && sh -c 'env > d/env.txt'", // the last program, without redirections: bash runs it in place (SHLVL)
  "cat 'in.txt' \"in.txt\" > 'two words.txt'",
  'head -n 1 in.txt\n\ncat < missing.txt',
  "mkdir -p d &&\n  cat 'in\n.txt' > d/x.txt",
];

describe('direct jobs', () => {
  const lookup = programLookup(process.env);

  it('takes lists of programs found on PATH, and nothing with a builtin, a path, an expansion or a pipe', () => {
    for (const c of CASES) expect(directCommands(c, lookup), c).not.toBeNull();
    for (const c of ['true && cat in.txt', 'cd d && cat x', './tool', 'cat $HOME', 'cat a | sort', 'no-such-program-wf x', 'echo hi', '> out.txt']) {
      expect(directCommands(c, lookup), c).toBeNull();
    }
    expect(directCommands('mkdir -p d && env > e; env', lookup)?.map((c) => c.inPlace)).toEqual([false, false, true]);
    expect(directCommands('mkdir -p d && env > e', lookup)?.map((c) => c.inPlace)).toEqual([false, false]);
  });

  it('gives each list the status, files, log and environment of bash -euo pipefail -c', async () => {
    expect(findPython(process.env)).toBeDefined(); // CI installs python3 (node-gyp needs it too)
    await withRunner({ killGraceMs: 500 }, async (runner) => {
      for (const command of CASES) {
        const direct = await viaRunner(runner, command);
        const bash = viaBash(command);
        const status = direct.outcome.exitCode ?? 128 + 15;
        expect(status, command).toBe(bash.status);
        expect(files(direct.dir), command).toEqual(files(bash.dir));
        expect(direct.log.startsWith(HEADER), command).toBe(true);
        if (!command.includes('kill')) expect(direct.log.slice(HEADER.length).replaceAll(direct.dir, '<dir>'), command).toBe(bash.log.replaceAll(bash.dir, '<dir>'));
      }
    });
  });

  it('runs them without a shell: the programs are children of Python, in one process group, the first program leading it', async () => {
    await withRunner({}, async (runner) => {
      const dir = workDir();
      let pgid: number | undefined;
      const spec: JobSpec = { id: 'j' as JobId, command: 'cut -d" " -f4,5 /proc/self/stat > a.txt; cut -d" " -f4,5 /proc/self/stat > b.txt', cwd: dir, logFile: join(dir, 'job.log'), logHeader: '', logTruncate: true };
      const outcome = await runner.run(spec, { signal: new AbortController().signal, onSpawn: (id) => (pgid = id) });
      expect(outcome.exitCode).toBe(0);
      const [ppidA, groupA] = readFileSync(join(dir, 'a.txt'), 'utf8').trim().split(' ');
      const [ppidB, groupB] = readFileSync(join(dir, 'b.txt'), 'utf8').trim().split(' ');
      expect(ppidA).toBe(ppidB);
      expect(readlinkSync(`/proc/${ppidA}/exe`)).toMatch(/python/);
      expect(Number(groupA)).toBe(pgid);
      expect(Number(groupB)).toBe(pgid);
    });
  });

  it('appends a retry to the log of the first attempt, after its own header', async () => {
    await withRunner({}, async (runner) => {
      const dir = workDir();
      const base = { id: 'j' as JobId, command: 'head -n 1 in.txt', cwd: dir, logFile: join(dir, 'job.log') };
      await runner.run({ ...base, logHeader: '=== 1/2 ===\n', logTruncate: true }, { signal: new AbortController().signal });
      await runner.run({ ...base, logHeader: '=== 2/2 ===\n', logTruncate: false }, { signal: new AbortController().signal });
      expect(readFileSync(join(dir, 'job.log'), 'utf8')).toBe('=== 1/2 ===\nalpha\n=== 2/2 ===\nalpha\n');
    });
  });

  it('stops a timed-out list: the running program is terminated and nothing after it starts', async () => {
    await withRunner({ killGraceMs: 500 }, async (runner) => {
      const { dir, outcome } = await viaRunner(runner, 'sleep 0.1; sleep 5; touch never.txt', { timeoutMs: 800 });
      expect(outcome.timedOut).toBe(true);
      expect(outcome.signal).toBe('SIGTERM');
      expect(existsSync(join(dir, 'never.txt'))).toBe(false);
      // The launcher lives on for the next job.
      expect((await viaRunner(runner, 'touch next.txt')).outcome.exitCode).toBe(0);
    });
  });

  it('goes to bash when python3 on PATH is a wrapper script, or a binary that is not a working Python', async () => {
    for (const python of ['#!/bin/sh\nexec /usr/bin/python3 "$@"\n', '/usr/bin/false']) {
      const bin = tempRoot('wf-direct-bin-');
      for (const tool of ['bash', 'cut', 'mkdir']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      if (python.startsWith('#!')) script(join(bin, 'python3'), python);
      else symlinkSync(python, join(bin, 'python3'));
      await withRunner({ env: { PATH: bin } }, async (runner) => {
        const { dir, outcome } = await viaRunner(runner, 'mkdir -p d && cut -d" " -f4 /proc/self/stat > d/ppid.txt');
        expect(outcome.exitCode).toBe(0);
        const ppid = readFileSync(join(dir, 'd', 'ppid.txt'), 'utf8').trim();
        expect(readFileSync(`/proc/${ppid}/comm`, 'utf8').trim()).toBe('bash');
      });
    }
  });
});

describe('jobs queued behind a running direct job', () => {
  /** A spec for job `id` in `dir`, its log `id.log`, its declared output `id.out` unless `outputs` says otherwise. */
  const specOf = (dir: string, id: string, command: string, outputs = [join(dir, `${id}.out`)]): JobSpec => ({
    id: id as JobId, command, cwd: dir, logFile: join(dir, `${id}.log`), logHeader: HEADER, logTruncate: true, outputs,
  });
  /** Queue `spec` on `runner`, logging `turn ID`, `spawn ID` and `end ID` to `events`. */
  const track = (events: string[], spec: JobSpec, p: Promise<JobOutcome> | undefined): Promise<JobOutcome> => {
    if (p === undefined) throw new Error('not queued');
    return p.then((o) => (events.push(`end ${spec.id}`), o));
  };
  const control = (events: string[], id: string) => ({
    signal: new AbortController().signal,
    onTurn: () => void events.push(`turn ${id}`),
    onSpawn: () => void events.push(`spawn ${id}`),
  });

  it('starts the moment the job ahead of it succeeded, never beside it, and takes its turn before that job ends for wf', async () => {
    await withRunner({}, async (runner) => {
      const dir = workDir();
      const events: string[] = [];
      const a = specOf(dir, 'a', 'sleep 0.3 && touch a.out');
      // b's header was made when it was queued (here: long ago); its log says when it started.
      const b = { ...specOf(dir, 'b', 'cp a.out b.out'), logHeader: '=== wf: b attempt 1/1, 2000-01-02T03:04:05.678Z ===\n' };
      expect(runner.canQueue!(b.command, dir)).toBe(false); // nothing runs yet
      const first = runner.run(a, control(events, 'a')).then((o) => (events.push('end a'), o));
      await new Promise((r) => setTimeout(r, 100));
      expect(runner.canQueue!(b.command, dir)).toBe(true);
      expect(runner.canQueue!('echo hi | cat', dir)).toBe(false); // a pipe needs bash
      const second = track(events, b, runner.queue!(b, control(events, 'b')));
      expect(runner.canQueue!(b.command, dir)).toBe(false); // one queued job per running job
      expect((await first).exitCode).toBe(0);
      expect((await second).exitCode).toBe(0);
      expect(events).toEqual(['spawn a', 'turn b', 'end a', 'spawn b', 'end b']);
      expect(existsSync(join(dir, 'b.out'))).toBe(true);
      const logged = readFileSync(b.logFile, 'utf8');
      expect(logged).toMatch(/^=== wf: b attempt 1\/1, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ===\n$/);
      expect(Math.abs(Date.parse(logged.slice(-29, -5)) - Date.now())).toBeLessThan(60_000);
    });
  });

  it('does not start when the job ahead of it failed, missed a declared output, or the runner was told to hold', async () => {
    await withRunner({}, async (runner) => {
      const dir = workDir();
      const cases: [string, JobSpec, () => void][] = [
        ['failed', specOf(dir, 'a1', 'sleep 0.2 && ls no-such-file'), () => {}], // `false` is a builtin: that job would go to bash
        ['missing output', specOf(dir, 'a2', 'sleep 0.2 && touch other.out'), () => {}],
        ['hold', specOf(dir, 'a3', 'sleep 0.2 && touch a3.out'), () => runner.hold!()],
      ];
      for (const [, ahead, act] of cases) {
        const events: string[] = [];
        const first = runner.run(ahead, control(events, 'ahead'));
        await new Promise((r) => setTimeout(r, 80));
        const b = specOf(dir, `b-${ahead.id}`, `touch b-${ahead.id}.out`);
        const second = track(events, b, runner.queue!(b, control(events, 'b')));
        act();
        await first;
        const outcome = await second;
        expect(outcome.notStarted).toBe(true);
        expect(events).toEqual(['spawn ahead', 'turn b', `end ${b.id}`]);
        expect(existsSync(join(dir, `b-${ahead.id}.out`))).toBe(false);
        expect(existsSync(b.logFile)).toBe(false);
      }
      // Held: nothing more is queued.
      expect(runner.canQueue!('true', dir)).toBe(false);
    });
  });
});

describe('the Python it uses', () => {
  it('is the first ELF python3 on PATH, skipping scripts', () => {
    const bin = tempRoot('wf-direct-py-');
    mkdirSync(join(bin, 'a'));
    script(join(bin, 'a', 'python3'), '#!/bin/sh\n');
    mkdirSync(join(bin, 'b'));
    symlinkSync('/usr/bin/python3', join(bin, 'b', 'python3'));
    expect(findPython({ PATH: `${join(bin, 'a')}:${join(bin, 'b')}` })).toBe(join(bin, 'b', 'python3'));
    expect(findPython({ PATH: join(bin, 'a') })).toBeUndefined();
    expect(findPython({})).toBeUndefined();
  });
});
