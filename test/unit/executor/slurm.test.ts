/**
 * The SLURM runner's pure parts and its poller, with a fake command executor:
 * state → outcome mapping, squeue parsing, sbatch flags, and that polling is
 * one batched squeue call per interval however many jobs are in flight.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobId } from '../../../src/ir/ids.js';
import type { JobSpec } from '../../../src/executor/job-runner.js';
import { zeroCalls, type SlurmCommands } from '../../../src/executor/slurm/commands.js';
import { createPoller } from '../../../src/executor/slurm/poller.js';
import { createSlurmRunner } from '../../../src/executor/slurm/runner.js';
import { expandTaskRange, outcomeOf, parseSqueueLine } from '../../../src/executor/slurm/states.js';
import { arrayScript, jobName, sbatchArgs, splitFlags, timeMinutes } from '../../../src/executor/slurm/submit.js';

/** A fake cluster: jobs end after `ticks` squeue polls with the given state. */
function fakeCluster(final: (id: number) => { state: string; code: number }, ticks = 2) {
  const calls = zeroCalls();
  const log: string[][] = [];
  let next = 100;
  const seen = new Map<string, number>();
  const cmds: SlurmCommands = {
    calls,
    async exec(program, args) {
      calls[program]++;
      log.push([program, ...args]);
      if (program === 'sbatch') return { exitCode: 0, stdout: String(next++), stderr: '' };
      if (program === 'squeue') {
        const ids = args[args.indexOf('-j') + 1]!.split(',');
        const lines = ids.map((id) => {
          const n = (seen.get(id) ?? 0) + 1;
          seen.set(id, n);
          const f = n >= ticks ? final(Number(id)) : { state: 'RUNNING', code: 0 };
          return `${id}|${id}|N/A|${f.state}|None|${f.code}|wf-x`;
        });
        return { exitCode: 0, stdout: lines.join('\n'), stderr: '' };
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    execDetached(program) {
      calls[program]++;
    },
  };
  return { cmds, calls, log };
}

/** Where the runner starts the jobs' logs (the cluster is fake, the logs are real files). */
const logs = mkdtempSync(join(tmpdir(), 'wf-slurm-logs-'));

const spec = (i: number, extra: Partial<JobSpec> = {}): JobSpec => ({
  id: `r[i=${i}]` as JobId,
  command: `echo ${i} > out/${i}.txt`,
  cwd: '/w',
  logFile: join(logs, `i=${i}.log`),
  logHeader: `=== wf: r[i=${i}] attempt 1/1 ===\n`,
  logTruncate: true,
  rule: 'r',
  wildcards: { i: String(i) },
  cores: 1,
  ...extra,
});

describe('SLURM state mapping', () => {
  it('maps final states to outcomes with exit code, reason and transient flag', () => {
    expect(outcomeOf('COMPLETED', 0, 'None', false)).toMatchObject({ exitCode: 0, timedOut: false, aborted: false });
    expect(outcomeOf('FAILED', 3 << 8, 'NonZeroExitCode', false)).toMatchObject({ exitCode: 3, signal: null });
    expect(outcomeOf('FAILED', 9, 'None', false)).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    expect(outcomeOf('TIMEOUT', 0, 'TimeLimit', false)).toMatchObject({ timedOut: true });
    expect(outcomeOf('CANCELLED', 15, 'None', true)).toMatchObject({ aborted: true });
    expect(outcomeOf('CANCELLED', 15, 'None', false)).toMatchObject({ aborted: false, reason: expect.stringContaining('outside wf') });
    expect(outcomeOf('OUT_OF_MEMORY', 0, 'None', false).reason).toMatch(/OUT_OF_MEMORY/);
    expect(outcomeOf('NODE_FAIL', 0, 'None', false)).toMatchObject({ transient: true });
    expect(outcomeOf('PREEMPTED', 0, 'None', false)).toMatchObject({ transient: true });
  });

  it('parses squeue rows of plain jobs, array tasks and unsplit pending arrays', () => {
    expect(parseSqueueLine('7|7|N/A|FAILED|NonZeroExitCode|768|wf-r-1')).toMatchObject({ key: '7', state: 'FAILED', waitStatus: 768 });
    expect(parseSqueueLine('9|8|1|RUNNING|None|0|wf-r-array')).toMatchObject({ key: '8_1' });
    expect(parseSqueueLine('8|8|2-5%2|PENDING|None|0|x')).toMatchObject({ key: '8', arrayTask: '2-5%2' });
    expect(expandTaskRange('0-2,7,9-10%4')).toEqual([0, 1, 2, 7, 9, 10]);
  });
});

describe('sbatch flags', () => {
  it('maps cores, mem and timeout, names the job after rule and wildcards, and lets the rule override the command line', () => {
    const args = sbatchArgs(spec(3, { memBytes: 2 * 1024 ** 3, timeoutMs: 61_000, slurm: { partition: 'big' } }), { partition: 'debug', qos: 'low' });
    expect(args).toEqual(
      expect.arrayContaining(['--job-name=wf-r-3', '--cpus-per-task=1', '--mem=2048M', '--time=2', '--partition=big', '--qos=low', '--chdir=/w', '--export=ALL', '--parsable', `--output=${join(logs, 'i=3.log')}`]),
    );
    expect(timeMinutes(60_000)).toBe(1);
    expect(jobName({ id: 'x' as JobId, rule: 'cal', wildcards: { f: 'a b', o: '1/2' } })).toBe('wf-cal-a_b-1_2');
    expect(splitFlags('--constraint="a b" --exclusive')).toEqual(['--constraint=a b', '--exclusive']);
    expect(arrayScript([spec(1), spec(2)])).toMatch(/1\) exec >>.*i=2\.log.*bash -euo pipefail -c/);
  });
});

describe('the SLURM runner with a fake cluster', () => {
  it('follows 50 jobs with one batched squeue call per poll, never one per job', async () => {
    const { cmds, calls } = fakeCluster(() => ({ state: 'COMPLETED', code: 0 }), 3);
    const runner = createSlurmRunner({ root: '/w', defaults: {}, pollIntervalMs: 50, arrayThreshold: 0, commands: cmds });
    const ctrl = new AbortController();
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => runner.run(spec(i), { signal: ctrl.signal })));
    runner.close();
    expect(outcomes.every((o) => o.exitCode === 0)).toBe(true);
    expect(calls.sbatch).toBe(50);
    expect(calls.squeue).toBe(3);
    // The runner starts each job's log with its header; the cluster appends to it.
    expect(readFileSync(join(logs, 'i=7.log'), 'utf8')).toBe('=== wf: r[i=7] attempt 1/1 ===\n');
    expect(runner.stats().polls).toBe(3);
  });

  it('limits jobs in flight and submits the rest as earlier ones finish', async () => {
    const { cmds, calls } = fakeCluster(() => ({ state: 'COMPLETED', code: 0 }), 1);
    let maxSubmittedBeforeFirstPoll = 0;
    const origExec = cmds.exec.bind(cmds);
    cmds.exec = async (p, a, o) => {
      if (p === 'squeue' && calls.squeue === 0) maxSubmittedBeforeFirstPoll = calls.sbatch;
      return origExec(p, a, o);
    };
    const runner = createSlurmRunner({ root: '/w', defaults: {}, pollIntervalMs: 30, arrayThreshold: 0, maxInFlight: 4, commands: cmds });
    const ctrl = new AbortController();
    await Promise.all(Array.from({ length: 10 }, (_, i) => runner.run(spec(i), { signal: ctrl.signal })));
    runner.close();
    expect(maxSubmittedBeforeFirstPoll).toBe(4);
    expect(calls.sbatch).toBe(10);
  });

  it('submits same-rule jobs handed over together as one array', async () => {
    const { cmds, calls, log } = fakeCluster(() => ({ state: 'COMPLETED', code: 0 }), 1);
    // array tasks: answer with per-task rows
    cmds.exec = async (program, args) => {
      calls[program]++;
      log.push([program, ...args]);
      if (program === 'sbatch') return { exitCode: 0, stdout: '500', stderr: '' };
      return { exitCode: 0, stdout: [0, 1, 2, 3, 4].map((t) => `${501 + t}|500|${t}|COMPLETED|None|0|wf-r-array`).join('\n'), stderr: '' };
    };
    const runner = createSlurmRunner({ root: '/tmp/wf-unit-slurm', defaults: {}, pollIntervalMs: 20, arrayThreshold: 3, commands: cmds });
    const ctrl = new AbortController();
    const out = await Promise.all(Array.from({ length: 5 }, (_, i) => runner.run(spec(i), { signal: ctrl.signal })));
    runner.close();
    expect(out.every((o) => o.exitCode === 0)).toBe(true);
    expect(calls.sbatch).toBe(1);
    expect(log.find((c) => c[0] === 'sbatch')).toContain('--array=0-4');
  });

  it('polls a fake poller once per interval even when jobs are added in between', async () => {
    const { cmds, calls } = fakeCluster(() => ({ state: 'COMPLETED', code: 0 }), 2);
    const poller = createPoller(cmds, { intervalMs: 40 });
    const a = poller.watch('1', '1');
    await new Promise((r) => setTimeout(r, 20));
    const b = poller.watch('2', '2');
    await Promise.all([a, b]);
    poller.stop();
    expect(calls.squeue).toBeLessThanOrEqual(3);
  });
});
