/**
 * `wf log JOB [KEY=VALUE…] [--run ID]`: print a job's log. JOB is a job id
 * (`detect[obsid=0001]`) or a rule name followed by wildcard values
 * (`detect obsid=0001`); values may be left out when they still pick one job.
 * Exit 2 (WF3011) for an unknown or ambiguous job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { error } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/spellcheck.js';
import { currentJobsOfRule, jobAttempts } from '../store/history.js';
import type { Db } from '../store/db.js';
import type { JobRow } from '../store/schema.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { failWith, openHistory, pickRun, type HistoryOptions } from './history-db.js';

/** Options of `wf log`. */
export interface LogOptions extends HistoryOptions {
  readonly run?: string;
}

/** Print the log; exit 0, or 2 for an unknown job. */
export function runLog(job: string, values: readonly string[], opts: LogOptions): ExitCode {
  const { root, db } = openHistory(opts);
  try {
    const runId = opts.run !== undefined ? pickRun(db, opts.run, opts.color).id : undefined;
    const attempt = resolveJob(db, job, values, runId, opts.color);
    const file = attempt.log_path !== null ? join(root, attempt.log_path) : undefined;
    if (file && existsSync(file)) {
      process.stdout.write(readFileSync(file));
    } else if (attempt.log_tail) {
      process.stderr.write(`wf: the log file ${attempt.log_path} is gone; its last lines as recorded:\n`);
      process.stdout.write(`${attempt.log_tail}\n`);
    } else {
      failWith(error('WF3011', `job ${attempt.job} has no log (${attempt.log_path ?? 'none recorded'} does not exist)`, undefined, 'logs are kept under .wf/logs/ until `wf clean` or `wf runs --prune`'), opts.color);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

function resolveJob(db: Db, job: string, values: readonly string[], runId: number | undefined, color: boolean): JobRow {
  const inRun = (rows: JobRow[]): JobRow[] => (runId === undefined ? rows : rows.filter((r) => r.run_id === runId));
  if (job.includes('[') || values.length === 0) {
    const rows = jobAttempts(db, job, runId);
    if (rows.length > 0) return rows[0]!;
    if (job.includes('[')) failWith(error('WF3011', `no job \`${job}\` was recorded${runId !== undefined ? ` in run ${runId}` : ''}`, undefined, 'see `wf status` for the jobs of the last run'), color);
  }
  const wanted: [string, string][] = [];
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) failWith(error('WF2114', `expected KEY=VALUE after the rule name, not \`${v}\``, undefined, `write e.g. wf log ${job} obsid=0001`), color);
    wanted.push([v.slice(0, eq), v.slice(eq + 1)]);
  }
  const candidates = inRun(runId === undefined ? currentJobsOfRule(db, job) : jobAttemptsOfRule(db, job, runId));
  if (candidates.length === 0) {
    const rules = (db.prepare(`SELECT DISTINCT rule FROM jobs`).all() as { rule: string }[]).map((r) => r.rule);
    const guess = suggest(job, rules);
    failWith(error('WF3011', `no job of rule \`${job}\` was recorded${runId !== undefined ? ` in run ${runId}` : ''}`, undefined, guess ? `did you mean \`${guess}\`?` : 'give a rule name and wildcard values, e.g. `wf log detect obsid=0001`'), color);
  }
  const matching = candidates.filter((c) => {
    const w = JSON.parse(c.wildcards) as Record<string, string>;
    return wanted.every(([k, v]) => w[k] === v);
  });
  const unique = [...new Map(matching.map((m) => [m.job, m])).values()];
  if (unique.length === 1) return unique[0]!;
  if (unique.length === 0) {
    const keys = Object.keys(JSON.parse(candidates[0]!.wildcards) as Record<string, string>);
    failWith(error('WF3011', `no job of rule \`${job}\` has ${values.join(' ')}`, undefined, keys.length > 0 ? `its wildcards are ${keys.join(', ')}; e.g. ${candidates[0]!.job}` : `the rule has one job: ${candidates[0]!.job}`), color);
  }
  const sample = unique.slice(0, 5).map((u) => u.job).join(', ');
  return failWith(error('WF3011', `${unique.length} jobs of rule \`${job}\` match; give more wildcard values`, undefined, `e.g. ${sample}${unique.length > 5 ? ', …' : ''}`), color);
}

function jobAttemptsOfRule(db: Db, rule: string, runId: number): JobRow[] {
  // Newest attempt first per job of the run.
  const rows = db.prepare(`SELECT * FROM jobs WHERE rule = ? AND run_id = ? ORDER BY id DESC`).all(rule, runId) as JobRow[];
  return rows;
}
