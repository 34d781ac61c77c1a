/**
 * Comparing many recorded stamps with the disk on two cores (STYLE §7): the
 * up-to-date snapshot check (`uptodate.ts`) stats every file a no-op verdict
 * rested on, 80,000 at N=20,000, and a `stat` here costs 4–6 µs of system
 * time, the syscall itself (Python's `os.stat` is no faster). One thread
 * cannot go below that floor; a worker thread that stats part of the list
 * while the main thread globs and stats the rest halves it. Below
 * {@link WORKER_MIN_FILES} files the worker's start-up (~20–40 ms) would cost
 * more than it saves, and everything is stat'ed on the main thread.
 */
import { Worker } from 'node:worker_threads';

/** Recorded stamps as columns: root-relative paths, mtime ns as text (null: absent), sizes in bytes. */
export interface RecordedStamps {
  readonly paths: readonly string[];
  readonly mtimes: readonly (string | null)[];
  readonly sizes: readonly number[];
}

/** A file whose stamp differs from its record: its index in the scanned list, and its stamp now (null: absent). */
export interface StampChange {
  readonly index: number;
  readonly stamp: { readonly mtimeNs: string; readonly size: number } | null;
}

/** Fewest files for which a worker thread is started. */
export const WORKER_MIN_FILES = 16_384;

/** The worker: CommonJS evaluated from this string, so the bundle needs no second entry point. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const { prefix, paths, mtimes, sizes, offset } = workerData;
const out = [];
try {
  for (let i = 0; i < paths.length; i++) {
    const st = statSync(prefix + paths[i], { bigint: true, throwIfNoEntry: false });
    if (st === undefined) {
      if (mtimes[i] !== null) out.push({ index: offset + i, stamp: null });
      continue;
    }
    const mtimeNs = st.mtimeNs.toString();
    const size = Number(st.size);
    if (mtimeNs !== mtimes[i] || size !== sizes[i]) out.push({ index: offset + i, stamp: { mtimeNs, size } });
  }
  parentPort.postMessage({ ok: true, changes: out });
} catch (e) {
  parentPort.postMessage({ ok: false, error: String(e) });
}
`;

/** A scan running in a worker thread; {@link cancel} stops it when its answer is no longer needed. */
export interface StampScan {
  /** Changes in ascending index order; rejects on an I/O error other than a missing file. */
  readonly changes: Promise<readonly StampChange[]>;
  cancel(): void;
}

/**
 * Start comparing files `from..` of `files` with the disk in a worker thread
 * (`prefix`: the absolute root with a trailing `/`). The caller compares
 * files `..from` itself in the meantime.
 */
export function scanInWorker(prefix: string, files: RecordedStamps, from: number): StampScan {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { prefix, offset: from, paths: files.paths.slice(from), mtimes: files.mtimes.slice(from), sizes: files.sizes.slice(from) },
  });
  const changes = new Promise<readonly StampChange[]>((resolve, reject) => {
    worker.once('message', (m: { ok: true; changes: StampChange[] } | { ok: false; error: string }) => {
      void worker.terminate();
      if (m.ok) resolve(m.changes);
      else reject(new Error(m.error));
    });
    worker.once('error', reject);
  });
  changes.catch(() => undefined); // a cancelled scan's rejection is nobody's business
  return { changes, cancel: () => void worker.terminate() };
}
