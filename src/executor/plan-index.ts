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

/** Build the {@link PlanIndex}. Throws only on an internal error (a dependency listed after its dependent). */
export function indexPlan(plan: Plan): PlanIndex {
  const n = plan.jobs.length;
  // Planned jobs carry their dependencies' positions; hand-built plans are looked up by id.
  let byId: Map<JobId, number> | undefined;
  const indexOf = (id: JobId): number | undefined => (byId ??= new Map(plan.jobs.map((j, i) => [j.id, i]))).get(id);
  const producer = new Map<RelPath, number>();
  const temps = new Set<RelPath>();
  for (let i = 0; i < n; i++) {
    const job = plan.jobs[i]!;
    for (const o of job.outputs) {
      producer.set(o.path, i);
      if (o.temp) temps.add(o.path);
    }
  }
  const deps: (readonly number[])[] = new Array(n);
  const dependents: number[][] = new Array(n);
  const readers = new Map<RelPath, number[]>();
  for (let i = 0; i < n; i++) {
    const job = plan.jobs[i]!;
    if (job.deps.length === 0) deps[i] = NONE;
    else {
      const ds: number[] = [];
      for (let k = 0; k < job.deps.length; k++) {
        const d = job.depIndex ? job.depIndex[k] : indexOf(job.deps[k]!);
        if (d === undefined) continue;
        if (d >= i) throw new Error(`internal error: plan is not in topological order (${job.deps[k]} after ${job.id})`);
        ds.push(d);
        (dependents[d] ??= []).push(i);
      }
      deps[i] = ds;
    }
    for (const inp of job.inputs) {
      if (producer.has(inp.path) && !temps.has(inp.path)) continue;
      let list = readers.get(inp.path);
      if (!list) readers.set(inp.path, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  }
  for (let i = 0; i < n; i++) dependents[i] ??= NONE as number[];
  const isTarget = new Uint8Array(n);
  const targets = new Set(plan.targets);
  for (let i = 0; i < n; i++) if (targets.has(plan.jobs[i]!.id)) isTarget[i] = 1;
  return { deps, dependents, producer, readers, isTarget };
}
