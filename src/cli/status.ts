/**
 * `wf status [--run ID] [--json]`: what a run did (the newest by default):
 * counts per level and rule, durations, failed jobs with reasons and log
 * tails, QC metrics. Reads the run database only.
 */
import { buildRunStatus, renderStatusText } from '../history/status.js';
import { runJobs } from '../store/history.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { openHistory, pickRun, type HistoryOptions } from './history-db.js';

/** Options of `wf status`. */
export interface StatusOptions extends HistoryOptions {
  readonly run?: string;
  readonly json: boolean;
}

/** Print the status of the run; exit 0 (2 for an unknown run or no database). */
export function runStatus(opts: StatusOptions): ExitCode {
  const { db } = openHistory(opts);
  try {
    const run = pickRun(db, opts.run, opts.color);
    const status = buildRunStatus(run, runJobs(db, run.id));
    process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(status));
    return EXIT.ok;
  } finally {
    db.close();
  }
}
