/**
 * File stamps and content hashes, memoized for one run (STYLE §7: each path
 * is stat'ed at most once per run; each file content is hashed at most once
 * per stamp). Owns no policy: freshness decides when to ask for a hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
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
  readonly #dirs = new Set<string>();
  #seed: (() => Iterable<readonly [string, KnownHash]>) | undefined;
  /** Count of `stat` calls made (for tests of the memo). */
  statCalls = 0;
  /** Count of files hashed (for tests of "never hash when stamps match"). */
  hashCalls = 0;

  /**
   * @param root absolute workflow root.
   * @param seed lazily called once, on the first hash request: hashes already
   *   recorded in state, so unchanged files are never re-hashed.
   */
  constructor(root: string, seed?: () => Iterable<readonly [string, KnownHash]>) {
    this.#root = root;
    this.#seed = seed;
  }

  /** Absolute path of a root-relative path. */
  abs(path: RelPath | string): string {
    return join(this.#root, path);
  }

  /** The stamp of `path`, or null when it does not exist (memoized; ENOENT/ENOTDIR → null). */
  stat(path: RelPath | string): Stamp | null {
    const hit = this.#stamps.get(path);
    if (hit !== undefined) return hit;
    return this.restat(path);
  }

  /** Stat `path` again (after a job wrote it) and memoize the result. */
  restat(path: RelPath | string): Stamp | null {
    this.statCalls++;
    let stamp: Stamp | null = null;
    try {
      const st = statSync(this.abs(path), { bigint: true });
      stamp = { mtimeNs: st.mtimeNs.toString(), size: Number(st.size) };
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

  /** Record that `path` no longer exists (the executor removed it). */
  forget(path: RelPath | string): void {
    this.#stamps.set(path, null);
  }

  /**
   * SHA-256 of `path` at its current stamp: reused when known for that exact
   * stamp (this run, or recorded in state), else streamed once. Rejects when
   * the file is missing or unreadable.
   */
  async hash(path: RelPath | string): Promise<ContentHash> {
    const stamp = this.stat(path);
    if (stamp === null) throw new Error(`internal error: hashing missing file ${path}`);
    this.#loadSeed();
    const known = this.#hashes.get(path);
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

  #loadSeed(): void {
    const seed = this.#seed;
    if (!seed) return;
    this.#seed = undefined;
    for (const [path, known] of seed()) {
      const cur = this.#hashes.get(path);
      // Several records may stamp one path (a producer's output, its readers' inputs): the newest is most likely current.
      if (!cur || compareMtime(cur.stamp.mtimeNs, known.stamp.mtimeNs) < 0) this.#hashes.set(path, known);
    }
  }
}
