/**
 * The plan kept inside the up-to-date snapshot (`uptodate.ts`), compactly:
 * per job its rule, wildcard values and files (as indices into the
 * snapshot's file list), no commands. When only some stamps changed since
 * the snapshot, it answers which jobs can be affected (those reading or
 * writing a changed file, and everything downstream of them) without
 * planning the whole workflow: the planner rebuilds just those jobs
 * (`planner/rebuild.ts`), and the others are known up to date.
 *
 * Pure: no file system, no database.
 */
import { asRelPath } from '../ir/ids.js';
import type { JobInput, Plan } from '../ir/plan.js';
import type { RebuildJob } from '../planner/rebuild.js';

/** An input's kind as the plan records it: `[name, product, gather]`, null when absent. */
export type InputKind = readonly [name: string | null, product: string | null, gather: 0 | 1];

/**
 * One job of the plan, in plan order: `[rule index, wildcard values (rule
 * order), input file indices (the job's input order), input kinds as runs
 * `[kind index, count, …]`, output file indices (declaration order), 1 when
 * the job produces a requested target]`.
 */
export type SnapshotJob = readonly [rule: number, values: readonly string[], inputs: readonly number[], kinds: readonly number[], outputs: readonly number[], target: 0 | 1];

/** The snapshot's plan (part of the snapshot JSON). */
export interface SnapshotPlan {
  /** Rule names, indexed by {@link SnapshotJob}'s first field. */
  readonly rules: readonly string[];
  /** Distinct input kinds, indexed by the kind runs. */
  readonly inputKinds: readonly InputKind[];
  /** Every planned job, in plan order (topological). */
  readonly jobs: readonly SnapshotJob[];
}

/**
 * Encode `plan` against the snapshot's file list: `fileIndex` gives the
 * index of a root-relative path in it (every input and output has one).
 */
export function encodePlan(plan: Plan, fileIndex: (path: string) => number): SnapshotPlan {
  const rules: string[] = [];
  const ruleIdx = new Map<string, number>();
  const inputKinds: InputKind[] = [];
  const kindIdx = new Map<string, number>();
  const targets = new Set<string>(plan.targets);
  const jobs: SnapshotJob[] = new Array(plan.jobs.length);
  for (let j = 0; j < plan.jobs.length; j++) {
    const job = plan.jobs[j]!;
    let r = ruleIdx.get(job.rule);
    if (r === undefined) {
      ruleIdx.set(job.rule, (r = rules.length));
      rules.push(job.rule);
    }
    const inputs: number[] = new Array(job.inputs.length);
    const kinds: number[] = [];
    for (let k = 0; k < job.inputs.length; k++) {
      const x = job.inputs[k]!;
      inputs[k] = fileIndex(x.path);
      const key = `${x.name ?? ''}\0${x.name === undefined ? 0 : 1}\0${x.product ?? ''}\0${x.product === undefined ? 0 : 1}\0${x.gather ? 1 : 0}`;
      let kind = kindIdx.get(key);
      if (kind === undefined) {
        kindIdx.set(key, (kind = inputKinds.length));
        inputKinds.push([x.name ?? null, x.product ?? null, x.gather ? 1 : 0]);
      }
      if (kinds.length > 0 && kinds[kinds.length - 2] === kind) kinds[kinds.length - 1]!++;
      else kinds.push(kind, 1);
    }
    jobs[j] = [r, Object.values(job.wildcards), inputs, kinds, job.outputs.map((o) => fileIndex(o.path)), targets.has(job.id) ? 1 : 0];
  }
  return { rules, inputKinds, jobs };
}

/** The jobs a change can affect, and how many of each rule are known up to date. */
export interface PartialPlan {
  /** In plan order (topological), decoded for the planner to rebuild (`planner/rebuild.ts`). */
  readonly jobs: readonly RebuildJob[];
  /** Per rule with jobs outside {@link jobs}: how many (each up to date). */
  readonly outside: ReadonlyMap<string, number>;
  /** The files {@link jobs} read or write (indices into the snapshot's paths, ascending): all a run of them can change. */
  readonly files: readonly number[];
}

/** Beyond this share of all jobs, planning everything is as cheap and better trodden. */
const MAX_AFFECTED_SHARE = 0.5;

/**
 * The jobs that a change of the files `changed` (indices into `paths`) can
 * make run: those reading or writing a changed file, and, transitively, the
 * readers of their outputs. `exists(f)` tells whether file `f` is on disk now.
 * Undefined (plan everything instead) when an affected job reads a missing
 * file (a deleted `temp` input may need its unaffected producer to run) or
 * when more than half of the jobs are affected. O(jobs + inputs + outputs).
 */
export function affectedJobs(plan: SnapshotPlan, paths: readonly string[], changed: readonly number[], exists: (file: number) => boolean): PartialPlan | undefined {
  const n = plan.jobs.length;
  const producer = new Int32Array(paths.length).fill(-1);
  const readerCount = new Int32Array(paths.length + 1);
  for (let j = 0; j < n; j++) {
    const [, , inputs, , outputs] = plan.jobs[j]!;
    for (const f of outputs) producer[f] = j;
    for (const f of inputs) readerCount[f + 1]!++;
  }
  // Readers of each file, compressed: readers[start[f] .. start[f + 1]).
  const start = readerCount;
  for (let f = 0; f < paths.length; f++) start[f + 1]! += start[f]!;
  const readers = new Int32Array(start[paths.length]!);
  const fill = start.slice(0, paths.length);
  for (let j = 0; j < n; j++) for (const f of plan.jobs[j]![2]) readers[fill[f]!++] = j;

  const affected = new Uint8Array(n);
  const stack: number[] = [];
  const mark = (j: number): void => {
    if (j < 0 || affected[j]) return;
    affected[j] = 1;
    stack.push(j);
  };
  for (const f of changed) {
    mark(producer[f]!);
    for (let k = start[f]!; k < start[f + 1]!; k++) mark(readers[k]!);
  }
  while (stack.length > 0) {
    const j = stack.pop()!;
    for (const f of plan.jobs[j]![4]) for (let k = start[f]!; k < start[f + 1]!; k++) mark(readers[k]!);
  }

  const position = new Int32Array(n).fill(-1);
  const jobs: RebuildJob[] = [];
  const outside = new Map<string, number>();
  const touched = new Set<number>();
  for (let j = 0; j < n; j++) {
    const [rule, values, inputs, kinds, outputs, target] = plan.jobs[j]!;
    const name = plan.rules[rule]!;
    if (!affected[j]) {
      outside.set(name, (outside.get(name) ?? 0) + 1);
      continue;
    }
    if (jobs.length + 1 > n * MAX_AFFECTED_SHARE && n > 1) return undefined;
    const records: JobInput[] = new Array(inputs.length);
    let k = 0;
    for (let r = 0; r < kinds.length; r += 2) {
      const [kindName, product, gather] = plan.inputKinds[kinds[r]!]!;
      for (let c = 0; c < kinds[r + 1]!; c++, k++) {
        const f = inputs[k]!;
        if (!exists(f)) return undefined;
        records[k] = inputRecord(paths[f]!, kindName, product, gather === 1);
      }
    }
    const deps = new Set<number>();
    for (const f of inputs) {
      const p = producer[f]!;
      if (p >= 0 && affected[p]) deps.add(position[p]!);
    }
    position[j] = jobs.length;
    jobs.push({ rule: name, values, inputs: records, outputs: outputs.map((f) => paths[f]!), deps: [...deps].sort((a, b) => a - b), target: target === 1 });
    for (const f of inputs) touched.add(f);
    for (const f of outputs) touched.add(f);
  }
  return { jobs, outside, files: [...touched].sort((a, b) => a - b) };
}

/** A {@link JobInput} with its optional keys present only when set (the planner's shape). */
function inputRecord(path: string, name: string | null, product: string | null, gather: boolean): JobInput {
  const p = asRelPath(path);
  if (name !== null && product !== null) return { path: p, name, product, gather };
  if (name !== null) return { path: p, name, gather };
  if (product !== null) return { path: p, product, gather };
  return { path: p, gather };
}
