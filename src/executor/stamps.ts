/**
 * File stamps and content hashes, memoized for one run (STYLE §7: each path
 * is stat'ed at most once per run; each file content is hashed at most once
 * per stamp). Owns no policy: freshness decides when to ask for a hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { asContentHash, type ContentHash, type RelPath } from '../ir/ids.js';

/**
 * A file stamp (spec §6 "Up to date"): modification time in nanoseconds
 * (the decimal text of `statSync(p, { bigint: true }).mtimeNs`) and size in bytes.
 */
export interface Stamp {
  readonly mtimeNs: string;
  readonly size: number;
}

/** True when two stamps are equal. */
export function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.mtimeNs === b.mtimeNs && a.size === b.size;
}

/** Compare two `mtimeNs` strings numerically: negative when `a` is older. */
export function compareMtime(a: string, b: string): number {
  // Same-length decimal strings compare like numbers; avoid BigInt on the hot path.
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Files up to this size (bytes) are hashed in one synchronous read; larger ones are streamed. */
const SMALL_FILE_BYTES = 1 << 20;

/**
 * SHA-256 of a file of `size` bytes: read at once when small, else streamed
 * (large data products never sit in memory). Rejects on I/O errors.
 */
export function hashFile(absPath: string, size = Infinity): Promise<ContentHash> {
  if (size <= SMALL_FILE_BYTES) {
    try {
      return Promise.resolve(asContentHash(createHash('sha256').update(readFileSync(absPath)).digest('hex')));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    const s = createReadStream(absPath);
    s.on('data', (chunk) => h.update(chunk));
    s.on('error', reject);
    s.on('end', () => resolve(asContentHash(h.digest('hex'))));
  });
}

/** A hash known for a path at a given stamp (from state records or computed this run). */
export interface KnownHash {
  readonly stamp: Stamp;
  readonly sha256: ContentHash;
}

/**
 * Per-run memo of stamps and hashes for paths relative to `root`. Mutable:
 * the executor calls {@link StampCache.forget} after removing a file and
 * {@link StampCache.restat} after a job wrote it.
 */
export class StampCache {
  readonly #root: string;
  readonly #stamps = new Map<string, Stamp | null>();
  readonly #hashes = new Map<string, KnownHash>();
  readonly #pending = new Map<string, Promise<ContentHash>>();
  /** Directories this run made (or found). */
  readonly #dirs = new Set<string>();
  /** Directories being made in the background ({@link makeDirSoon}). */
  readonly #making = new Map<string, Promise<void>>();
  readonly #recorded: ((path: string) => KnownHash | undefined) | undefined;
  /** Stamps known before the run (taken while planning): undefined = not known. */
  readonly #prior: ((path: string) => Stamp | null | undefined) | undefined;
  /** While scanning: top-level directories already checked for existence (undefined once the scan ends). */
  #checkedTops: Set<string> | undefined = new Set();
  /** While scanning: `TOP/` of every top-level directory found missing (every path under it is missing). */
  #missingPrefixes: string[] = [];
  /** Count of `stat` calls made (for tests of the memo). */
  statCalls = 0;
  /** Count of files hashed (for tests of "never hash when stamps match"). */
  hashCalls = 0;

  /**
   * @param root absolute workflow root.
   * @param recorded the hash recorded in state for a path, if any, asked on
   *   a memo miss: a file whose stamp matches it is never re-hashed.
   * @param prior stamps known before the run (see `ExecOptions.priorStamps`): undefined = not known.
   */
  constructor(root: string, recorded?: (path: string) => KnownHash | undefined, prior?: (path: string) => Stamp | null | undefined) {
    this.#root = root;
    this.#recorded = recorded;
    this.#prior = prior;
  }

  /**
   * End of the freshness scan: from now on jobs create files and directories,
   * so a missing top-level directory no longer implies missing paths under it.
   */
  endScan(): void {
    this.#checkedTops = undefined;
    this.#missingPrefixes = [];
  }

  /** Absolute path of a root-relative path. */
  abs(path: RelPath | string): string {
    return join(this.#root, path);
  }

  /**
   * The stamp of `path`, or null when it does not exist (memoized; ENOENT/ENOTDIR → null).
   * While scanning, a path under a top-level directory found missing is
   * answered from that directory alone and not memoized (a clean tree: one
   * stat of `L1` answers for every path under it, make's directory cache in
   * small); after the scan, such a path is stat'ed when first asked.
   */
  stat(path: RelPath | string): Stamp | null {
    const prefixes = this.#missingPrefixes;
    for (let i = 0; i < prefixes.length; i += 1) if (path.startsWith(prefixes[i]!)) return null;
    const hit = this.#stamps.get(path);
    if (hit !== undefined) return hit;
    const known = this.#prior?.(path);
    if (known !== undefined) {
      this.#stamps.set(path, known);
      return known;
    }
    const stamp = this.restat(path);
    const checked = this.#checkedTops;
    if (stamp === null && checked !== undefined) {
      const slash = path.indexOf('/');
      const top = slash > 0 ? path.slice(0, slash) : undefined;
      if (top !== undefined && !checked.has(top)) {
        checked.add(top);
        if (statSync(this.abs(top), { throwIfNoEntry: false }) === undefined) prefixes.push(`${top}/`);
      }
    }
    return stamp;
  }

  /** Stat `path` again (after a job wrote it) and memoize the result. */
  restat(path: RelPath | string): Stamp | null {
    this.statCalls++;
    let stamp: Stamp | null = null;
    try {
      // throwIfNoEntry: a missing file is the common case of a clean tree, and exceptions are costly.
      const st = statSync(this.abs(path), { bigint: true, throwIfNoEntry: false });
      if (st) stamp = { mtimeNs: st.mtimeNs.toString(), size: Number(st.size) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    this.#stamps.set(path, stamp);
    return stamp;
  }

  /** Create directory `absDir` (recursive) unless this run already did; wf never removes directories. */
  ensureDir(absDir: string): void {
    if (this.#dirs.has(absDir)) return;
    mkdirSync(absDir, { recursive: true });
    this.#dirs.add(absDir);
  }

  /**
   * Start creating directory `absDir` (recursive) in the background unless
   * it was made or is being made; once made, {@link ensureDir} skips it. A
   * failure is left to {@link ensureDir}, which tries again and reports it
   * (so does a call made before the background one is over: creating a
   * directory twice is harmless).
   */
  makeDirSoon(absDir: string): void {
    if (this.#dirs.has(absDir) || this.#making.has(absDir)) return;
    const done = (): void => void this.#making.delete(absDir);
    this.#making.set(
      absDir,
      mkdir(absDir, { recursive: true }).then(() => {
        this.#dirs.add(absDir);
        done();
      }, done),
    );
  }

  /** Record that `path` no longer exists (the executor removed it). */
  forget(path: RelPath | string): void {
    this.#stamps.set(path, null);
  }

  /** Learn a recorded hash (e.g. from the job's previous record), used when the file's stamp still matches it. */
  remember(path: string, known: KnownHash): void {
    if (!this.#hashes.has(path)) this.#hashes.set(path, known);
  }

  /**
   * SHA-256 of `path` at its current stamp: reused when known for that exact
   * stamp (this run, or recorded in state), else streamed once. Rejects when
   * the file is missing or unreadable.
   */
  async hash(path: RelPath | string): Promise<ContentHash> {
    const stamp = this.stat(path);
    if (stamp === null) throw new Error(`internal error: hashing missing file ${path}`);
    const known = this.#hashes.get(path) ?? this.#recorded?.(path);
    if (known && sameStamp(known.stamp, stamp)) return known.sha256;
    const key = `${path}\0${stamp.mtimeNs}\0${stamp.size}`;
    const pending = this.#pending.get(key);
    if (pending) return pending;
    this.hashCalls++;
    const p = hashFile(this.abs(path), stamp.size).then((sha256) => {
      this.#hashes.set(path, { stamp, sha256 });
      this.#pending.delete(key);
      return sha256;
    });
    this.#pending.set(key, p);
    return p;
  }
}
