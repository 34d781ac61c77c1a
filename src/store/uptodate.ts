/**
 * The up-to-date snapshot: wf's answer to ninja's near-free no-op. When a run
 * leaves every planned job up to date, it stores what that verdict rested on:
 *
 * - a key: the wf version, the workflow files' stamps, the targets, `--where`,
 *   the merged config and the rerun triggers (everything but the disk that
 *   planning and the freshness decision depend on);
 * - what planning read from the disk (`FsObservations`): every glob pattern
 *   with a digest of its hits, every existence check, every file whose header
 *   was read;
 * - the stamp (mtime ns, size) of every input, output and header file, or its
 *   absence (a deleted `temp` output).
 *
 * The next run with the same key re-runs the globs and stats those files
 * (no parsing, planning, state loading or record comparison). If every answer
 * is the same, planning would build the same jobs and the freshness scan would
 * compare the same records against the same stamps (spec §6 "Up to date"), so
 * the verdict is again "nothing to do". Any difference, or no snapshot, means
 * the full path. If only stamps differ, the snapshot's own copy of the plan
 * (`uptodate-plan.ts`) tells which jobs the changed files can affect.
 *
 * Storage (schema 4): the snapshot proper is the `uptodate_base` row, its plan
 * the `uptodate_plan` row, and the small `uptodate` row says it is valid and
 * lists the stamps that changed since the base was written (a touch-one run
 * rewrites only that list, not 80,000 stamps). The `uptodate` row is deleted
 * in the first transaction of any run that writes state (`state.ts`), so a
 * snapshot never describes state that has moved on.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LevelCount } from '../executor/events.js';
import type { Plan } from '../ir/plan.js';
import type { Stamp } from '../executor/stamps.js';
import { createNodeFileSystem, memoizedStat, statPath, type FsObservations, type PathStat } from '../planner/fs.js';
import { openDb, type Db } from './db.js';
import { scanInWorker, WORKER_MIN_FILES, type StampChange } from './stamp-scan.js';
import { encodePlan, type SnapshotPlan } from './uptodate-plan.js';

/** The stored snapshot (JSON in the `uptodate_base` table; its plan is in `uptodate_plan`). */
export interface UpToDateSnapshot {
  /** Random id of this base: a list of changes applies only to the base it was made against. */
  readonly id: string;
  /** {@link snapshotKey} of the run that wrote it. */
  readonly key: string;
  /** Planned jobs, all up to date. */
  readonly jobs: number;
  /** Per-level counts for the run report (`toRun` all 0). */
  readonly byLevel: readonly LevelCount[];
  /** `[pattern, digest of its hits]`, in the order planning asked. */
  readonly globs: readonly (readonly [string, string])[];
  /** `[path, exists]` of every existence check. */
  readonly exists: readonly (readonly [string, boolean])[];
  /** Files whose header planning read (`header()` in a `when`): a change there may change the plan. */
  readonly heads: readonly string[];
  /**
   * Every file the verdict rested on (sources first, then each job's inputs
   * and outputs in plan order, then header files), root-relative, with its
   * stamp: `mtimes[i]` (ns as text, null = absent) and `sizes[i]` (bytes, 0
   * when absent). Columns rather than tuples: parsed in half the time.
   */
  readonly paths: readonly string[];
  readonly mtimes: readonly (string | null)[];
  readonly sizes: readonly number[];
}

/** A stamp change against the base: `[file index, mtimeNs or null when absent, size]`. */
type StampDelta = readonly [index: number, mtimeNs: string | null, size: number];

/** The `uptodate` row: the snapshot is valid; `delta` lists the stamps changed since base `base` was written. */
interface SnapshotMarker {
  readonly base: string;
  readonly delta: readonly StampDelta[];
}

/**
 * A snapshot to store: `full` writes the base, its plan and a marker;
 * `delta` only the marker (the base and plan rows stay as they are).
 */
export type SnapshotRows =
  | { readonly kind: 'full'; readonly snapshot: UpToDateSnapshot; readonly plan: SnapshotPlan | string }
  | { readonly kind: 'delta'; readonly marker: SnapshotMarker };

/**
 * The outcome of {@link checkSnapshot}:
 * - `none`: no snapshot, or planning might differ (key, globs, existence checks, headers);
 * - `valid`: nothing changed, the run has nothing to do;
 * - `changed`: the plan is the same and only the stamps of `changed` differ
 *   (`changedFiles`: their indices in `snapshot.paths`, ascending);
 *   `stampAt` gives the current stamp of the snapshot file at an index (null: absent),
 *   `stampOf` that of a snapshot path (undefined: not a snapshot path).
 *   `snapshot` holds the stamps as they were recorded (base and delta applied),
 *   `base` the base's own, against which {@link refreshSnapshot} makes its delta.
 */
export type SnapshotCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'valid'; readonly snapshot: UpToDateSnapshot }
  | {
      readonly kind: 'changed';
      readonly snapshot: UpToDateSnapshot;
      readonly base: { readonly mtimes: readonly (string | null)[]; readonly sizes: readonly number[] };
      readonly plan: SnapshotPlan;
      /** The plan's row as read (kept when the base is rewritten by {@link refreshSnapshot}). */
      readonly planText: string;
      readonly changed: ReadonlySet<string>;
      readonly changedFiles: readonly number[];
      readonly stampAt: (file: number) => Stamp | null;
      readonly stampOf: (path: string) => Stamp | null | undefined;
    };

/** What {@link snapshotKey} digests; `workflowFiles` are absolute paths, digested with their stamps. */
export interface SnapshotKeyParts {
  readonly wfVersion: string;
  readonly root: string;
  readonly workflowFiles: readonly string[];
  readonly targets: readonly string[];
  readonly where: unknown;
  readonly config: unknown;
  readonly triggers: readonly string[];
}

/** Stamp of a path as `[mtimeNs, size]`, or `[null, 0]` when it does not exist. */
function stampOf(abs: string): readonly [string | null, number] {
  const st = statPath(abs);
  return st ? [st.mtimeNs, st.size] : [null, 0];
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Share of the snapshot's files the main thread stats when a worker takes the rest: the main
 * thread starts at once (the sources, by the globs) while the worker first boots. Measured best
 * of 0.45–0.6 on the no-op at N=20,000 (differences within this machine's noise).
 */
const MAIN_SHARE = 0.45;

/** Version of the snapshot's shape: part of the key, so a snapshot of another shape never matches. */
const FORMAT = 5;

/** The snapshot key: SHA-256 of the parts and {@link FORMAT}, the workflow files by their stamps. */
export function snapshotKey(parts: SnapshotKeyParts): string {
  const files = parts.workflowFiles.map((f) => [f, ...stampOf(f)]);
  return digest(JSON.stringify({ format: FORMAT, ...parts, workflowFiles: files }));
}

/** Digest of a glob's hits (byte order, as the planner returns them). */
function hitsDigest(hits: readonly string[]): string {
  return digest(hits.join('\0'));
}

/**
 * Build the snapshot of a run that left every job of `plan` up to date.
 * `stampOfPath` gives the stamp the run knows for a root-relative path (its
 * memo, so the snapshot holds exactly the stamps the records hold). Files
 * are listed sources first, then every input and output, then header files.
 */
export function buildSnapshot(
  key: string,
  plan: Plan,
  byLevel: readonly LevelCount[],
  observed: FsObservations,
  stampOfPath: (path: string) => Stamp | null,
): SnapshotRows {
  // Sources first: they are stat'ed by the globs anyway, so a changed source is found before any other stat.
  const all = new Set<string>();
  for (const hits of observed.globs.values()) for (const h of hits) all.add(h);
  for (const job of plan.jobs) {
    for (const p of job.inputPaths) all.add(p);
    for (const p of job.outputPaths) all.add(p);
  }
  for (const h of observed.heads) all.add(h);
  const paths: string[] = [];
  const mtimes: (string | null)[] = [];
  const sizes: number[] = [];
  const index = new Map<string, number>();
  for (const p of all) {
    const s = stampOfPath(p);
    index.set(p, paths.length);
    paths.push(p);
    mtimes.push(s ? s.mtimeNs : null);
    sizes.push(s ? s.size : 0);
  }
  const snapshot: UpToDateSnapshot = {
    id: randomUUID(),
    key,
    jobs: plan.jobs.length,
    byLevel: byLevel.map((l) => ({ ...l, toRun: 0, upToDate: l.upToDate + l.toRun })),
    globs: [...observed.globs].map(([pattern, hits]) => [pattern, hitsDigest(hits)] as const),
    exists: [...observed.exists],
    heads: [...observed.heads],
    paths,
    mtimes,
    sizes,
  };
  return { kind: 'full', snapshot, plan: encodePlan(plan, (p) => index.get(p)!) };
}

/** Most changes kept as a delta before the base is rewritten: 1/64 of the files, at least 256. */
function maxDelta(files: number): number {
  return Math.max(256, files >> 6);
}

/**
 * The snapshot after a run of a partial plan (`uptodate-plan.ts`) left every
 * job up to date: the same plan and observations; the stamps of the files
 * the run could change (`touched`: indices of the changed files and of those
 * its jobs read or write) as `stampOfPath` now knows them (the run's memo),
 * every other one as recorded. Stored as the changes against the base while
 * they are few ({@link maxDelta}), else as a new base. O(files + touched).
 */
export function refreshSnapshot(
  check: Extract<SnapshotCheck, { kind: 'changed' }>,
  stampOfPath: (path: string) => Stamp | null,
  touched: Iterable<number>,
): SnapshotRows {
  const { snapshot, base } = check;
  const mtimes = [...snapshot.mtimes];
  const sizes = [...snapshot.sizes];
  for (const i of touched) {
    const s = stampOfPath(snapshot.paths[i]!);
    mtimes[i] = s ? s.mtimeNs : null;
    sizes[i] = s ? s.size : 0;
  }
  const delta: StampDelta[] = [];
  for (let i = 0; i < mtimes.length; i++) if (mtimes[i] !== base.mtimes[i] || sizes[i] !== base.sizes[i]) delta.push([i, mtimes[i]!, sizes[i]!]);
  if (delta.length <= maxDelta(mtimes.length)) return { kind: 'delta', marker: { base: snapshot.id, delta } };
  return { kind: 'full', snapshot: { ...snapshot, id: randomUUID(), mtimes, sizes }, plan: check.planText };
}

/**
 * Store the snapshot of `root` in its run database, if there is one: a full
 * one replaces base, plan and marker; a delta replaces the marker only.
 * Errors are ignored: the snapshot is an optimisation only.
 */
export function writeSnapshot(root: string, rows: SnapshotRows): void {
  try {
    const db = openDb(root, false);
    if (!db) return;
    try {
      const setMarker = db.prepare('INSERT OR REPLACE INTO uptodate (id, data) VALUES (1, ?)');
      if (rows.kind === 'delta') {
        setMarker.run(JSON.stringify(rows.marker));
        return;
      }
      const plan = typeof rows.plan === 'string' ? rows.plan : JSON.stringify(rows.plan);
      db.transaction(() => {
        db.prepare('INSERT OR REPLACE INTO uptodate_base (id, data) VALUES (1, ?)').run(JSON.stringify(rows.snapshot));
        db.prepare('INSERT OR REPLACE INTO uptodate_plan (id, data) VALUES (1, ?)').run(plan);
        setMarker.run(JSON.stringify({ base: rows.snapshot.id, delta: [] } satisfies SnapshotMarker));
      })();
    } finally {
      db.close();
    }
  } catch {
    // A later run takes the full path.
  }
}

/**
 * Check the snapshot of `root` against the disk: same `key`, every glob with
 * the same hits, every existence check with the same answer, then every
 * file's stamp (see {@link SnapshotCheck}). `none` as well when there is no
 * snapshot or the database cannot be read (the caller then plans as usual).
 * The stats of glob candidates and existence checks are left in `stats`
 * (root-relative path → stats, undefined = missing), so that planning, if
 * needed, does not take them again.
 */
export async function checkSnapshot(root: string, key: string, stats: Map<string, PathStat | undefined>): Promise<SnapshotCheck> {
  let db: Db | undefined;
  try {
    db = openDb(root, false);
  } catch {
    return { kind: 'none' };
  }
  if (!db) return { kind: 'none' };
  try {
    return await checkAgainst(db, root, key, stats);
  } finally {
    db.close();
  }
}

/** {@link checkSnapshot} with the database open (one connection for the marker, base and plan rows). */
async function checkAgainst(db: Db, root: string, key: string, stats: Map<string, PathStat | undefined>): Promise<SnapshotCheck> {
  const none = { kind: 'none' } as const;
  let snapshot: UpToDateSnapshot;
  let marker: SnapshotMarker;
  try {
    const markerText = db.prepare('SELECT data FROM uptodate WHERE id = 1').pluck().get() as string | undefined;
    if (markerText === undefined) return none;
    const baseText = db.prepare('SELECT data FROM uptodate_base WHERE id = 1').pluck().get() as string | undefined;
    if (baseText === undefined) return none;
    marker = JSON.parse(markerText) as SnapshotMarker;
    snapshot = JSON.parse(baseText) as UpToDateSnapshot;
  } catch {
    return none;
  }
  if (snapshot.id !== marker.base) return none;
  if (snapshot.key !== key) return none;
  const base = { mtimes: snapshot.mtimes, sizes: snapshot.sizes };
  if (marker.delta.length > 0) {
    const mtimes = [...base.mtimes];
    const sizes = [...base.sizes];
    for (const [i, m, size] of marker.delta) {
      mtimes[i] = m;
      sizes[i] = size;
    }
    snapshot = { ...snapshot, mtimes, sizes };
  }
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const { paths, mtimes, sizes } = snapshot;
  // Sources come first and the globs below stat them: a worker thread takes the tail (stamp-scan.ts).
  const split = paths.length >= WORKER_MIN_FILES ? Math.floor(paths.length * MAIN_SHARE) : paths.length;
  const scan = split < paths.length ? scanInWorker(prefix, snapshot, split) : undefined;
  const statOf = memoizedStat(root, stats);
  const fs = createNodeFileSystem(root, statOf);
  const planningSame = async (): Promise<boolean> => {
    for (const [path, present] of snapshot.exists) if ((statOf(path) !== undefined) !== present) return false;
    for (const [pattern, d] of snapshot.globs) if (hitsDigest(await fs.glob(pattern)) !== d) return false;
    return true;
  };
  if (!(await planningSame())) {
    scan?.cancel();
    return none;
  }
  // Not memoized: a stamp equal to the snapshot's is known from the snapshot.
  const changed = new Map<string, Stamp | null>();
  const changedFiles: number[] = [];
  for (let f = 0; f < split; f++) {
    const path = paths[f]!;
    const st = stats.has(path) ? stats.get(path) : statPath(prefix + path);
    if (st === undefined) {
      if (mtimes[f] !== null) {
        changed.set(path, null);
        changedFiles.push(f);
      }
      continue;
    }
    if (st.mtimeNs !== mtimes[f] || st.size !== sizes[f]) {
      changed.set(path, { mtimeNs: st.mtimeNs, size: st.size });
      changedFiles.push(f);
    }
  }
  // A change is already known (a touched source): read the plan while the worker finishes its part.
  let planText = scan && changed.size > 0 ? readPlanRow(db) : undefined;
  let plan = planText !== undefined ? parsePlan(planText) : undefined;
  if (scan) {
    let tail: readonly StampChange[];
    try {
      tail = await scan.changes;
    } catch {
      return none; // an unreadable file: the full path reports it
    }
    for (const c of tail) {
      changed.set(paths[c.index]!, c.stamp);
      changedFiles.push(c.index);
    }
  }
  if (changed.size === 0) return { kind: 'valid', snapshot };
  if (snapshot.heads.some((h) => changed.has(h))) return none;
  planText ??= readPlanRow(db);
  if (planText === undefined) return none;
  plan ??= parsePlan(planText);
  if (plan === undefined) return none;
  const changedIndices = new Set(changedFiles);
  const stampAt = (f: number): Stamp | null =>
    changedIndices.has(f) ? (changed.get(paths[f]!) ?? null) : mtimes[f] === null ? null : { mtimeNs: mtimes[f]!, size: sizes[f]! };
  let index: Map<string, number> | undefined;
  const stampOf = (path: string): Stamp | null | undefined => {
    const c = changed.get(path);
    if (c !== undefined || changed.has(path)) return c;
    if (!index) {
      index = new Map();
      paths.forEach((p, i) => index!.set(p, i));
    }
    const f = index.get(path);
    return f === undefined ? undefined : stampAt(f);
  };
  return { kind: 'changed', snapshot, base, plan, planText, changed: new Set(changed.keys()), changedFiles, stampAt, stampOf };
}

/** The snapshot's plan from its row's text; undefined when the text is not JSON. */
function parsePlan(text: string): SnapshotPlan | undefined {
  try {
    return JSON.parse(text) as SnapshotPlan;
  } catch {
    return undefined;
  }
}

/** The `uptodate_plan` row's JSON text, or undefined when there is none or it cannot be read. */
function readPlanRow(db: Db): string | undefined {
  try {
    return (db.prepare('SELECT data FROM uptodate_plan WHERE id = 1').pluck().get() as string | undefined) ?? undefined;
  } catch {
    return undefined;
  }
}
