/**
 * What `sbatch` is given for a job or a job array: the flags (resources,
 * name, logs, directory, cluster options), the batch script, and the
 * printable command line for `--dry-run`. Pure functions; submission itself
 * goes through {@link SlurmCommands} in `runner.ts`.
 */
import { join } from 'node:path';
import { shellQuote } from '../../util/placeholders.js';
import type { JobSpec, SlurmJobOptions } from '../job-runner.js';

/** Command-line cluster options (`--slurm-partition` …); a rule's `slurm { … }` block overrides them key by key. */
export type SlurmDefaults = SlurmJobOptions;

/** Prefix of every job name wf submits (used to find a killed run's jobs). */
export const JOB_NAME_PREFIX = 'wf-';

/** `wf-<rule>-<wildcard values joined by ->`, limited to `[A-Za-z0-9._-]` and 200 characters. */
export function jobName(spec: Pick<JobSpec, 'rule' | 'wildcards' | 'id'>): string {
  const parts = [spec.rule ?? String(spec.id), ...Object.values(spec.wildcards ?? {})];
  return (JOB_NAME_PREFIX + parts.join('-')).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200);
}

/** Whole minutes for `--time` (SLURM's granularity), rounded up, at least 1. */
export function timeMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** Split extra sbatch flags like a shell would (quotes group, no expansion). */
export function splitFlags(text: string | undefined): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < (text ?? '').length; i++) {
    const c = text![i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text!.length) cur += text![++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The options in force for `spec`: its rule's block over the command-line defaults. */
export function effectiveOptions(spec: JobSpec, defaults: SlurmDefaults): SlurmJobOptions {
  return { ...defaults, ...(spec.slurm ?? {}) };
}

/** Flags shared by a single job and an array: resources, directory, cluster options. */
function commonArgs(spec: JobSpec, defaults: SlurmDefaults): string[] {
  const o = effectiveOptions(spec, defaults);
  const args = ['--parsable', '--export=ALL', `--chdir=${spec.cwd}`, `--cpus-per-task=${Math.max(1, spec.cores ?? 1)}`, '--ntasks=1', '--open-mode=append'];
  if (spec.memBytes !== undefined) args.push(`--mem=${Math.max(1, Math.ceil(spec.memBytes / (1024 * 1024)))}M`);
  if (spec.timeoutMs !== undefined) args.push(`--time=${timeMinutes(spec.timeoutMs)}`);
  if (o.partition) args.push(`--partition=${o.partition}`);
  if (o.account) args.push(`--account=${o.account}`);
  if (o.qos) args.push(`--qos=${o.qos}`);
  args.push(...splitFlags(o.extra));
  return args;
}

/** sbatch flags for one job; stdout and stderr are appended to the job's log (absolute path). */
export function sbatchArgs(spec: JobSpec, defaults: SlurmDefaults): string[] {
  return [`--job-name=${jobName(spec)}`, `--output=${spec.logFile}`, `--error=${spec.logFile}`, ...commonArgs(spec, defaults)];
}

/** The batch script of one job: spec §3's `bash -euo pipefail -c COMMAND`. */
export function jobScript(spec: JobSpec): string {
  return `#!/bin/bash\nexec bash -euo pipefail -c ${shellQuote(spec.command)}\n`;
}

/**
 * Key under which jobs may share one array: same rule, resources, limits and
 * cluster options (an array has one set of flags for all its tasks).
 */
export function arrayKey(spec: JobSpec, defaults: SlurmDefaults): string {
  return JSON.stringify([spec.rule ?? '', spec.cwd, spec.cores ?? 1, spec.memBytes ?? null, spec.timeoutMs ?? null, effectiveOptions(spec, defaults)]);
}

/**
 * sbatch flags for an array of `specs` (same {@link arrayKey}); task `i` runs
 * `specs[i]`. SLURM's own messages go to `.wf/logs/slurm/<name>-%A_%a.log`;
 * each task appends its command's output to its own job log.
 */
export function arrayArgs(specs: readonly JobSpec[], defaults: SlurmDefaults, slurmLogDir: string): string[] {
  const first = specs[0]!;
  const name = jobName({ id: first.id, ...(first.rule !== undefined ? { rule: first.rule } : {}) }) + '-array';
  const log = join(slurmLogDir, `${name}-%A_%a.log`);
  return [`--job-name=${name}`, `--array=0-${specs.length - 1}`, `--output=${log}`, `--error=${log}`, ...commonArgs(first, defaults)];
}

/** The batch script of an array: a `case` over `$SLURM_ARRAY_TASK_ID`. */
export function arrayScript(specs: readonly JobSpec[]): string {
  const lines = ['#!/bin/bash', 'case "$SLURM_ARRAY_TASK_ID" in'];
  specs.forEach((s, i) => {
    lines.push(`  ${i}) exec >>${shellQuote(s.logFile)} 2>&1; exec bash -euo pipefail -c ${shellQuote(s.command)} ;;`);
  });
  lines.push('  *) echo "wf: unknown array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;', 'esac', '');
  return lines.join('\n');
}

/** The job id in `sbatch --parsable` output (`123` or `123;cluster`), or null. */
export function parseSbatchId(stdout: string): string | null {
  const m = /^(\d+)(?:;\S+)?\s*$/m.exec(stdout.trim());
  return m ? m[1]! : null;
}

/** A printable, copy-pasteable equivalent of the submission of `spec` (for `--dry-run`). */
export function dryRunLine(spec: JobSpec, defaults: SlurmDefaults): string {
  return ['sbatch', ...sbatchArgs(spec, defaults), '--wrap', `exec bash -euo pipefail -c ${shellQuote(spec.command)}`].map(shellQuote).join(' ');
}

/** Directory of array logs under the workflow root. */
export function slurmLogDir(root: string): string {
  return join(root, '.wf', 'logs', 'slurm');
}
