/**
 * Integer-indexed adjacency for a {@link Plan}, built once per run in
 * O(jobs + edges + inputs) so freshness and scheduling never search
 * (STYLE §7; 60,000 jobs). Read-only after construction.
 */
import type { JobId, RelPath } from '../ir/ids.js';
import type { Plan } from '../ir/plan.js';

/** Adjacency of a plan; every index is a position in `plan.jobs` (topological order). */
export interface PlanIndex {
  readonly indexOf: ReadonlyMap<JobId, number>;
  /** Per job: indices of its dependencies, in `job.deps` order (unknown ids dropped). */
  readonly deps: readonly (readonly number[])[];
  /** Per job: indices of the jobs that depend on it, ascending. */
  readonly dependents: readonly (readonly number[])[];
  /** Output path → producing job index. */
  readonly producer: ReadonlyMap<RelPath, number>;
  /** Path → indices of planned jobs reading it (each job once), ascending. */
  readonly readers: ReadonlyMap<RelPath, readonly number[]>;
  /** Indices of `plan.targets`. */
  readonly isTarget: Uint8Array;
}

/** Build the {@link PlanIndex}. Throws only on an internal error (a dependency listed after its dependent). */
export function indexPlan(plan: Plan): PlanIndex {
  const n = plan.jobs.length;
  const indexOf = new Map<JobId, number>();
  plan.jobs.forEach((job, i) => indexOf.set(job.id, i));
  const deps: number[][] = new Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  const producer = new Map<RelPath, number>();
  const readers = new Map<RelPath, number[]>();
  for (let i = 0; i < n; i++) {
    const job = plan.jobs[i]!;
    const ds: number[] = [];
    for (const id of job.deps) {
      const d = indexOf.get(id);
      if (d === undefined) continue;
      if (d >= i) throw new Error(`internal error: plan is not in topological order (${id} after ${job.id})`);
      ds.push(d);
      dependents[d]!.push(i);
    }
    deps[i] = ds;
    for (const o of job.outputs) producer.set(o.path, i);
    for (const inp of job.inputs) {
      let list = readers.get(inp.path);
      if (!list) readers.set(inp.path, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  }
  const isTarget = new Uint8Array(n);
  for (const id of plan.targets) {
    const i = indexOf.get(id);
    if (i !== undefined) isTarget[i] = 1;
  }
  return { indexOf, deps, dependents, producer, readers, isTarget };
}
