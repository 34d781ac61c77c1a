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
 * (`uptodate-plan.ts`) tells which jobs the changed files can affect. The row
 * is deleted in the first transaction of any run that writes state
 * (`state.ts`), so it never describes state that has moved on.
 */
import { createHash } from 'node:crypto';
import type { LevelCount } from '../executor/events.js';
import type { Plan } from '../ir/plan.js';
import type { Stamp } from '../executor/stamps.js';
import { createNodeFileSystem, memoizedStat, statPath, type FsObservations, type PathStat } from '../planner/fs.js';
import { openDb } from './db.js';
import { encodePlan, type SnapshotPlan } from './uptodate-plan.js';

/** The stored snapshot (JSON in the `uptodate` table, schema 2; its plan is in `uptodate_plan`, schema 3). */
export interface UpToDateSnapshot {
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
  /** `[path, mtimeNs, size]` of every file the verdict rested on; mtimeNs null = absent. */
  readonly files: readonly (readonly [string, string | null, number])[];
}

/** A snapshot as stored: its `uptodate` row and its plan (the `uptodate_plan` row; JSON text when carried over unchanged). */
export interface SnapshotRows {
  readonly snapshot: UpToDateSnapshot;
  /** The plan, its files as indices into `snapshot.files`. */
  readonly plan: SnapshotPlan | string;
}

/**
 * The outcome of {@link checkSnapshot}:
 * - `none`: no snapshot, or planning might differ (key, globs, existence checks, headers);
 * - `valid`: nothing changed, the run has nothing to do;
 * - `changed`: the plan is the same and only the stamps of `changed` differ
 *   (`changedFiles`: their indices in `snapshot.files`, ascending);
 *   `stampOf` gives every snapshot path's current stamp (undefined: not a snapshot path).
 */
export type SnapshotCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'valid'; readonly snapshot: UpToDateSnapshot }
  | {
      readonly kind: 'changed';
      readonly snapshot: UpToDateSnapshot;
      readonly plan: SnapshotPlan;
      /** The plan's row as read (written back unchanged by {@link refreshSnapshot}). */
      readonly planText: string;
      readonly changed: ReadonlySet<string>;
      readonly changedFiles: readonly number[];
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

/** Version of the snapshot's shape: part of the key, so a snapshot of another shape never matches. */
const FORMAT = 3;

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
    for (const x of job.inputs) all.add(x.path);
    for (const x of job.outputs) all.add(x.path);
  }
  for (const h of observed.heads) all.add(h);
  const files: [string, string | null, number][] = [];
  const index = new Map<string, number>();
  for (const p of all) {
    const s = stampOfPath(p);
    index.set(p, files.length);
    files.push(s ? [p, s.mtimeNs, s.size] : [p, null, 0]);
  }
  const snapshot: UpToDateSnapshot = {
    key,
    jobs: plan.jobs.length,
    byLevel: byLevel.map((l) => ({ ...l, toRun: 0, upToDate: l.upToDate + l.toRun })),
    globs: [...observed.globs].map(([pattern, hits]) => [pattern, hitsDigest(hits)] as const),
    exists: [...observed.exists],
    heads: [...observed.heads],
    files,
  };
  return { snapshot, plan: encodePlan(plan, (p) => index.get(p)!) };
}

/**
 * The snapshot after a run of a partial plan (`uptodate-plan.ts`) left every
 * job up to date: the same plan and observations, each file's stamp as
 * `stampOfPath` now knows it (the run's memo: changed and rewritten files).
 */
export function refreshSnapshot(check: Extract<SnapshotCheck, { kind: 'changed' }>, stampOfPath: (path: string) => Stamp | null): SnapshotRows {
  const files = check.snapshot.files.map(([p]) => {
    const s = stampOfPath(p);
    return s ? ([p, s.mtimeNs, s.size] as const) : ([p, null, 0] as const);
  });
  return { snapshot: { ...check.snapshot, files }, plan: check.planText };
}

/**
 * Store the snapshot of `root` (replacing any) in its run database, if there
 * is one. Errors are ignored: the snapshot is an optimisation only.
 */
export function writeSnapshot(root: string, rows: SnapshotRows): void {
  try {
    const db = openDb(root, false);
    if (!db) return;
    try {
      const plan = typeof rows.plan === 'string' ? rows.plan : JSON.stringify(rows.plan);
      db.transaction(() => {
        db.prepare('INSERT OR REPLACE INTO uptodate (id, data) VALUES (1, ?)').run(JSON.stringify(rows.snapshot));
        db.prepare('INSERT OR REPLACE INTO uptodate_plan (id, data) VALUES (1, ?)').run(plan);
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
  const none = { kind: 'none' } as const;
  let snapshot: UpToDateSnapshot;
  try {
    const db = openDb(root, false);
    if (!db) return none;
    try {
      const row = db.prepare('SELECT data FROM uptodate WHERE id = 1').get() as { data: string } | undefined;
      if (!row) return none;
      snapshot = JSON.parse(row.data) as UpToDateSnapshot;
    } finally {
      db.close();
    }
  } catch {
    return none;
  }
  if (snapshot.key !== key) return none;
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const statOf = memoizedStat(root, stats);
  for (const [path, present] of snapshot.exists) if ((statOf(path) !== undefined) !== present) return none;
  const fs = createNodeFileSystem(root, statOf);
  for (const [pattern, d] of snapshot.globs) if (hitsDigest(await fs.glob(pattern)) !== d) return none;
  // Not memoized: a stamp equal to the snapshot's is known from the snapshot.
  const changed = new Map<string, Stamp | null>();
  const changedFiles: number[] = [];
  const files = snapshot.files;
  for (let f = 0; f < files.length; f++) {
    const [path, mtimeNs, size] = files[f]!;
    const st = stats.has(path) ? stats.get(path) : statPath(prefix + path);
    if (st === undefined) {
      if (mtimeNs !== null) {
        changed.set(path, null);
        changedFiles.push(f);
      }
      continue;
    }
    if (st.mtimeNs !== mtimeNs || st.size !== size) {
      changed.set(path, { mtimeNs: st.mtimeNs, size: st.size });
      changedFiles.push(f);
    }
  }
  if (changed.size === 0) return { kind: 'valid', snapshot };
  if (snapshot.heads.some((h) => changed.has(h))) return none;
  const planText = readPlanRow(root);
  if (planText === undefined) return none;
  let recorded: Map<string, Stamp | null> | undefined;
  const stampOf = (path: string): Stamp | null | undefined => {
    const c = changed.get(path);
    if (c !== undefined || changed.has(path)) return c;
    recorded ??= new Map(snapshot.files.map(([p, m, sz]) => [p, m === null ? null : { mtimeNs: m, size: sz }]));
    return recorded.get(path);
  };
  return { kind: 'changed', snapshot, plan: JSON.parse(planText) as SnapshotPlan, planText, changed: new Set(changed.keys()), changedFiles, stampOf };
}

/** The `uptodate_plan` row's JSON text, or undefined when there is none or it cannot be read. */
function readPlanRow(root: string): string | undefined {
  try {
    const db = openDb(root, false);
    if (!db) return undefined;
    try {
      return (db.prepare('SELECT data FROM uptodate_plan WHERE id = 1').pluck().get() as string | undefined) ?? undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}
