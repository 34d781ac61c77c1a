/**
 * Opening the run database, `ROOT/.wf/wf.db` (SQLite via better-sqlite3):
 * WAL mode with `synchronous = NORMAL` (a commit is an append to the WAL, no
 * fsync; a crash of wf loses nothing committed, a power loss at most the last
 * commits), foreign keys on, a busy timeout so readers (`wf status` during a
 * run) wait instead of failing. The schema is migrated forward on open; a
 * newer or unreadable database is refused with a {@link RunDbError} (WF3010).
 */
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { STATE_DIR } from '../executor/state-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

/** better-sqlite3 (a native addon, ~10 ms to load), loaded by the first {@link openDb} that finds or creates a database. */
let sqlite: typeof Database | undefined;
const loadSqlite = (): typeof Database => (sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database);

/**
 * Options naming better-sqlite3's compiled addon by path (its `nativeBinding` option): its default
 * lookup, the `bindings` package, reads a stack trace and tries a dozen candidate paths, 3–8 ms of a
 * run here. Empty (the default lookup) when the addon is not at its usual place.
 */
let addonOptions: Database.Options | undefined;
function sqliteOptions(): Database.Options {
  if (addonOptions === undefined) {
    try {
      addonOptions = { nativeBinding: createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node') };
    } catch {
      addonOptions = {};
    }
  }
  return addonOptions;
}

/** File name of the run database inside `.wf/`. */
export const DB_FILE = 'wf.db';

/** The database handle type. */
export type Db = Database.Database;

/** A database that cannot be used; `diagnostic` is WF3010. */
export class RunDbError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.diagnostic = diagnostic;
  }
}

/** Absolute path of the database of `root`. */
export function dbPath(root: string): string {
  return join(root, STATE_DIR, DB_FILE);
}

/** True when `root` has a run database, i.e. a run history (one `stat`; nothing is opened). */
export function hasRunDb(root: string): boolean {
  return existsSync(dbPath(root));
}

/**
 * Open the database of `root`. Without `create`, a missing database yields
 * undefined and nothing is written (a dry run or a read-only command stays
 * read-only); with it, `.wf/` and the file are created. Throws
 * {@link RunDbError} for a database that is not SQLite or is of a newer schema.
 */
export function openDb(root: string, create: boolean): Db | undefined {
  const file = dbPath(root);
  if (!hasRunDb(root)) {
    if (!create) return undefined;
    mkdirSync(join(root, STATE_DIR), { recursive: true });
  }
  let db: Db | undefined;
  try {
    db = new (loadSqlite())(file, sqliteOptions());
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof RunDbError) throw e;
    throw new RunDbError(
      error('WF3010', `cannot use the run database ${STATE_DIR}/${DB_FILE}: ${(e as Error).message}`, undefined, `move ${STATE_DIR}/${DB_FILE} aside to start a fresh history (existing outputs are then judged by make's rule: newer than their inputs means up to date)`),
    );
  }
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new RunDbError(
      error('WF3010', `the run database ${STATE_DIR}/${DB_FILE} has schema ${version}, newer than this wf understands (${SCHEMA_VERSION})`, undefined, 'use a newer wf'),
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
