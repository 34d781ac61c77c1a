/**
 * Shared by the history commands (`wf status`, `runs`, `log`, `verify`,
 * `prov`, `report`): find the workflow directory (`-f FILE`'s directory, else
 * the current one), open its run database read-side, and stop with a clear
 * message (exit 2) when it is missing or unusable.
 */
import { dirname, resolve } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { renderText } from '../diagnostics/render.js';
import { openDb, RunDbError, type Db } from '../store/db.js';
import { getRun } from '../store/history.js';
import type { RunRow } from '../store/schema.js';
import { CliExit, EXIT } from './exit-codes.js';

/** Options every history command accepts. */
export interface HistoryOptions {
  readonly file?: string;
  readonly color: boolean;
}

/** Print `diagnostic` to stderr and stop with exit 2. */
export function failWith(diagnostic: Diagnostic, color: boolean): never {
  // Drop the "1 error" count line: one message, like the other usage errors.
  process.stderr.write(renderText([diagnostic], new Map(), { color }).replace(/\n[^\n]*\d+ (errors?|warnings?)[^\n]*\n?$/, '\n'));
  throw new CliExit(EXIT.invalid);
}

/** The workflow root and its database; exit 2 (WF3015) when nothing was recorded there yet. */
export function openHistory(opts: HistoryOptions): { root: string; db: Db } {
  const root = opts.file !== undefined ? dirname(resolve(opts.file)) : process.cwd();
  let db: Db | undefined;
  try {
    db = openDb(root, false);
  } catch (e) {
    if (e instanceof RunDbError) failWith(e.diagnostic, opts.color);
    throw e;
  }
  if (!db) failWith(error('WF3015', `no run recorded yet in ${root}`, undefined, 'run `wf run` first (a dry run records nothing)'), opts.color);
  return { root, db };
}

/** Parse `--run ID`; exit 2 on a malformed or unknown id (WF3011). Undefined id: the newest run. */
export function pickRun(db: Db, runOpt: string | undefined, color: boolean): RunRow {
  let id: number | undefined;
  if (runOpt !== undefined) {
    if (!/^\d+$/.test(runOpt)) failWith(error('WF2114', `--run takes a run number, not \`${runOpt}\``, undefined, 'see `wf runs` for the run numbers'), color);
    id = Number(runOpt);
  }
  const run = getRun(db, id);
  if (!run) failWith(error(id === undefined ? 'WF3015' : 'WF3011', id === undefined ? 'no run recorded yet' : `there is no run ${id}`, undefined, 'see `wf runs` for the recorded runs'), color);
  return run;
}
