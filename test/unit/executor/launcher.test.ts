/**
 * The local runner's launchers with real bash (spec §3 "Shell"): a forked
 * clean bash evaluates a command as `bash -euo pipefail -c` would; commands
 * that can observe the shell's identity get a fresh `bash -c`; the runner
 * starts the log with the attempt's header; byte framing survives UTF-8.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobId } from '../../../src/ir/ids.js';
import type { JobSpec } from '../../../src/executor/job-runner.js';
import { createLauncherRunner, jobMode } from '../../../src/executor/launcher-runner.js';
import { tempRoot } from '../../helpers/fs.js';

/** Run `command` once in a fresh directory; returns the directory, the exit code and the log. */
async function runOne(command: string, extra: Partial<JobSpec> = {}): Promise<{ dir: string; exitCode: number | null; log: string }> {
  const dir = tempRoot('wf-launcher-');
  mkdirSync(join(dir, 'logs'));
  const runner = createLauncherRunner({ killGraceMs: 500 });
  const spec: JobSpec = { id: 'j' as JobId, command, cwd: dir, logFile: join(dir, 'logs', 'j.log'), logHeader: '=== header ===\n', logTruncate: true, ...extra };
  const outcome = await runner.run(spec, { signal: new AbortController().signal });
  runner.close?.();
  return { dir, exitCode: outcome.exitCode, log: readFileSync(spec.logFile, 'utf8') };
}

describe('how a command runs', () => {
  it('forks a clean bash for plain commands, a fresh bash -c for commands that read $$, $PPID, BASH_*, LINENO or $0', () => {
    expect(jobMode('mkdir -p L1 && tr a-z A-Z < in > out', false)).toBe('fork');
    for (const c of ['echo $$', 'echo ${$}', 'kill $PPID', 'echo $BASH_SUBSHELL', 'echo $LINENO', 'echo "$0"', 'echo ${0}']) expect(jobMode(c, false)).toBe('exec');
    expect(jobMode('echo hi', true)).toBe('exec'); // BASH_ENV is sourced by every bash -c
  });

  it('gives a forked job the options, arguments and variables of bash -euo pipefail -c', async () => {
    const cmd = `echo "$-|$#|\${LC_ALL-unset}" > out.txt; (set; declare -f) | grep -c '^__wf_' >> out.txt; echo to-log`;
    const { dir, exitCode, log } = await runOne(cmd);
    expect(exitCode).toBe(0);
    const [flags, leaked] = readFileSync(join(dir, 'out.txt'), 'utf8').trim().split('\n');
    expect(flags).toBe(`ehuBc|0|${process.env.LC_ALL ?? 'unset'}`);
    expect(leaked).toBe('1'); // only __wf_cmd, the command itself
    expect(log).toBe('=== header ===\nto-log\n');
  });

  it('starts $SECONDS at 0 and $_ at bash\'s path in a forked job, however long its launcher has lived', async () => {
    const dir = tempRoot('wf-launcher-');
    const runner = createLauncherRunner();
    const base = { id: 'j' as JobId, cwd: dir, logFile: join(dir, 'j.log'), logHeader: '', logTruncate: true };
    await runner.run({ ...base, command: 'sleep 1.2' }, { signal: new AbortController().signal });
    await runner.run({ ...base, command: 'echo "$_ $SECONDS" > out.txt' }, { signal: new AbortController().signal });
    runner.close?.();
    const [path, seconds] = readFileSync(join(dir, 'out.txt'), 'utf8').trim().split(' ');
    expect(path).toMatch(/\/bash$/);
    expect(seconds).toBe('0');
  });

  it('runs a command that reads $$ in its own bash: $$ is the job group leader', async () => {
    const { dir, exitCode } = await runOne(`echo $$ > out.txt; cut -d' ' -f5 /proc/$$/stat >> out.txt`);
    expect(exitCode).toBe(0);
    const [pid, pgid] = readFileSync(join(dir, 'out.txt'), 'utf8').trim().split('\n');
    expect(pid).toBe(pgid);
  });

  it('stops at the first failing command and reports its status, as -e does', async () => {
    const { dir, exitCode } = await runOne('echo one > a.txt; false; echo two > b.txt');
    expect(exitCode).toBe(1);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\n');
    expect(() => readFileSync(join(dir, 'b.txt'))).toThrow();
    expect((await runOne('cat missing | wc -l > n.txt')).exitCode).toBe(1); // pipefail
  });

  it('runs the last program of a plain list in place, with the status, messages and redirections of bash -c', async () => {
    // In place: the program is the job's group leader (field 5 of /proc/self/stat is the group, field 1 the pid).
    // (`cd` keeps the job in bash: a list of programs only is a direct job, direct-launcher.test.ts.)
    const inPlace = await runOne('cd . && mkdir -p d && cut -d" " -f1,5 /proc/self/stat > d/ids.txt');
    expect(inPlace.exitCode).toBe(0);
    const [pid, pgid] = readFileSync(join(inPlace.dir, 'd', 'ids.txt'), 'utf8').trim().split(' ');
    expect(pid).toBe(pgid);
    expect((await runOne('false && cat /dev/null')).exitCode).toBe(1);
    expect((await runOne('true && sh -c "exit 3"')).exitCode).toBe(3);
    expect((await runOne('false || sh -c "exit 4"')).exitCode).toBe(4);
    const missing = await runOne('mkdir -p d && cat < no-such-input > d/out');
    expect(missing.exitCode).toBe(1);
    expect(missing.log).toContain('no-such-input: No such file or directory');
    const notFound = await runOne('mkdir -p d && no-such-program-wf x');
    expect(notFound.exitCode).toBe(127);
    expect(notFound.log).toContain('no-such-program-wf: command not found');
  });

  it('frames commands by bytes: multibyte text and quotes arrive intact', async () => {
    const { dir, exitCode } = await runOne(`printf '%s\\n' 'héllo wörld ✓' "it's" > 'é a.txt'`);
    expect(exitCode).toBe(0);
    expect(readFileSync(join(dir, 'é a.txt'), 'utf8')).toBe("héllo wörld ✓\nit's\n");
  });

  it('appends a retry to the log instead of truncating it', async () => {
    const dir = tempRoot('wf-launcher-');
    const runner = createLauncherRunner();
    const base = { id: 'j' as JobId, command: 'echo attempt', cwd: dir, logFile: join(dir, 'j.log') };
    await runner.run({ ...base, logHeader: '=== 1/2 ===\n', logTruncate: true }, { signal: new AbortController().signal });
    await runner.run({ ...base, logHeader: '=== 2/2 ===\n', logTruncate: false }, { signal: new AbortController().signal });
    runner.close?.();
    expect(readFileSync(join(dir, 'j.log'), 'utf8')).toBe('=== 1/2 ===\nattempt\n=== 2/2 ===\nattempt\n');
  });

  it('never runs ~/.bashrc, which bash reads when its stdin is a socket and SHLVL is 0 (cron, CI runners)', async () => {
    const home = tempRoot('wf-home-');
    writeFileSync(join(home, '.bashrc'), 'export WF_TEST_BASHRC=sourced\n');
    const dir = tempRoot('wf-launcher-');
    const runner = createLauncherRunner({ env: { HOME: home, SHLVL: '' } });
    const spec: JobSpec = { id: 'j' as JobId, command: 'echo "${WF_TEST_BASHRC-unset}" > out.txt', cwd: dir, logFile: join(dir, 'j.log'), logHeader: '', logTruncate: true };
    const outcome = await runner.run(spec, { signal: new AbortController().signal });
    runner.close?.();
    expect(outcome.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('unset\n');
  });
});
