/**
 * `wf prov FILE`: the full upstream provenance of a recorded product as W3C
 * PROV-JSON on stdout (see `history/prov.ts`). Exit 2 (WF3011) when no job
 * recorded generating FILE.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { error } from '../diagnostics/diagnostic.js';
import { buildProv } from '../history/prov.js';
import { provenanceOf } from '../store/history.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { failWith, openHistory, type HistoryOptions } from './history-db.js';

/** Print the PROV-JSON document of `file` (relative to the current directory or the workflow root). */
export function runProv(file: string, opts: HistoryOptions): ExitCode {
  const { root, db } = openHistory(opts);
  try {
    const rel = isAbsolute(file) ? relative(root, file) : relative(root, resolve(file));
    const rows = provenanceOf(db, rel) ?? (rel !== file ? provenanceOf(db, file) : undefined);
    if (!rows) failWith(error('WF3011', `no recorded job generated ${file}`, undefined, 'give the path of a product a `wf run` made (see `wf verify` for the recorded products)'), opts.color);
    process.stdout.write(`${JSON.stringify(buildProv(rows), null, 2)}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}
