/**
 * Integer-indexed adjacency for a {@link Plan}, built once per run in
 * O(jobs + edges + inputs) so freshness and scheduling never search
 * (STYLE §7; 60,000 jobs). Read-only after construction.
 */
import type { JobId, RelPath } from '../ir/ids.js';
import type { Plan } from '../ir/plan.js';

/** Adjacency of a plan; every index is a position in `plan.jobs` (topological order). */
export interface PlanIndex {
  /** Per job: indices of its dependencies, in `job.deps` order (unknown ids dropped). */
  readonly deps: readonly (readonly number[])[];
  /** Per job: indices of the jobs that depend on it, ascending. */
  readonly dependents: readonly (readonly number[])[];
  /** Output path → producing job index. */
  readonly producer: ReadonlyMap<RelPath, number>;
  /**
   * Path → indices of planned jobs reading it (each job once), ascending, for
   * the paths that need it: sources (no producer) and `temp` outputs.
   */
  readonly readers: ReadonlyMap<RelPath, readonly number[]>;
  /** Indices of `plan.targets`. */
  readonly isTarget: Uint8Array;
}

const NONE: readonly number[] = Object.freeze([]);

/**
 * Build the {@link PlanIndex}: `deps` at once; `dependents`, `isTarget`,
 * `producer` and `readers` on first use: a dry run never needs the first
 * two, and a dry run of a clean tree none of them. Throws only on an
 * internal error (a dependency listed after its dependent).
 */
export function indexPlan(plan: Plan): PlanIndex {
  const n = plan.jobs.length;
  // Planned jobs carry their dependencies' positions; hand-built plans are looked up by id.
  let byId: Map<JobId, number> | undefined;
  const indexOf = (id: JobId): number | undefined => (byId ??= new Map(plan.jobs.map((j, i) => [j.id, i]))).get(id);
  const deps: (readonly number[])[] = new Array<readonly number[]>(n);
  const dependentCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const job = plan.jobs[i]!;
    // A planned job's own positions are used as they are (no copy per job, and `deps` is not read:
    // a planned job derives its ids from them on each read).
    const planned = job.depIndex;
    if (planned) {
      for (let k = 0; k < planned.length; k++) {
        const d = planned[k]!;
        if (d >= i) throw new Error(`internal error: plan is not in topological order (${plan.jobs[d]?.id ?? d} after ${job.id})`);
        dependentCount[d]!++;
      }
      deps[i] = planned.length === 0 ? NONE : planned;
      continue;
    }
    if (job.deps.length === 0) {
      deps[i] = NONE;
      continue;
    }
    const ds: number[] = [];
    for (const dep of job.deps) {
      const d = indexOf(dep);
      if (d === undefined) continue;
      if (d >= i) throw new Error(`internal error: plan is not in topological order (${dep} after ${job.id})`);
      ds.push(d);
      dependentCount[d]!++;
    }
    deps[i] = ds;
  }
  // Dependents at their final size (kept for the whole run), filled in ascending order.
  let dependents: number[][] | undefined;
  const dependentsOf = (): number[][] => {
    if (dependents) return dependents;
    dependents = new Array<number[]>(n);
    for (let i = 0; i < n; i++) dependents[i] = dependentCount[i] === 0 ? (NONE as number[]) : new Array<number>(dependentCount[i]!);
    const filled = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ds = deps[i]!;
      for (let k = 0; k < ds.length; k++) dependents[ds[k]!]![filled[ds[k]!]!++] = i;
    }
    return dependents;
  };
  let isTarget: Uint8Array | undefined;
  const targetFlags = (): Uint8Array => {
    if (isTarget) return isTarget;
    isTarget = new Uint8Array(n);
    const targets = new Set(plan.targets);
    for (let i = 0; i < n; i++) if (targets.has(plan.jobs[i]!.id)) isTarget[i] = 1;
    return isTarget;
  };

  let producer: Map<RelPath, number> | undefined;
  let temps: Set<RelPath> | undefined;
  const producers = (): Map<RelPath, number> => {
    if (producer) return producer;
    producer = new Map();
    temps = new Set();
    for (let i = 0; i < n; i++) {
      const job = plan.jobs[i]!;
      for (const path of job.outputPaths) producer.set(path, i);
      if (job.hasTempOutput) for (const o of job.outputs) if (o.temp) temps.add(o.path);
    }
    return producer;
  };
  let readers: Map<RelPath, number[]> | undefined;
  return {
    deps,
    get dependents() {
      return dependentsOf();
    },
    get isTarget() {
      return targetFlags();
    },
    get producer() {
      return producers();
    },
    get readers() {
      if (readers) return readers;
      const p = producers();
      readers = new Map();
      for (let i = 0; i < n; i++) {
        for (const path of plan.jobs[i]!.inputPaths) {
          if (p.has(path) && !temps!.has(path)) continue;
          let list = readers.get(path);
          if (!list) readers.set(path, (list = []));
          if (list[list.length - 1] !== i) list.push(i);
        }
      }
      return readers;
    },
  };
}
