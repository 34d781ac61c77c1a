/**
 * The run database's schema as an ordered list of migrations. Migration `i`
 * (0-based) takes the database from `PRAGMA user_version` i to i + 1; a
 * database newer than {@link SCHEMA_VERSION} is refused (WF3010), never
 * downgraded. Append new migrations; never edit a shipped one.
 */

/**
 * Schema 1:
 * - `runs`: one row per `wf run` that wrote anything (a no-op run writes nothing).
 *   Times epoch ms; `argv`, `targets`, `config`, `summary` JSON; `outcome` one of
 *   running | succeeded | failed | interrupted | crashed (a `running` run found
 *   by the next run, which holds the lock, was killed).
 * - `jobs`: one row per job attempt, inserted as `started` before the process is
 *   launched and updated to done | failed | interrupted; `adopted` = 1 for a record
 *   refreshed without running; `pgid` (local) or `cluster_job_id` (SLURM) name the
 *   process group or batch job of an attempt in flight. The build state of a job is its row with the
 *   highest id (index `jobs_current`), so history and state cannot disagree.
 * - `files`: the PROV used (role 0) / wasGeneratedBy (role 1) edges of an attempt,
 *   with the file's stamp (mtime ns as text, size bytes) and SHA-256 at the time;
 *   `temp` = 1 for a `temp` output (deleted once read, so never "missing").
 * - `product_decls`: product declarations (level, pattern, keywords JSON) as of the
 *   latest run; `products` (view): every generated file of a current `done` record.
 * - `job_state`: each job's latest state record as one JSON text (the executor's
 *   `StateRecord`), written in the same transaction as the `jobs`/`files` rows it
 *   restates. A derived index, not a second truth: it exists so that loading the
 *   state of 60,000 jobs reads two columns per job instead of ~20 plus its edges.
 */
const V1 = `
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  argv        TEXT NOT NULL,
  targets     TEXT NOT NULL,
  user        TEXT NOT NULL,
  host        TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  wf_version  TEXT NOT NULL,
  workflow    TEXT NOT NULL,
  config      TEXT NOT NULL,
  outcome     TEXT NOT NULL DEFAULT 'running',
  summary     TEXT
);
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  job         TEXT NOT NULL,
  rule        TEXT NOT NULL,
  wildcards   TEXT NOT NULL,
  level       REAL NOT NULL,
  level_text  TEXT NOT NULL,
  status      TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  adopted     INTEGER NOT NULL DEFAULT 0,
  code        TEXT,
  reason      TEXT,
  exit_code   INTEGER,
  signal      TEXT,
  started_at  INTEGER,
  ended_at    INTEGER,
  duration_ms INTEGER,
  peak_rss_kb INTEGER,
  pgid        INTEGER,
  cluster_job_id TEXT,
  command     TEXT NOT NULL,
  params      TEXT,
  rule_digest TEXT,
  log_path    TEXT,
  log_tail    TEXT,
  metrics     TEXT
);
CREATE INDEX jobs_current ON jobs(job, id);
CREATE INDEX jobs_by_run ON jobs(run_id);
CREATE TABLE files (
  job_row  INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  role     INTEGER NOT NULL,
  path     TEXT NOT NULL,
  mtime_ns TEXT NOT NULL,
  size     INTEGER NOT NULL,
  sha256   TEXT,
  product  TEXT,
  temp     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_by_job ON files(job_row);
CREATE INDEX files_by_path ON files(path, role);
CREATE TABLE product_decls (
  name       TEXT PRIMARY KEY,
  level      REAL NOT NULL,
  level_text TEXT NOT NULL,
  pattern    TEXT NOT NULL,
  is_source  INTEGER NOT NULL,
  keywords   TEXT NOT NULL
);
CREATE TABLE job_state (
  job    TEXT PRIMARY KEY,
  row    INTEGER NOT NULL,
  record TEXT NOT NULL
) WITHOUT ROWID;
CREATE VIEW current_jobs AS
  SELECT j.* FROM jobs j WHERE j.id IN (SELECT max(id) FROM jobs GROUP BY job);
CREATE VIEW products AS
  SELECT f.path, f.product, d.level_text AS level, f.size, f.mtime_ns, f.sha256, f.temp,
         j.id AS job_row, j.job, j.run_id, d.keywords
  FROM current_jobs j
  JOIN files f ON f.job_row = j.id AND f.role = 1
  LEFT JOIN product_decls d ON d.name = f.product
  WHERE j.status = 'done';
`;

/**
 * Schema 2:
 * - `uptodate`: at most one row, the up-to-date snapshot (`store/uptodate.ts`)
 *   written when a run left every planned job up to date, as JSON. Deleted in
 *   the first transaction of any run that writes state, so it never outlives
 *   the state it summarises.
 */
const V2 = `
CREATE TABLE uptodate (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  data TEXT NOT NULL
);
`;

/**
 * Schema 3:
 * - `uptodate_plan`: at most one row, the plan the up-to-date snapshot rests
 *   on, compactly (`store/uptodate-plan.ts`), as JSON. Apart from `uptodate`
 *   so that a no-op run never reads it; written and deleted with it.
 */
const V3 = `
CREATE TABLE uptodate_plan (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  data TEXT NOT NULL
);
`;

/**
 * Schema 4:
 * - `uptodate_base`: at most one row, the up-to-date snapshot proper (stamps
 *   as columns, `store/uptodate.ts`); `uptodate` becomes its small marker (the
 *   snapshot is valid, and the stamps changed since the base was written).
 *   Only the marker is deleted by the first write of a run; base and plan are
 *   replaced by the next full snapshot.
 * - `files_by_path` indexes outputs only (`role = 1`, what provenance looks up
 *   by path): a gather's 20,000 `used` rows per attempt no longer land all
 *   over an index that grows with every attempt.
 */
const V4 = `
CREATE TABLE uptodate_base (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  data TEXT NOT NULL
);
DELETE FROM uptodate;
DELETE FROM uptodate_plan;
DROP INDEX files_by_path;
CREATE INDEX files_by_path ON files(path) WHERE role = 1;
`;

/** The migrations, oldest first; `MIGRATIONS[i]` upgrades user_version i → i + 1. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3, V4];

/** The schema version this wf writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
