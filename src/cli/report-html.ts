/**
 * `wf report [--run ID] [-o FILE]`: write a run's self-contained HTML report
 * (see `history/html.ts`) to FILE (default `wf-report.html`), or to stdout with `-o -`.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { renderReportHtml } from '../history/html.js';
import { buildRunStatus } from '../history/status.js';
import { runJobs } from '../store/history.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { openHistory, pickRun, type HistoryOptions } from './history-db.js';

/** Options of `wf report`. */
export interface ReportOptions extends HistoryOptions {
  readonly run?: string;
  readonly output: string;
}

/** Write the report; exit 0 (2 for an unknown run or no database). */
export function runReport(opts: ReportOptions): ExitCode {
  const { root, db } = openHistory(opts);
  try {
    const run = pickRun(db, opts.run, opts.color);
    const attempts = runJobs(db, run.id);
    const html = renderReportHtml(buildRunStatus(run, attempts), attempts, `${basename(root)}: wf report`);
    if (opts.output === '-') process.stdout.write(html);
    else {
      writeFileSync(opts.output, html);
      process.stderr.write(`wf: wrote ${opts.output} (run ${run.id})\n`);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
