/**
 * The planner's port to the file system (STYLE §1: the planner touches files
 * only through it), and its Node implementation on fast-glob.
 *
 * Planning only reads: it globs source patterns, asks whether files exist and
 * reads FITS headers. It never writes. The Node implementation memoizes every
 * answer, so each glob pattern is expanded once and each path stat'ed at most
 * once per plan (STYLE §7); fast-glob is loaded only for patterns a directory
 * listing cannot answer.
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/**
 * Read-only view of the workflow directory. Every path is relative to the
 * workflow root with `/` separators and no leading `./`.
 */
export interface FileSystem {
  /**
   * Files (not directories; symbolic links followed; dot files included)
   * matching a fast-glob pattern, relative to the root, in byte order.
   * Literal glob characters in the pattern are escaped with `\`.
   */
  glob(pattern: string): Promise<readonly string[]>;
  /** Whether a file or directory exists at the path (following links). */
  exists(relPath: string): boolean;
  /**
   * The first `maxBytes` bytes of a file (fewer when the file is shorter),
   * or undefined when it cannot be read.
   */
  readHead(relPath: string, maxBytes: number): Uint8Array | undefined;
}

/** What planning and freshness need of a `stat` (links followed): file or not, and the stamp (mtime ns as text, size bytes). */
export interface PathStat {
  readonly isFile: boolean;
  readonly mtimeNs: string;
  readonly size: number;
}

/** Stat of a root-relative path, undefined when missing. */
export type StatOf = (relPath: string) => PathStat | undefined;

/** {@link PathStat} of an absolute path, undefined when it does not exist (no exception is built for that). */
export function statPath(absPath: string): PathStat | undefined {
  const st = statSync(absPath, { bigint: true, throwIfNoEntry: false });
  return st ? { isFile: st.isFile(), mtimeNs: st.mtimeNs.toString(), size: Number(st.size) } : undefined;
}

/**
 * A {@link StatOf} for paths under `root` (absolute) that keeps every answer
 * in `memo` (root-relative path → stats, undefined = missing), so that whoever
 * holds `memo` afterwards (the executor's stamp cache) stats nothing twice.
 * Each stamp is read with the `stat` that finds the file: a run that records
 * stamps must read them before its jobs run.
 */
export function memoizedStat(root: string, memo: Map<string, PathStat | undefined>): StatOf {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return (rel) => {
    if (memo.has(rel)) return memo.get(rel);
    const st = statPath(prefix + rel);
    memo.set(rel, st);
    return st;
  };
}

/**
 * A {@link StatOf} for paths under `root` (absolute) that keeps nothing and
 * reads a file's stamp only when asked: a plain stat tells file or not, and
 * the first read of `mtimeNs` or `size` takes one `bigint` stat. `wf run -n`
 * uses it on a tree with no run history, where planning asks only whether
 * each candidate source is a file: a dry run of a clean tree reads no
 * source's stamp, and whoever later needs one (the executor's stamp cache)
 * stats the file itself. A plain stat costs less than a `bigint` one (a
 * `BigIntStats` of `bigint` fields, the stamp turned to text), and keeping
 * 20,000 answers costs the garbage collector more than the stats (each kept
 * answer is copied as the heap grows): discovery at N=20,000 (20,000 source
 * checks) took a median 112 ms against 128 ms when memoized, in 6
 * alternations (docs/performance.md).
 */
export function laterStat(root: string): StatOf {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return (rel) => statLater(prefix + rel);
}

/** A {@link PathStat} whose stamp is read when first asked: the answers of {@link laterStat}. */
class LaterStamp implements PathStat {
  readonly #absPath: string;
  /** From the first (plain) stat: what the stamp falls back to if the file is gone when it is read. */
  readonly #mtimeMs: number;
  readonly #size: number;
  #stamp: { readonly mtimeNs: string; readonly size: number } | undefined;

  constructor(absPath: string, readonly isFile: boolean, mtimeMs: number, size: number) {
    this.#absPath = absPath;
    this.#mtimeMs = mtimeMs;
    this.#size = size;
  }

  get mtimeNs(): string {
    return this.#read().mtimeNs;
  }
  get size(): number {
    return this.#read().size;
  }

  /** One `bigint` stat, kept; a file gone meanwhile (or under a parent that became a file) keeps the first stat's values, its mtime to the microsecond. */
  #read(): { readonly mtimeNs: string; readonly size: number } {
    if (this.#stamp === undefined) {
      let st: PathStat | undefined;
      try {
        st = statPath(this.#absPath);
      } catch {
        st = undefined;
      }
      this.#stamp = st ?? { mtimeNs: String(BigInt(Math.round(this.#mtimeMs * 1000)) * 1000n), size: this.#size };
    }
    return this.#stamp;
  }
}

/** {@link PathStat} of an absolute path by a plain (not `bigint`) stat, its stamp read later; undefined when missing. */
function statLater(absPath: string): PathStat | undefined {
  const st = statSync(absPath, { throwIfNoEntry: false });
  return st ? new LaterStamp(absPath, st.isFile(), st.mtimeMs, st.size) : undefined;
}

/**
 * A {@link FileSystem} over the real disk, rooted at `root` (absolute).
 * Memoizes globs and existence checks for its lifetime: create one per plan.
 * A file found by a glob counts as existing without another stat.
 * `statOf` (default: {@link statPath}, unmemoized) lets a caller share its
 * own stat memo ({@link memoizedStat}) with the globs' candidate checks, or
 * check candidates without reading stamps ({@link laterStat}).
 */
export function createNodeFileSystem(root: string, statOf: StatOf = (rel) => statPath(join(root, rel))): FileSystem {
  const globs = new Map<string, Promise<readonly string[]>>();
  const known = new Map<string, boolean>();
  // Glob hits not yet entered in `known`: entered on the first existence check (most plans make none).
  let unentered: (readonly string[])[] | undefined = [];
  return {
    glob(pattern: string): Promise<readonly string[]> {
      let hits = globs.get(pattern);
      if (!hits) {
        hits = globFiles(root, pattern, statOf).then((paths) => {
          paths.sort(byteOrder);
          if (unentered) unentered.push(paths);
          else for (const p of paths) known.set(p, true);
          return paths;
        });
        globs.set(pattern, hits);
      }
      return hits;
    },
    exists(relPath: string): boolean {
      if (unentered) {
        for (const paths of unentered) for (const p of paths) known.set(p, true);
        unentered = undefined;
      }
      let hit = known.get(relPath);
      if (hit === undefined) {
        hit = statSync(join(root, relPath), { throwIfNoEntry: false }) !== undefined;
        known.set(relPath, hit);
      }
      return hit;
    },
    readHead(relPath: string, maxBytes: number): Uint8Array | undefined {
      let fd: number | undefined;
      try {
        fd = openSync(join(root, relPath), 'r');
        const buf = new Uint8Array(maxBytes);
        let filled = 0;
        while (filled < maxBytes) {
          const n = readSync(fd, buf, filled, maxBytes - filled, filled);
          if (n === 0) break;
          filled += n;
        }
        return buf.subarray(0, filled);
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}

/** True when a glob segment holds an unescaped glob character. */
function isDynamic(segment: string): boolean {
  return /(^|[^\\])[*?[\]{}()!@+|]/.test(segment);
}

/**
 * Expand a glob with fast-glob. A literal tail after the last dynamic
 * segment (`raw/*` + `/telem.dat`) is not walked: the matching directories
 * are listed (by fast-glob, or by one `readdir` when the only dynamic segment
 * is a bare `*`) and one `stat` per candidate checks the tail. With
 * 100,000 observation directories this replaces 100,000 `readdir` calls by
 * 100,000 `stat` calls, about twice as fast; the result is the same set.
 *
 * fast-glob's synchronous walker is used: planning has nothing else to do
 * meanwhile, and its asynchronous walker waits on the thread pool for every
 * directory (`raw/{obs}/{chip}.dat` over 16,000 directories: 2.1–2.5 s against
 * 0.6 s, docs/performance.md).
 */
async function globFiles(root: string, pattern: string, statOf: StatOf): Promise<string[]> {
  const options = { cwd: root, dot: true, followSymbolicLinks: true, unique: true };
  const segments = pattern.split('/');
  let last = segments.length - 1;
  while (last >= 0 && !isDynamic(segments[last]!)) last -= 1;
  // fast-glob is loaded only for the shapes a plain listing cannot answer (~10 ms of start-up saved).
  const fg = async () => (await import('fast-glob')).default;
  if (last < 0 || last === segments.length - 1 || segments.slice(last).includes('**')) {
    return (await fg()).sync(pattern, { ...options, onlyFiles: true });
  }
  const tail = segments.slice(last + 1).join('/').replace(/\\(.)/g, '$1');
  const dirs = segments.slice(0, last).some(isDynamic) || segments[last] !== '*'
    ? (await fg()).sync(segments.slice(0, last + 1).join('/'), { ...options, onlyDirectories: true })
    : listDirectories(root, segments.slice(0, last).join('/').replace(/\\(.)/g, '$1'));
  const files: string[] = [];
  for (const dir of dirs) {
    const rel = `${dir}/${tail}`;
    if (statOf(rel)?.isFile) files.push(rel);
  }
  return files;
}

/**
 * `prefix/*` with `onlyDirectories`, dot entries included, links followed:
 * a single `readdir` (fast-glob's walker costs ~4x more on 100,000 entries).
 */
function listDirectories(root: string, prefix: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const e of entries) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory() || (e.isSymbolicLink() && statSync(join(root, rel), { throwIfNoEntry: false })?.isDirectory())) dirs.push(rel);
  }
  return dirs;
}

/** Byte-order comparison of strings (plain `<`, never localeCompare): the order of gathers and lists. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What a plan read from the file system, in the order first asked: each glob
 * pattern with its hits (byte order), each existence check with its answer,
 * and each file whose head was read. Enough to tell later, without planning,
 * whether planning would see the same directory (`store/uptodate.ts`).
 */
export interface FsObservations {
  readonly globs: Map<string, readonly string[]>;
  readonly exists: Map<string, boolean>;
  readonly heads: Set<string>;
}

/** Wrap `inner` so that every answer it gives is also recorded in the returned {@link FsObservations}. */
export function recordingFileSystem(inner: FileSystem): { fs: FileSystem; observed: FsObservations } {
  const observed: FsObservations = { globs: new Map(), exists: new Map(), heads: new Set() };
  return {
    observed,
    fs: {
      async glob(pattern) {
        const hits = await inner.glob(pattern);
        observed.globs.set(pattern, hits);
        return hits;
      },
      exists(relPath) {
        const hit = inner.exists(relPath);
        observed.exists.set(relPath, hit);
        return hit;
      },
      readHead(relPath, maxBytes) {
        observed.heads.add(relPath);
        return inner.readHead(relPath, maxBytes);
      },
    },
  };
}
