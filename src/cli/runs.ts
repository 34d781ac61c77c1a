/**
 * `wf runs [--json] [--prune KEEP]`: the run history, newest first; with
 * `--prune KEEP`, keep only the newest KEEP runs' records and logs (a job's
 * current record is always kept: it is the build state).
 */
import { rmSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { error } from '../diagnostics/diagnostic.js';
import { formatMs, formatTime } from '../history/status.js';
import { jobCountsByRun, listRuns, pruneRuns } from '../store/history.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { failWith, openHistory, type HistoryOptions } from './history-db.js';

/** Options of `wf runs`. */
export interface RunsOptions extends HistoryOptions {
  readonly json: boolean;
  readonly prune?: string;
}

/** List (or prune) the runs; exit 0, 2 on a bad `--prune` value or no database. */
export function runRuns(opts: RunsOptions): ExitCode {
  if (opts.prune !== undefined && !/^\d+$/.test(opts.prune)) {
    failWith(error('WF2114', `--prune takes the number of runs to keep, not \`${opts.prune}\``, undefined, 'write e.g. `wf runs --prune 10`'), opts.color);
  }
  const { root, db } = openHistory(opts);
  try {
    if (opts.prune !== undefined) {
      const res = pruneRuns(db, Number(opts.prune));
      let removed = 0;
      for (const log of res.logs) {
        // Only wf's own logs: a rule's declared log is the workflow's file.
        const rel = normalize(log);
        if (isAbsolute(rel) || !rel.startsWith(join('.wf', 'logs'))) continue;
        rmSync(join(root, rel), { force: true });
        removed++;
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      process.stdout.write(`pruned ${res.runs} run(s) and ${res.attempts} job record(s), removed ${removed} log file(s); kept the newest ${opts.prune} run(s) and every job's current record\n`);
      return EXIT.ok;
    }
    const runs = listRuns(db);
    const counts = jobCountsByRun(db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(runs.map((r) => ({ ...r, argv: JSON.parse(r.argv) as unknown, targets: JSON.parse(r.targets) as unknown, config: JSON.parse(r.config) as unknown, summary: r.summary ? (JSON.parse(r.summary) as unknown) : null, jobs: counts.get(r.id)?.jobs ?? 0, failedJobs: counts.get(r.id)?.failed ?? 0 })), null, 2)}\n`);
      return EXIT.ok;
    }
    if (runs.length === 0) {
      process.stdout.write('no runs recorded\n');
      return EXIT.ok;
    }
    const rows = runs.map((r) => [
      String(r.id),
      formatTime(r.started_at),
      r.ended_at !== null ? formatMs(r.ended_at - r.started_at) : '-',
      r.outcome,
      String(counts.get(r.id)?.jobs ?? 0),
      String(counts.get(r.id)?.failed ?? 0),
      `${r.user}@${r.host}`,
      `wf ${(JSON.parse(r.argv) as string[]).join(' ')}`,
    ]);
    const head = ['run', 'started', 'took', 'outcome', 'jobs', 'failed', 'by', 'command'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const fmt = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === 4 || i === 5 ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
    process.stdout.write([fmt(head), ...rows.map(fmt)].join('\n') + '\n');
    return EXIT.ok;
  } finally {
    db.close();
  }
}
