/**
 * The port through which the executor reads and writes what it knows about
 * past runs (spec §3 "State"): one {@link StateRecord} per job attempt event;
 * the last record per job decides freshness. The real store is the run
 * database (`src/store/`, SQLite at `.wf/wf.db`); tests may use
 * {@link createMemoryStateStore}. This module holds types and the in-memory
 * store only; it does not decide freshness.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { JobId } from '../ir/ids.js';

/** `[path, mtimeNs, size in bytes, sha256 or null when not hashed]`, path relative to root. */
export type FileEntry = readonly [path: string, mtimeNs: string, size: number, sha256: string | null];

/**
 * One event of a job attempt, discriminated by `t`. Times are epoch ms, durations ms.
 * `started` → (`spawned`) → `done` | `failed` | `interrupted`; a job whose last
 * record is `started`/`spawned` was cut off (wf was killed) and must rerun.
 */
export type StateRecord =
  /** Committed before the job's process is launched (a `kill -9` of wf never leaves it counted as done). */
  | { readonly t: 'started'; readonly id: JobId; readonly at: number; readonly attempt: number }
  /** The job's process group id, so a later run can kill a dead run's leftovers (spec §3 "Concurrency"). */
  | { readonly t: 'spawned'; readonly id: JobId; readonly pgid: number; readonly at: number }
  /**
   * A cluster runner's job id (`--executor slurm`: `123`, or `123_4` for an array task), recorded
   * once the scheduler accepted it, so a run after a `kill -9` of wf can cancel the job instead of
   * running it twice. Like `spawned`, it means the attempt was cut off if it is the last record.
   */
  | { readonly t: 'submitted'; readonly id: JobId; readonly clusterJobId: string; readonly at: number }
  /**
   * Outputs verified. `params` is stable JSON (sorted keys). `adopted`: the job did not run,
   * its record was refreshed for up-to-date files. `metrics`: the job's QC numbers (`metrics` file).
   */
  | {
      readonly t: 'done';
      readonly id: JobId;
      readonly command: string;
      readonly params: string;
      readonly ruleDigest: string;
      readonly inputs: readonly FileEntry[];
      readonly outputs: readonly FileEntry[];
      readonly endTime: number;
      readonly durationMs: number;
      readonly adopted?: boolean;
      readonly metrics?: Readonly<Record<string, number>>;
    }
  /** `logTail`: the last ≤ 20 lines of the job's log at the time. */
  | {
      readonly t: 'failed';
      readonly id: JobId;
      readonly code: string;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly reason: string;
      readonly logPath: string;
      readonly endTime: number;
      readonly logTail?: readonly string[];
    }
  | { readonly t: 'interrupted'; readonly id: JobId; readonly endTime: number };

/** The `done` variant of {@link StateRecord}. */
export type DoneRecord = Extract<StateRecord, { t: 'done' }>;

/** Where the executor keeps what it knows about past runs. */
export interface StateStore {
  /** Warnings not yet reported (e.g. a damaged database), removed from the store by this call. */
  takeWarnings(): Diagnostic[];
  /** The last record of a job, if any. */
  get(id: JobId): StateRecord | undefined;
  /** Every live record (last per job), in no particular order. */
  live(): IterableIterator<StateRecord>;
  /** Record one event, committed before returning (survives `kill -9` of wf). Creates `.wf/` on first use. */
  append(record: StateRecord): void;
  /**
   * Record an event that may wait: committed with the next {@link append},
   * {@link appendAll} or {@link flush}, or within 50 ms, whichever is first
   * (one transaction for many jobs). For records whose loss in a crash only
   * costs a rerun (`done`, `failed`, `interrupted`, `spawned`), never for `started`.
   * Visible to {@link get} at once.
   */
  appendSoon(record: StateRecord): void;
  /** Record several events in one transaction (adopting up-to-date jobs). */
  appendAll(records: readonly StateRecord[]): void;
  /**
   * Commit now a `started` record (attempt 1) for each of `ids` (in the run
   * database, a `queued` attempt row until the job starts), jobs that
   * are ready and will start soon (the next commit's other records go with
   * it), so that a job's own start needs no commit: its `started`
   * {@link append} then only queues the real start time for the next
   * commit. The reserved row is durable before the job's process can be
   * launched, as every `started` row is. Any other record of a reserved job
   * undoes its reservation first. Reservations are invisible to {@link get}.
   * Jobs already reserved or running are skipped.
   */
  reserve(ids: readonly JobId[]): void;
  /**
   * Undo the reservations of jobs that did not start (end of run): their
   * rows are deleted and their previous record is their last again. After a
   * crash they stay: such a job counts as cut off and reruns, which it was
   * going to do anyway.
   */
  dropReservations(): void;
  /** Make what was recorded durable (end of run, interrupt). */
  flush(): void;
  /** Flush and release the store. The store must not be used afterwards. */
  close(): void;
}

/** Directory under the workflow root that holds everything wf keeps (spec §3 "State"). */
export const STATE_DIR = '.wf';

/** An in-memory {@link StateStore} (tests, dry tools). `appended` lists every record in order. */
export function createMemoryStateStore(initial: readonly StateRecord[] = []): StateStore & { readonly appended: StateRecord[] } {
  const live = new Map<JobId, StateRecord>();
  for (const r of initial) live.set(r.id, r);
  const appended: StateRecord[] = [];
  const append = (record: StateRecord): void => {
    appended.push(record);
    live.set(record.id, record);
  };
  return {
    appended,
    takeWarnings: () => [],
    get: (id) => live.get(id),
    live: () => live.values(),
    append,
    appendSoon: append,
    appendAll: (records) => records.forEach(append),
    reserve() {},
    dropReservations() {},
    flush() {},
    close() {},
  };
}
