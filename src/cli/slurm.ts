/**
 * `wf run --executor slurm` wiring: validates the `--slurm-*` and
 * `--max-jobs-in-flight` options, creates the SLURM runner (loaded only for
 * this executor), checks the cluster before anything is submitted, cancels a
 * killed run's leftover jobs, prints the sbatch lines of a dry run, and the
 * `WF_SLURM_STATS` figures. No build logic: the executor is shared.
 */
import { writeFileSync } from 'node:fs';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../ir/plan.js';
import type { JobId } from '../ir/ids.js';
import type { StateStore } from '../executor/state-store.js';
import type { SlurmRunner } from '../executor/slurm/runner.js';

/** The `--slurm-*` options as commander gives them (strings). */
export interface SlurmCliOptions {
  readonly slurmPartition?: string;
  readonly slurmAccount?: string;
  readonly slurmQos?: string;
  readonly slurmExtra?: string;
  readonly slurmArrayThreshold?: string;
  readonly slurmPollInterval?: string;
  readonly maxJobsInFlight?: string;
}

/** Validated SLURM settings. */
export interface SlurmSettings {
  readonly defaults: { partition?: string; account?: string; qos?: string; extra?: string };
  readonly arrayThreshold: number;
  readonly pollIntervalMs: number;
  readonly maxInFlight: number;
}

const usage = (message: string, hint: string): Diagnostic => error('WF2114', message, undefined, hint);

/** Parse and check the options; a usage diagnostic (exit 2) on a bad number. */
export function parseSlurmOptions(o: SlurmCliOptions): { value?: SlurmSettings; diagnostic?: Diagnostic } {
  const whole = (text: string | undefined, flag: string, fallback: number, min: number): number | Diagnostic => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text.trim()) || Number(text) < min) return usage(`${flag} expects a whole number ≥ ${min}, not \`${text}\``, `e.g. ${flag} ${Math.max(min, 10)}`);
    return Number(text);
  };
  const threshold = whole(o.slurmArrayThreshold, '--slurm-array-threshold', 20, 0);
  const inFlight = whole(o.maxJobsInFlight, '--max-jobs-in-flight', 1000, 1);
  let poll: number | Diagnostic = 2000;
  if (o.slurmPollInterval !== undefined) {
    const s = Number(o.slurmPollInterval);
    poll = Number.isFinite(s) && s >= 0.1 && s <= 3600 ? Math.round(s * 1000) : usage(`--slurm-poll-interval expects seconds between 0.1 and 3600, not \`${o.slurmPollInterval}\``, 'e.g. --slurm-poll-interval 5');
  }
  for (const v of [threshold, inFlight, poll]) if (typeof v !== 'number') return { diagnostic: v };
  const defaults: SlurmSettings['defaults'] = {
    ...(o.slurmPartition ? { partition: o.slurmPartition } : {}),
    ...(o.slurmAccount ? { account: o.slurmAccount } : {}),
    ...(o.slurmQos ? { qos: o.slurmQos } : {}),
    ...(o.slurmExtra ? { extra: o.slurmExtra } : {}),
  };
  return { value: { defaults, arrayThreshold: threshold as number, pollIntervalMs: poll as number, maxInFlight: inFlight as number } };
}

/** Create the runner (lazy import: local runs never load SLURM code). */
export async function createSlurmRunnerFor(root: string, s: SlurmSettings): Promise<SlurmRunner> {
  const { createSlurmRunner } = await import('../executor/slurm/runner.js');
  return createSlurmRunner({ root, defaults: s.defaults, pollIntervalMs: s.pollIntervalMs, arrayThreshold: s.arrayThreshold, maxInFlight: s.maxInFlight });
}

/**
 * Before the first submission: is the cluster there (WF3020/WF3021 errors), and
 * are jobs of a killed run of this workflow still queued or running (cancelled,
 * WF3022 warning)? Returns the diagnostics; any error means exit 2.
 */
export async function prepareCluster(runner: SlurmRunner, store: StateStore): Promise<Diagnostic[]> {
  const pre = await runner.preflight();
  if (!pre.ok) return [error(pre.code, pre.message, undefined, pre.hint)];
  const recorded: string[] = [];
  for (const rec of store.live()) if (rec.t === 'submitted') recorded.push(rec.clusterJobId);
  const cancelled = await runner.cancelLeftovers(recorded);
  if (cancelled.length === 0) return [];
  return [
    warning(
      'WF3022',
      `cancelled ${cancelled.length} SLURM job(s) left by an earlier run that was killed: ${cancelled.slice(0, 10).join(', ')}${cancelled.length > 10 ? ', …' : ''}`,
      undefined,
      'their jobs run again in this run',
    ),
  ];
}

/** `--executor slurm --dry-run`: one sbatch line per job that would run, in plan order, on stdout. */
export async function printSbatchLines(plan: Plan, ids: readonly JobId[], s: SlurmSettings): Promise<void> {
  const { dryRunLine } = await import('../executor/slurm/submit.js');
  const { jobSpecOf } = await import('../executor/run-job.js');
  const { join } = await import('node:path');
  const want = new Set(ids);
  const lines: string[] = [];
  for (const job of plan.jobs) {
    if (!want.has(job.id)) continue;
    lines.push(dryRunLine(jobSpecOf(job, plan.root, join(plan.root, job.logPath)), s.defaults));
  }
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
}

/** `WF_SLURM_STATS=1` prints the runner's figures to stderr; any other value is a file to write them to (JSON). */
export function reportSlurmStats(runner: SlurmRunner): void {
  const dest = process.env.WF_SLURM_STATS;
  if (!dest) return;
  const text = JSON.stringify(runner.stats());
  if (dest === '1') process.stderr.write(`wf: slurm stats ${text}\n`);
  else writeFileSync(dest, text + '\n');
}
