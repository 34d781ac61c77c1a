/**
 * `wf run --executor slurm` against a real single-node cluster (slurmctld +
 * slurmd started by scripts/slurm/start-local-slurm.sh when `scontrol ping`
 * does not answer). Real sbatch/squeue/scancel, no mocks: the sky-survey
 * example matches a local run byte for byte, failures, one TIMEOUT, an array,
 * Ctrl-C with jobs queued and running, recovery after `kill -9`, a no-op
 * second run, and the polling bound.
 *
 * Where the cluster cannot be started (not root, not Debian) the suite says so
 * loudly; under CI it fails instead of skipping.
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir, treeHashes, WF, wf, writeFiles } from '../helpers/cli.js';

async function clusterUp(): Promise<boolean> {
  const r = await execa('scontrol', ['ping'], { reject: false, stdin: 'ignore' });
  return r.exitCode === 0 && /\bUP\b/.test(String(r.stdout));
}

/** True once this file started the project's cluster (then it stops it when done; a cluster it found running is left alone). */
let startedHere = false;

/** Start the project's own cluster if needed; a reason string when it cannot run here. */
async function ensureCluster(): Promise<string | undefined> {
  if (await clusterUp()) return undefined;
  if (process.getuid?.() !== 0) return 'not root: scripts/slurm/start-local-slurm.sh needs root';
  if (!existsSync('/etc/debian_version')) return 'not Debian: scripts/slurm/start-local-slurm.sh needs Debian packages';
  const r = await execa('bash', [join(REPO, 'scripts/slurm/start-local-slurm.sh')], { reject: false, stdin: 'ignore', all: true });
  startedHere = true;
  if (r.exitCode !== 0) return `start-local-slurm.sh failed:\n${String(r.all)}`;
  return (await clusterUp()) ? undefined : 'the cluster started but `scontrol ping` does not answer';
}

const unavailable = await ensureCluster();
// `npm test` leaves no daemons behind: what this file started, it stops (.ci/run starts its own and stops it on exit).
afterAll(async () => {
  if (startedHere) await execa('bash', [join(REPO, 'scripts/slurm/stop-local-slurm.sh')], { reject: false, stdin: 'ignore' });
}, 60_000);
if (unavailable) {
  process.stderr.write(`\n*** SLURM e2e tests ${process.env['CI'] ? 'FAIL' : 'SKIPPED'}: ${unavailable} ***\n\n`);
}

/** Stats the runner writes with WF_SLURM_STATS=<file>. */
interface Stats {
  submittedJobs: number;
  arrays: number;
  finishedJobs: number;
  polls: number;
  pollIntervalMs: number;
  calls: Record<string, number>;
  firstSubmitAt: number | null;
  lastFinishAt: number | null;
}

async function wfStats(cwd: string, args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string; stats: Stats }> {
  const file = join(cwd, `.stats-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const r = await wf(cwd, args, { WF_SLURM_STATS: file });
  const stats = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Stats) : ({} as Stats);
  return { ...r, stats };
}

/** Job names of this directory still in the queue. */
async function queued(dir: string): Promise<{ id: string; state: string }[]> {
  const r = await execa('squeue', ['-h', '-O', 'JobID:|,State:|,WorkDir:'], { reject: false, stdin: 'ignore' });
  return String(r.stdout)
    .split('\n')
    .map((l) => l.split('|').map((s) => s.trim()))
    .filter((p) => p[2] === dir)
    .map((p) => ({ id: p[0]!, state: p[1]! }));
}

async function waitFor(pred: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** A workflow with one rule `r` over inputs in/{i}.txt → out/{i}.txt. */
function simple(n: number, shell: string, extra = ''): string {
  const dir = tempDir('wf-slurm-');
  const files: Record<string, string> = {
    'workflow.wf': `product raw L0 "in/{i}.txt"\nproduct out L1 "out/{i}.txt"\nrule r L1 {\n  input raw\n  output out\n${extra}  shell "${shell}"\n}\n`,
  };
  for (let i = 1; i <= n; i++) files[`in/${i}.txt`] = `${i}\n`;
  writeFiles(dir, files);
  return dir;
}

const FAST = ['--slurm-poll-interval', '0.3'];

describe.skipIf(unavailable !== undefined && !process.env['CI'])('wf run --executor slurm on a real cluster', () => {
  it('has a cluster to talk to', () => {
    expect(unavailable, unavailable).toBeUndefined();
  });

  // The one TIMEOUT test (≈ 60–90 s of SLURM time): started first, checked last.
  let timeoutRun: Promise<{ exitCode: number; stdout: string; stderr: string }>;
  let timeoutDir: string;
  beforeAll(() => {
    timeoutDir = simple(1, 'echo started > {output}; sleep 150', '  timeout "1m"\n');
    timeoutRun = wf(timeoutDir, ['run', '--executor', 'slurm', ...FAST]);
  });
  afterAll(async () => {
    await timeoutRun;
  });

  it('prints the sbatch lines of a dry run, with resources, limits and the rule\'s slurm block', async () => {
    const dir = simple(2, 'cp {input} {output}', '  resources { cores = 2, mem = "1GiB" }\n  timeout "90s"\n  slurm { partition = "debug", extra = "--nice=5" }\n');
    const r = await wf(dir, ['run', '-n', '--executor', 'slurm', '--slurm-account', 'acct1']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('sbatch '));
    expect(lines).toHaveLength(2);
    for (const flag of ['--job-name=wf-r-1', '--cpus-per-task=2', '--mem=1024M', '--time=2', '--partition=debug', '--account=acct1', '--nice=5', `--chdir=${dir}`, '--export=ALL', `--output=${join(dir, '.wf/logs/r')}`]) {
      expect(lines[0]).toContain(flag);
    }
    expect(existsSync(join(dir, '.wf/logs'))).toBe(false);
    expect(await queued(dir)).toEqual([]);
  });

  it('rejects an unknown key in a slurm block with WF2028 and a hint', async () => {
    const dir = simple(1, 'cp {input} {output}', '  slurm { partitoin = "debug" }\n');
    const r = await wf(dir, ['check']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/WF2028.*partitoin/);
    expect(r.stdout + r.stderr).toMatch(/did you mean `partition`/);
  });

  it('runs the sky-survey example under SLURM with byte-identical products to a local run, then has nothing to do', async () => {
    const copy = (): string => {
      const root = tempDir('wf-sky-slurm-');
      mkdirSync(join(root, 'examples'), { recursive: true });
      const from = join(REPO, 'examples/sky-survey');
      cpSync(from, join(root, 'examples/sky-survey'), { recursive: true, filter: (src) => !/\/(raw|L0|L0\.5|L1|L2|L3|\.wf)(\/|$)/.test(src.slice(from.length)) });
      cpSync(join(REPO, 'workflows'), join(root, 'workflows'), { recursive: true });
      return join(root, 'examples/sky-survey');
    };
    const local = copy();
    const slurm = copy();
    for (const d of [local, slurm]) {
      const s = await execa('bash', [join(d, 'setup.sh')], { reject: false, stdin: 'ignore' });
      expect(s.exitCode, s.stderr).toBe(0);
    }
    const a = await wf(local, ['run', '-j', '2']);
    expect(a.exitCode, a.stderr).toBe(0);
    const b = await wfStats(slurm, ['run', '--executor', 'slurm', ...FAST]);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stats.submittedJobs).toBe(24);
    const levels = ['L0', 'L0.5', 'L1', 'L2', 'L3'];
    const hl = treeHashes(local, levels);
    expect(hl.size).toBeGreaterThan(20);
    expect([...treeHashes(slurm, levels)].sort()).toEqual([...hl].sort());
    const again = await wfStats(slurm, ['run', '--executor', 'slurm']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to do/);
    // Proven up to date from the snapshot: the cluster is not even asked (no stats written).
    expect(again.stats.calls?.sbatch ?? 0).toBe(0);
    expect(again.stats.calls?.squeue ?? 0).toBe(0);
  }, 120_000);

  it('reports a failing job with its exit status and log, keeps going with -k, and removes its output', async () => {
    const dir = simple(3, 'if [ {i} = 2 ]; then echo half > {output}; echo boom >&2; exit 3; fi; cp {input} {output}');
    const r = await wf(dir, ['run', '-k', '--executor', 'slurm', ...FAST]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/r\[i=2\].*exited with status 3/s);
    expect(r.stderr).toMatch(/boom/);
    expect(existsSync(join(dir, 'out/2.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'out/3.txt'), 'utf8')).toBe('3\n');
  });

  it('fails a job whose declared output is missing after COMPLETED, like a local run', async () => {
    const dir = simple(1, 'true');
    const r = await wf(dir, ['run', '--executor', 'slurm', ...FAST]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/WF3003|did not produce/);
  });

  it('submits jobs of one rule that are ready together as one job array', async () => {
    const dir = simple(6, 'echo task {i} > {output}');
    const r = await wfStats(dir, ['run', '--executor', 'slurm', '--slurm-array-threshold', '4', ...FAST]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stats.arrays).toBe(1);
    expect(r.stats.calls.sbatch).toBe(1);
    for (let i = 1; i <= 6; i++) expect(readFileSync(join(dir, `out/${i}.txt`), 'utf8')).toBe(`task ${i}\n`);
    expect(readFileSync(join(dir, '.wf/logs/r/i=4.log'), 'utf8')).toMatch(/attempt 1\/1/);
  });

  it('completes 150 trivial jobs with at most one squeue call per poll interval', async () => {
    const dir = simple(150, 'echo {i} > {output}');
    const r = await wfStats(dir, ['run', '--executor', 'slurm', '--slurm-array-threshold', '0', '--slurm-poll-interval', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stats.finishedJobs).toBe(150);
    expect(r.stats.calls.sbatch).toBe(150);
    const spanMs = r.stats.lastFinishAt! - r.stats.firstSubmitAt!;
    expect(r.stats.polls).toBeLessThanOrEqual(Math.ceil(spanMs / 1000) + 1);
    expect(r.stats.calls.squeue).toBeLessThanOrEqual(r.stats.polls + 1); // + the leftover check at start
    expect(readdirSync(join(dir, 'out'))).toHaveLength(150);
  }, 90_000);

  it('on Ctrl-C cancels every queued and running job and removes their partial outputs', async () => {
    const dir = simple(5, 'echo partial > {output}; sleep 120; echo done >> {output}');
    const child = execa('node', [WF, 'run', '--executor', 'slurm', ...FAST], { cwd: dir, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
    const both = await waitFor(async () => {
      const q = await queued(dir);
      return q.some((j) => j.state === 'RUNNING') && q.some((j) => j.state === 'PENDING') && existsSync(join(dir, 'out'));
    }, 30_000);
    expect(both).toBe(true);
    await waitFor(async () => existsSync(join(dir, 'out')) && readdirSync(join(dir, 'out')).length > 0, 10_000);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect(await queued(dir)).toEqual([]);
    expect(existsSync(join(dir, 'out')) ? readdirSync(join(dir, 'out')) : []).toEqual([]);
  }, 60_000);

  it('after kill -9 of wf, the next run cancels the orphaned jobs and runs each job once', async () => {
    const dir = simple(3, 'echo run >> {output}.trace; sleep 120; cp {input} {output}');
    const child = execa('node', [WF, 'run', '--executor', 'slurm', ...FAST], { cwd: dir, reject: false, stdin: 'ignore' });
    expect(await waitFor(async () => (await queued(dir)).length === 3, 30_000)).toBe(true);
    child.kill('SIGKILL');
    await child;
    expect((await queued(dir)).length).toBe(3);
    // The rerun finishes quickly: same jobs, shorter command.
    writeFiles(dir, { 'workflow.wf': readFileSync(join(dir, 'workflow.wf'), 'utf8').replace('sleep 120', 'sleep 1') });
    const r = await wf(dir, ['run', '--executor', 'slurm', ...FAST]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/WF3022.*cancelled 3 SLURM job/);
    expect(await queued(dir)).toEqual([]);
    for (let i = 1; i <= 3; i++) expect(readFileSync(join(dir, `out/${i}.txt`), 'utf8')).toBe(`${i}\n`);
  }, 60_000);

  it('maps a SLURM TIMEOUT (timeout "1m" → --time=1) to a timed-out job', async () => {
    const r = await timeoutRun;
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/WF3002|timed out/);
    expect(existsSync(join(timeoutDir, 'out/1.txt'))).toBe(false);
    expect(await queued(timeoutDir)).toEqual([]);
  }, 150_000);
});
