/**
 * The run database as the executor's {@link StateStore}: every record becomes
 * (part of) a `jobs` row and its `files` edges, so the incremental-build state
 * (a job's row with the highest id) and the run history are one table.
 *
 * Loading reads `job_state` (each job's latest record as JSON text, kept in the
 * same transactions as the rows it restates) in one SELECT, raw, no per-row zod
 * (the schema version was checked at open); a record is parsed on
 * {@link StateStore.get}. Nothing is written (not
 * even `.wf/`) until the first append: a dry run and a no-op run write nothing.
 * Each append is committed before it returns (a `started` row is durable
 * before the job's process is launched); `appendSoon` records are batched
 * into the next commit, at most {@link BATCH_MS} later. A reserved job's
 * `started` row is committed ahead ({@link StateStore.reserve}): its start
 * then only queues the real start time for the next commit.
 */
import type { Statement } from 'better-sqlite3';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { JobId } from '../ir/ids.js';
import type { Job, Plan } from '../ir/plan.js';
import type { FileEntry, StateRecord, StateStore } from '../executor/state-store.js';
import { openDb, type Db } from './db.js';
import type { RunInfo, RunOutcome } from './schema.js';

/** What the run being recorded is: metadata for its `runs` row and the plan its job ids come from. */
export interface RunContext {
  readonly info: RunInfo;
  readonly plan: Plan;
}

/** The executor's store plus the run-level bookkeeping the CLI does. */
export interface RunStore extends StateStore {
  /** The id of this run's `runs` row, once something was written. */
  readonly runId: number | undefined;
  /** Record how the run ended (no-op when the run wrote nothing). `summary` is stored as JSON. */
  endRun(outcome: RunOutcome, summary: unknown): void;
}

/**
 * Open the store of `root` (read only until the first append). `run` is needed
 * to write (the CLI's `wf run`); without it appends throw (internal error).
 * Throws {@link RunDbError} (WF3010) for an unusable database.
 */
export function openRunStore(root: string, run?: RunContext): RunStore {
  return new SqliteRunStore(root, openDb(root, false), run);
}

/** Point lookups answered one row at a time before the whole `job_state` table is read in one pass. */
const POINT_LOOKUPS = 512;

/** Longest a record given to `appendSoon` waits for its commit, in ms. */
const BATCH_MS = 50;

class SqliteRunStore implements RunStore {
  readonly #root: string;
  #db: Db | undefined;
  /** Each job's latest record as loaded, JSON text (parsed on demand); undefined until read in one pass. */
  #current: Map<JobId, string> | undefined;
  /** Point lookups made so far (a run that asks for few records never reads them all). */
  #lookups = 0;
  #point: ReturnType<Db['prepare']> | undefined;
  readonly #run: RunContext | undefined;
  /** Loaded records parsed so far (each is parsed once). */
  readonly #parsed = new Map<JobId, StateRecord>();
  /** Records appended this run (they win over loaded rows). */
  readonly #appended = new Map<JobId, StateRecord>();
  /** Row id of each job's attempt in progress. */
  readonly #open = new Map<JobId, number>();
  #jobs: Map<JobId, Job> | undefined;
  #runId: number | undefined;
  #stmts: ReturnType<typeof prepareWrites> | undefined;
  /** Records waiting for the next commit, in order. */
  #pending: StateRecord[] = [];
  /** Reserved jobs not started yet: their committed `started` row and the `job_state` row it replaced. */
  readonly #reserved = new Map<JobId, Reservation>();
  /** Reservations to undo at the next commit (before anything else in it). */
  #cancelled: [JobId, Reservation][] = [];
  /** Reserved jobs that started: their row gets the real start time and `job_state` the record at the next commit (before the pending records). */
  #starts: [number, StartedRecord][] = [];
  #batchTimer: NodeJS.Timeout | undefined;

  constructor(root: string, db: Db | undefined, run: RunContext | undefined) {
    this.#root = root;
    this.#db = db;
    this.#run = run;
    if (!db) this.#current = new Map();
  }

  /** Every loaded record's JSON text: one pass over `job_state`, two text columns per job. */
  #all(): Map<JobId, string> {
    if (this.#current) return this.#current;
    const current = new Map<JobId, string>();
    for (const [job, record] of this.#db!.prepare('SELECT job, record FROM job_state').raw(true).iterate() as IterableIterator<[string, string]>) {
      current.set(job as JobId, record);
    }
    return (this.#current = current);
  }

  /** The loaded JSON text of one job's record: a point query while few were asked for, else from {@link #all}. */
  #text(id: JobId): string | undefined {
    if (this.#current || ++this.#lookups > POINT_LOOKUPS) return this.#all().get(id);
    this.#point ??= this.#db!.prepare('SELECT record FROM job_state WHERE job = ?').pluck();
    return this.#point.get(id) as string | undefined;
  }

  get runId(): number | undefined {
    return this.#runId;
  }

  takeWarnings(): Diagnostic[] {
    return [];
  }

  get(id: JobId): StateRecord | undefined {
    const a = this.#appended.get(id) ?? this.#parsed.get(id);
    if (a) return a;
    // A reserved job's row says started; its last record is still the one it replaced.
    const res = this.#reserved.get(id);
    const r = res ? res.previous?.[1] : this.#text(id);
    if (r === undefined) return undefined;
    const rec = JSON.parse(r) as StateRecord;
    this.#parsed.set(id, rec);
    return rec;
  }

  *live(): IterableIterator<StateRecord> {
    for (const rec of this.#appended.values()) yield rec;
    for (const id of this.#all().keys()) {
      if (this.#appended.has(id)) continue;
      const rec = this.get(id);
      if (rec) yield rec;
    }
  }

  append(record: StateRecord): void {
    if (this.#claim(record)) return;
    this.appendAll([record]);
  }

  appendSoon(record: StateRecord): void {
    if (this.#claim(record)) return;
    this.#appended.set(record.id, record);
    this.#pending.push(record);
    this.#soon();
  }

  appendAll(records: readonly StateRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) this.#claim(r);
    this.#commit(records);
    for (const r of records) this.#appended.set(r.id, r);
  }

  reserve(ids: readonly JobId[]): void {
    const fresh = ids.filter((id) => !this.#reserved.has(id) && !this.#open.has(id));
    if (fresh.length > 0) this.#commit([], fresh);
  }

  dropReservations(): void {
    if (this.#reserved.size === 0) return;
    this.#cancelled.push(...this.#reserved);
    this.#reserved.clear();
    this.#commit([]);
  }

  /**
   * Settle `record` against a reservation of its job: a reserved job's first
   * `started` record takes over the committed row (true: nothing more to
   * write now); any other record of a reserved job undoes the reservation
   * first (a job that fails before it starts, a protected output).
   */
  #claim(record: StateRecord): boolean {
    const res = this.#reserved.get(record.id);
    if (res === undefined) return false;
    this.#reserved.delete(record.id);
    if (record.t === 'started' && record.attempt === 1) {
      this.#open.set(record.id, res.row);
      this.#appended.set(record.id, record);
      this.#starts.push([res.row, record]);
      this.#soon();
      return true;
    }
    this.#cancelled.push([record.id, res]);
    return false;
  }

  /** Commit what is pending within {@link BATCH_MS}. */
  #soon(): void {
    this.#batchTimer ??= setTimeout(() => this.#commit([]), BATCH_MS).unref();
  }

  /**
   * One transaction: undone reservations, start times of reserved jobs, the
   * pending records, `records`, then new reservations for `reserve`.
   */
  #commit(records: readonly StateRecord[], reserve: readonly JobId[] = []): void {
    if (this.#batchTimer) clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    const all = this.#pending.length > 0 ? [...this.#pending.splice(0), ...records] : records;
    if (all.length === 0 && reserve.length === 0 && this.#cancelled.length === 0 && this.#starts.length === 0) return;
    const cancelled = this.#cancelled.splice(0);
    const starts = this.#starts.splice(0);
    const w = this.#writer();
    w.db
      .transaction(() => {
        for (const [id, res] of cancelled) {
          if (res.previous) w.setState.run(id, res.previous[0], res.previous[1]);
          else w.deleteState.run(id);
          w.deleteJob.run(res.row);
          // A full load taken meanwhile read the reserved row's record.
          if (res.previous) this.#current?.set(id, res.previous[1]);
          else this.#current?.delete(id);
        }
        for (const [row, r] of starts) {
          w.setStartedAt.run(r.at, row);
          w.setState.run(r.id, row, JSON.stringify(r));
        }
        for (const r of all) this.#write(r, w);
        const at = Date.now();
        for (const id of reserve) {
          const previous = w.getState.get(id) as [number, string] | undefined;
          const row = this.#insert(id, 'queued', 1, at, w);
          w.setState.run(id, row, JSON.stringify({ t: 'started', id, at, attempt: 1 } satisfies StartedRecord));
          this.#reserved.set(id, { row, previous });
        }
      })
      .immediate();
  }

  endRun(outcome: RunOutcome, summary: unknown): void {
    if (this.#runId === undefined || !this.#stmts) return;
    this.#stmts.endRun.run(Date.now(), outcome, JSON.stringify(summary), this.#runId);
  }

  flush(): void {
    // Committed is durable (WAL); SQLite checkpoints the WAL itself as it grows.
    this.#commit([]);
  }

  close(): void {
    if (this.#db) {
      this.dropReservations();
      this.#commit([]);
    }
    this.#point = undefined;
    this.#db?.close();
    this.#db = undefined;
    this.#stmts = undefined;
  }

  /** The write statements, creating the database and this run's row on first use. */
  #writer(): ReturnType<typeof prepareWrites> {
    if (this.#stmts) return this.#stmts;
    const run = this.#run;
    if (!run) throw new Error('internal error: the run store was opened without a run context and cannot write');
    this.#db ??= openDb(this.#root, true)!;
    const w = prepareWrites(this.#db);
    const { info } = run;
    this.#db.transaction(() => {
      // State changes from here on: the up-to-date snapshot no longer describes it.
      w.db.prepare('DELETE FROM uptodate').run(); // the snapshot's marker: its base and plan rows stay, unusable without it
      // We hold the workflow lock: a run still marked running was killed.
      w.db.prepare(`UPDATE runs SET outcome = 'crashed' WHERE outcome = 'running'`).run();
      const res = w.db
        .prepare(`INSERT INTO runs (started_at, argv, targets, user, host, pid, wf_version, workflow, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(Date.now(), JSON.stringify(info.argv), JSON.stringify(info.targets), info.user, info.host, info.pid, info.wfVersion, info.workflow, JSON.stringify(info.config));
      this.#runId = Number(res.lastInsertRowid);
      const upsert = w.db.prepare(`INSERT OR REPLACE INTO product_decls (name, level, level_text, pattern, is_source, keywords) VALUES (?, ?, ?, ?, ?, ?)`);
      for (const p of info.products) upsert.run(p.name, p.level, p.levelText, p.pattern, p.isSource ? 1 : 0, JSON.stringify(p.keywords));
    }).immediate();
    this.#jobs = new Map(run.plan.jobs.map((j) => [j.id, j]));
    this.#stmts = w;
    return w;
  }

  #job(id: JobId): Job {
    const job = this.#jobs?.get(id);
    if (!job) throw new Error(`internal error: job ${id} is not in the plan being recorded`);
    return job;
  }

  /** Insert a fresh attempt row for a record that has no `started` row (adoption, protected output). */
  #insert(id: JobId, status: string, attempt: number, startedAt: number | null, w: ReturnType<typeof prepareWrites>, adopted = 0): number {
    const job = this.#job(id);
    const res = w.insertJob.run(
      this.#runId,
      id,
      job.rule,
      JSON.stringify(job.wildcards),
      job.level,
      job.levelText,
      status,
      attempt,
      adopted,
      startedAt,
      job.command,
      job.logPath,
    );
    return Number(res.lastInsertRowid);
  }

  #write(r: StateRecord, w: ReturnType<typeof prepareWrites>): void {
    const row = this.#writeRows(r, w);
    if (row !== undefined) w.setState.run(r.id, row, JSON.stringify(r));
  }

  /** Write `r` into `jobs`/`files`; returns the attempt row it belongs to. */
  #writeRows(r: StateRecord, w: ReturnType<typeof prepareWrites>): number | undefined {
    switch (r.t) {
      case 'started': {
        const row = this.#insert(r.id, 'started', r.attempt, r.at, w);
        this.#open.set(r.id, row);
        return row;
      }
      case 'spawned': {
        const row = this.#open.get(r.id);
        if (row !== undefined) w.setPgid.run(r.pgid, row);
        return row;
      }
      case 'submitted': {
        const row = this.#open.get(r.id);
        if (row !== undefined) w.setClusterJobId.run(r.clusterJobId, row);
        return row;
      }
      case 'done': {
        const job = this.#job(r.id);
        let row = this.#open.get(r.id);
        if (row === undefined || r.adopted) row = this.#insert(r.id, 'done', 0, null, w, 1);
        this.#open.delete(r.id);
        w.finishDone.run(r.endTime, r.durationMs, r.command, r.params, r.ruleDigest, r.metrics ? JSON.stringify(r.metrics) : null, row);
        const productOf = new Map<string, string>();
        const outputs = job.outputs; // built on read: once
        for (const x of job.inputs) if (x.product) productOf.set(x.path, x.product);
        for (const x of outputs) if (x.product) productOf.set(x.path, x.product);
        const temps = new Set(outputs.filter((o) => o.temp).map((o) => o.path as string));
        const files = new FileRows(w);
        for (const [path, mtime, size, sha] of r.inputs) files.add(row, 0, path, mtime, size, sha, productOf.get(path) ?? null, 0);
        for (const [path, mtime, size, sha] of r.outputs) files.add(row, 1, path, mtime, size, sha, productOf.get(path) ?? null, temps.has(path) ? 1 : 0);
        files.flush();
        return row;
      }
      case 'failed': {
        const row = this.#open.get(r.id) ?? this.#insert(r.id, 'failed', 1, r.endTime, w);
        this.#open.delete(r.id);
        w.finishFailed.run(r.endTime, r.endTime, r.code, r.reason, r.exitCode, r.signal, r.logPath, r.logTail ? r.logTail.join('\n') : null, row);
        return row;
      }
      case 'interrupted': {
        const row = this.#open.get(r.id) ?? this.#insert(r.id, 'interrupted', 1, r.endTime, w);
        this.#open.delete(r.id);
        w.finishInterrupted.run(r.endTime, r.endTime, row);
        return row;
      }
    }
  }
}

/** The `started` variant of {@link StateRecord}. */
type StartedRecord = Extract<StateRecord, { t: 'started' }>;

/**
 * A reserved job's committed row (status `queued` in `jobs`: for the
 * history, not started yet; a `started` record in `job_state`: for the
 * planner, cut off if wf dies) and the `job_state` row (row id, record) it
 * replaced, if any. The row becomes `started`, with the real start time, in
 * the commit after the job starts.
 */
interface Reservation {
  readonly row: number;
  readonly previous: readonly [number, string] | undefined;
}

/** Rows per multi-row `INSERT INTO files` ({@link FileRows}); 8 parameters each. */
const FILE_BATCH = 64;

/**
 * The `files` rows of one attempt, inserted {@link FILE_BATCH} to a
 * statement (a gather's 20,000 used files cost a quarter less than one
 * statement each); the rest one by one at {@link flush}. Row order is kept.
 */
class FileRows {
  readonly #w: ReturnType<typeof prepareWrites>;
  readonly #args: unknown[] = [];

  constructor(w: ReturnType<typeof prepareWrites>) {
    this.#w = w;
  }

  /** Queue one row: the columns of `files` in table order. */
  add(jobRow: number, role: 0 | 1, path: string, mtimeNs: string, size: number, sha256: string | null, product: string | null, temp: 0 | 1): void {
    this.#args.push(jobRow, role, path, mtimeNs, size, sha256, product, temp);
    if (this.#args.length === FILE_BATCH * 8) {
      this.#w.insertFiles().run(this.#args);
      this.#args.length = 0;
    }
  }

  /** Insert the queued rows. */
  flush(): void {
    const a = this.#args;
    for (let i = 0; i < a.length; i += 8) this.#w.insertFile.run(a.slice(i, i + 8));
    a.length = 0;
  }
}

function prepareWrites(db: Db) {
  let insertFiles: Statement | undefined;
  return {
    db,
    /** {@link FILE_BATCH} rows in one statement, prepared on first use. */
    insertFiles: (): Statement =>
      (insertFiles ??= db.prepare(
        `INSERT INTO files (job_row, role, path, mtime_ns, size, sha256, product, temp) VALUES ${Array<string>(FILE_BATCH).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      )),
    insertJob: db.prepare(
      `INSERT INTO jobs (run_id, job, rule, wildcards, level, level_text, status, attempt, adopted, started_at, command, log_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertFile: db.prepare(`INSERT INTO files (job_row, role, path, mtime_ns, size, sha256, product, temp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    setPgid: db.prepare(`UPDATE jobs SET pgid = ? WHERE id = ?`),
    setClusterJobId: db.prepare(`UPDATE jobs SET cluster_job_id = ? WHERE id = ?`),
    finishDone: db.prepare(
      `UPDATE jobs SET status = 'done', ended_at = ?, duration_ms = ?, command = ?, params = ?, rule_digest = ?, metrics = ? WHERE id = ?`,
    ),
    finishFailed: db.prepare(
      `UPDATE jobs SET status = 'failed', ended_at = ?, duration_ms = ? - started_at, code = ?, reason = ?, exit_code = ?, signal = ?, log_path = ?, log_tail = ? WHERE id = ?`,
    ),
    finishInterrupted: db.prepare(`UPDATE jobs SET status = 'interrupted', ended_at = ?, duration_ms = ? - started_at WHERE id = ?`),
    endRun: db.prepare(`UPDATE runs SET ended_at = ?, outcome = ?, summary = ? WHERE id = ?`),
    setState: db.prepare(`INSERT OR REPLACE INTO job_state (job, row, record) VALUES (?, ?, ?)`),
    getState: db.prepare(`SELECT row, record FROM job_state WHERE job = ?`).raw(true),
    deleteState: db.prepare(`DELETE FROM job_state WHERE job = ?`),
    deleteJob: db.prepare(`DELETE FROM jobs WHERE id = ?`),
    setStartedAt: db.prepare(`UPDATE jobs SET status = 'started', started_at = ? WHERE id = ?`),
  };
}
