/**
 * The run state (spec §3 "State"): an append-only JSON-lines file,
 * `ROOT/.wf/state.jsonl`, one {@link StateRecord} per line; on load the last
 * record per job wins. Tolerates a torn tail (WF3007) and compacts itself by
 * rewriting the live records to a temp file and renaming it into place.
 *
 * Nothing is written (not even `.wf/`) until the first {@link StateStore.append}:
 * a dry run stays read-only. This module does not decide freshness.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { JobId } from '../ir/ids.js';

/** `[path, mtimeNs, size in bytes, sha256 or null when not hashed]`, path relative to root. */
export type FileEntry = readonly [path: string, mtimeNs: string, size: number, sha256: string | null];

/**
 * One line of the state file, discriminated by `t`. Times are epoch ms, durations ms.
 * `started` → (`spawned`) → `done` | `failed` | `interrupted`; a job whose last
 * record is `started`/`spawned` was cut off (wf was killed) and must rerun.
 */
export type StateRecord =
  /** Written before the job's process is launched. */
  | { readonly t: 'started'; readonly id: JobId; readonly at: number; readonly attempt: number }
  /** The job's process group id, so a later run can kill a dead run's leftovers (spec §3 "Concurrency"). */
  | { readonly t: 'spawned'; readonly id: JobId; readonly pgid: number; readonly at: number }
  /** Outputs verified. `params` is stable JSON (sorted keys). */
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
    }
  | {
      readonly t: 'failed';
      readonly id: JobId;
      readonly code: string;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly reason: string;
      readonly logPath: string;
      readonly endTime: number;
    }
  | { readonly t: 'interrupted'; readonly id: JobId; readonly endTime: number };

/** The `done` variant of {@link StateRecord}. */
export type DoneRecord = Extract<StateRecord, { t: 'done' }>;

// Hand-written validation: the state file is untrusted (STYLE §1) but loading
// must stay fast (100k lines); a zod schema measured ~1.3 s for 100k records.
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isEntries = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.every((e) => Array.isArray(e) && e.length === 4 && isStr(e[0]) && isStr(e[1]) && /^\d+$/.test(e[1]) && isNum(e[2]) && (e[3] === null || isStr(e[3])));

/** True when `v` (parsed JSON) is a well-formed {@link StateRecord}. */
export function isStateRecord(v: unknown): v is StateRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (!isStr(r.id)) return false;
  switch (r.t) {
    case 'started':
      return isNum(r.at) && isNum(r.attempt);
    case 'spawned':
      return isNum(r.pgid) && isNum(r.at);
    case 'done':
      return isStr(r.command) && isStr(r.params) && isStr(r.ruleDigest) && isEntries(r.inputs) && isEntries(r.outputs) && isNum(r.endTime) && isNum(r.durationMs);
    case 'failed':
      return isStr(r.code) && (r.exitCode === null || isNum(r.exitCode)) && (r.signal === null || isStr(r.signal)) && isStr(r.reason) && isStr(r.logPath) && isNum(r.endTime);
    case 'interrupted':
      return isNum(r.endTime);
    default:
      return false;
  }
}

/**
 * Where the executor keeps what it knows about past runs. The real one is
 * {@link openStateStore}; tests may use {@link createMemoryStateStore}.
 */
export interface StateStore {
  /**
   * Warnings not yet reported (WF3007: damaged records, found at load or when a
   * record is first read), removed from the store by this call.
   */
  takeWarnings(): Diagnostic[];
  /** The last record of a job, if any (a damaged one reads as none). Parses on each call: call once per job. */
  get(id: JobId): StateRecord | undefined;
  /** Every live record (last per job), in no particular order. */
  live(): IterableIterator<StateRecord>;
  /** Append one record: written to the OS at once (survives `kill -9` of wf). Creates `.wf/` on first use. */
  append(record: StateRecord): void;
  /** fsync what was appended (end of run, interrupt). */
  flush(): void;
  /**
   * Rewrite the file with live records only (temp file + rename) when it has many
   * more lines than jobs (> 2 × live + 1000) or damaged lines were skipped at load; true when it did.
   */
  compactIfNeeded(): boolean;
  /** Flush and release the file. The store must not be used afterwards. */
  close(): void;
}

/** Directory under the workflow root that holds everything wf keeps (spec §3 "State"). */
export const STATE_DIR = '.wf';
/** File name of the state file inside {@link STATE_DIR}. */
export const STATE_FILE = 'state.jsonl';

/** A live entry: the raw line as read (parsed lazily) or a record appended this run. */
export type LiveEntry = string | StateRecord;

// Records are written by JSON.stringify with `t` then `id` first, so the id can be
// read without parsing the whole line. Parsing every line eagerly and keeping the
// objects cost ~1 s per 100k records, mostly in GC; lazy parsing keeps load cheap.
const ID_KEY = '"id":"';

/** The id of a line shaped `{"t":"…","id":"…",…`, or undefined. */
function readId(line: string): string | undefined {
  const from = line.indexOf(',') + 1 + ID_KEY.length;
  const end = line.indexOf('"', from);
  if (end < 0) return undefined;
  const raw = line.slice(from, end);
  if (!raw.includes('\\') && line.charCodeAt(end - 1) !== 92) return raw;
  // Escapes in the id (rare): decode the whole line properly.
  const rec = parseLine(line);
  return rec?.id;
}

const damaged = (label: string, line: number): Diagnostic =>
  warning('WF3007', `${label}:${line}: skipped a damaged state record (likely torn by an interrupted run)`, undefined, 'earlier records were kept; the affected job reruns if needed');

/** Parse and validate one line; undefined when damaged. */
function parseLine(line: string): StateRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return isStateRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined; // a torn line is not valid JSON
  }
}

/**
 * Index state-file text: last line per job wins. Lines whose head is not a
 * record, and a last line that does not parse completely (a torn tail), are
 * skipped with one WF3007 warning each (at most 3, then a summary); other
 * lines are fully validated when first read through {@link StateStore.get}.
 */
export function indexState(
  text: string,
  fileLabel: string,
): { live: Map<JobId, LiveEntry>; lines: number; warnings: Diagnostic[]; tornTailAt?: number } {
  const live = new Map<JobId, LiveEntry>();
  const warnings: Diagnostic[] = [];
  let lines = 0;
  let bad = 0;
  let start = 0;
  let lineNo = 0;
  let tornTailAt: number | undefined;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const isLast = end + 1 >= text.length;
    start = end + 1;
    lineNo++;
    if (line.length === 0) continue;
    let id: string | undefined;
    if (line.startsWith(ID_KEY, line.indexOf(',') + 1) && (!isLast || parseLine(line))) id = readId(line);
    if (id === undefined) {
      if (isLast) tornTailAt = start - line.length - 1;
      if (++bad <= 3) warnings.push(damaged(fileLabel, lineNo));
      continue;
    }
    lines++;
    live.set(id as JobId, line);
  }
  if (bad > 3) warnings.push(warning('WF3007', `${fileLabel}: ${bad - 3} more damaged state records skipped`));
  return { live, lines, warnings, ...(tornTailAt !== undefined ? { tornTailAt } : {}) };
}

/**
 * Open (read, do not create) `ROOT/.wf/state.jsonl`. Throws only on I/O
 * errors other than a missing file. Loading indexes lines without parsing
 * them (100,000 records: ~100 ms, see test/unit/executor/state-store.test.ts).
 */
export function openStateStore(root: string): StateStore {
  const dir = join(root, STATE_DIR);
  const file = join(dir, STATE_FILE);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const label = `${STATE_DIR}/${STATE_FILE}`;
  const { live, lines, warnings, tornTailAt } = indexState(text, label);
  // A torn last line is cut off before the first append (byte offset of its start);
  // a valid last line without its newline just gets one.
  const repair = tornTailAt !== undefined ? { truncateTo: Buffer.byteLength(text.slice(0, tornTailAt)) } : text.length > 0 && !text.endsWith('\n') ? 'newline' : undefined;
  return new FileStateStore(dir, file, label, live, lines, repair, warnings);
}

class FileStateStore implements StateStore {
  readonly #warnings: Diagnostic[];
  readonly #dir: string;
  readonly #file: string;
  readonly #label: string;
  readonly #live: Map<JobId, LiveEntry>;
  #lines: number;
  #repair: { truncateTo: number } | 'newline' | undefined;
  /** Damaged lines were skipped at load: the next compaction drops them. */
  #damaged: boolean;
  #fd: number | undefined;

  constructor(dir: string, file: string, label: string, live: Map<JobId, LiveEntry>, lines: number, repair: { truncateTo: number } | 'newline' | undefined, warnings: Diagnostic[]) {
    this.#dir = dir;
    this.#file = file;
    this.#label = label;
    this.#live = live;
    this.#lines = lines;
    this.#repair = repair;
    this.#damaged = warnings.length > 0;
    this.#warnings = warnings;
  }

  takeWarnings(): Diagnostic[] {
    return this.#warnings.splice(0);
  }

  get(id: JobId): StateRecord | undefined {
    const entry = this.#live.get(id);
    if (typeof entry !== 'string') return entry;
    const rec = parseLine(entry);
    if (!rec || rec.id !== id) {
      this.#warnings.push(damaged(this.#label, 0));
      this.#live.delete(id);
      return undefined;
    }
    return rec;
  }

  *live(): IterableIterator<StateRecord> {
    for (const id of [...this.#live.keys()]) {
      const rec = this.get(id);
      if (rec) yield rec;
    }
  }

  append(record: StateRecord): void {
    if (this.#fd === undefined) {
      mkdirSync(this.#dir, { recursive: true });
      if (typeof this.#repair === 'object') truncateSync(this.#file, this.#repair.truncateTo);
      this.#fd = openSync(this.#file, 'a');
    }
    const prefix = this.#repair === 'newline' ? '\n' : '';
    this.#repair = undefined;
    writeSync(this.#fd, `${prefix}${JSON.stringify(record)}\n`);
    this.#live.set(record.id, record);
    this.#lines++;
  }

  flush(): void {
    if (this.#fd !== undefined) fsyncSync(this.#fd);
  }

  compactIfNeeded(): boolean {
    if (this.#lines <= 2 * this.#live.size + 1000 && !this.#damaged) return false;
    this.#damaged = false;
    if (this.#fd === undefined && !existsSync(this.#file)) return false;
    const tmp = `${this.#file}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
      const parts: string[] = [];
      for (const entry of this.#live.values()) parts.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
      writeSync(fd, parts.join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (this.#fd !== undefined) closeSync(this.#fd);
    renameSync(tmp, this.#file);
    this.#repair = undefined; // the rewritten file holds no torn tail
    this.#fd = openSync(this.#file, 'a');
    this.#lines = this.#live.size;
    return true;
  }

  close(): void {
    if (this.#fd === undefined) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** An in-memory {@link StateStore} (tests, dry tools). `appended` lists every record in order. */
export function createMemoryStateStore(initial: readonly StateRecord[] = []): StateStore & { readonly appended: StateRecord[] } {
  const live = new Map<JobId, StateRecord>();
  for (const r of initial) live.set(r.id, r);
  const appended: StateRecord[] = [];
  return {
    appended,
    takeWarnings: () => [],
    get: (id) => live.get(id),
    live: () => live.values(),
    append(record) {
      appended.push(record);
      live.set(record.id, record);
    },
    flush() {},
    compactIfNeeded: () => false,
    close() {},
  };
}
