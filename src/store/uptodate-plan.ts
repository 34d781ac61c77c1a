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
 * The snapshot's plan, column by column: job `j` (plan order, which is
 * topological) has rule `rules[rule[j]]`, the next `valueCount[j]` of
 * `values` as its wildcard values (rule order), the next `inputCount[j]` of
 * `inputs` as its input file indices (its input order), the next
 * `kindCount[j]` of `kinds` as its input kinds (`[kind index, count, …]`
 * runs over its inputs), and the next `outputCount[j]` of `outputs` as its
 * output file indices (declaration order). File indices point into the
 * snapshot's file list. Flat arrays of numbers and strings, not one array
 * per job: a 60,000-job plan parses in a fraction of the time.
 */
export interface SnapshotPlan {
  readonly rules: readonly string[];
  /** Distinct input kinds, indexed by the kind runs. */
  readonly inputKinds: readonly InputKind[];
  readonly rule: readonly number[];
  readonly valueCount: readonly number[];
  readonly values: readonly string[];
  readonly inputCount: readonly number[];
  readonly inputs: readonly number[];
  readonly kindCount: readonly number[];
  readonly kinds: readonly number[];
  readonly outputCount: readonly number[];
  readonly outputs: readonly number[];
  /** Jobs that produce a requested target, ascending. */
  readonly targets: readonly number[];
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
  const requested = new Set<string>(plan.targets);
  const out = {
    rule: [] as number[],
    valueCount: [] as number[],
    values: [] as string[],
    inputCount: [] as number[],
    inputs: [] as number[],
    kindCount: [] as number[],
    kinds: [] as number[],
    outputCount: [] as number[],
    outputs: [] as number[],
    targets: [] as number[],
  };
  for (let j = 0; j < plan.jobs.length; j++) {
    const job = plan.jobs[j]!;
    let r = ruleIdx.get(job.rule);
    if (r === undefined) {
      ruleIdx.set(job.rule, (r = rules.length));
      rules.push(job.rule);
    }
    out.rule.push(r);
    const values = Object.values(job.wildcards);
    out.valueCount.push(values.length);
    for (const v of values) out.values.push(v);
    const inputs = job.inputs; // built on read: once per job
    out.inputCount.push(inputs.length);
    const kindsFrom = out.kinds.length;
    for (const x of inputs) {
      out.inputs.push(fileIndex(x.path));
      const key = `${x.name ?? ''}\0${x.name === undefined ? 0 : 1}\0${x.product ?? ''}\0${x.product === undefined ? 0 : 1}\0${x.gather ? 1 : 0}`;
      let kind = kindIdx.get(key);
      if (kind === undefined) {
        kindIdx.set(key, (kind = inputKinds.length));
        inputKinds.push([x.name ?? null, x.product ?? null, x.gather ? 1 : 0]);
      }
      if (out.kinds.length > kindsFrom && out.kinds[out.kinds.length - 2] === kind) out.kinds[out.kinds.length - 1]!++;
      else out.kinds.push(kind, 1);
    }
    out.kindCount.push(out.kinds.length - kindsFrom);
    out.outputCount.push(job.outputPaths.length);
    for (const p of job.outputPaths) out.outputs.push(fileIndex(p));
    if (requested.has(job.id)) out.targets.push(j);
  }
  return { rules, inputKinds, ...out };
}

/** Start of each job's run in a flat column whose per-job lengths are `counts`: `start[j] .. start[j + 1]`. */
function starts(counts: readonly number[]): Int32Array {
  const start = new Int32Array(counts.length + 1);
  for (let j = 0; j < counts.length; j++) start[j + 1] = start[j]! + counts[j]!;
  return start;
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
  // Indexed loops over flat and typed arrays: this runs once per process, mostly before the JIT has warmed up.
  const n = plan.rule.length;
  const files = paths.length;
  const inStart = starts(plan.inputCount);
  const outStart = starts(plan.outputCount);
  const { inputs, outputs } = plan;
  const producer = new Int32Array(files).fill(-1);
  for (let j = 0; j < n; j++) for (let k = outStart[j]!; k < outStart[j + 1]!; k++) producer[outputs[k]!] = j;
  // Readers of each file, compressed: readers[start[f] .. start[f + 1]).
  const start = new Int32Array(files + 1);
  for (let k = 0; k < inputs.length; k++) start[inputs[k]! + 1]!++;
  for (let f = 0; f < files; f++) start[f + 1]! += start[f]!;
  const readers = new Int32Array(start[files]!);
  const fill = start.slice(0, files);
  for (let j = 0; j < n; j++) for (let k = inStart[j]!; k < inStart[j + 1]!; k++) readers[fill[inputs[k]!]!++] = j;

  const affected = new Uint8Array(n);
  const order: number[] = [];
  const mark = (j: number): void => {
    if (j < 0 || affected[j]) return;
    affected[j] = 1;
    order.push(j);
  };
  for (const f of changed) {
    mark(producer[f]!);
    for (let k = start[f]!; k < start[f + 1]!; k++) mark(readers[k]!);
  }
  const limit = n > 1 ? n * MAX_AFFECTED_SHARE : Infinity;
  for (let next = 0; next < order.length && order.length <= limit; next++) {
    const j = order[next]!;
    for (let o = outStart[j]!; o < outStart[j + 1]!; o++) {
      const f = outputs[o]!;
      for (let k = start[f]!; k < start[f + 1]!; k++) mark(readers[k]!);
    }
  }
  if (order.length > limit) return undefined;
  order.sort((a, b) => a - b); // plan order, which is topological

  const valueStart = starts(plan.valueCount);
  const kindStart = starts(plan.kindCount);
  const perRule = new Int32Array(plan.rules.length);
  for (let j = 0; j < n; j++) perRule[plan.rule[j]!]!++;
  const targets = new Set(plan.targets);
  const position = new Int32Array(n).fill(-1);
  const jobs: RebuildJob[] = [];
  const touched = new Uint8Array(files);
  for (const j of order) {
    perRule[plan.rule[j]!]!--;
    const records: JobInput[] = [];
    const deps = new Set<number>();
    let k = inStart[j]!;
    for (let r = kindStart[j]!; r < kindStart[j + 1]!; r += 2) {
      const [kindName, product, gather] = plan.inputKinds[plan.kinds[r]!]!;
      for (const end = k + plan.kinds[r + 1]!; k < end; k++) {
        const f = inputs[k]!;
        if (!exists(f)) return undefined;
        records.push(inputRecord(paths[f]!, kindName, product, gather === 1));
        touched[f] = 1;
        const p = producer[f]!;
        if (p >= 0 && affected[p]) deps.add(position[p]!);
      }
    }
    const outs: string[] = [];
    for (let o = outStart[j]!; o < outStart[j + 1]!; o++) {
      touched[outputs[o]!] = 1;
      outs.push(paths[outputs[o]!]!);
    }
    position[j] = jobs.length;
    jobs.push({
      rule: plan.rules[plan.rule[j]!]!,
      values: plan.values.slice(valueStart[j], valueStart[j + 1]),
      inputs: records,
      outputs: outs,
      deps: [...deps].sort((a, b) => a - b),
      target: targets.has(j),
    });
  }
  const outside = new Map<string, number>();
  for (let r = 0; r < perRule.length; r++) if (perRule[r]! > 0) outside.set(plan.rules[r]!, perRule[r]!);
  const touchedFiles: number[] = [];
  for (let f = 0; f < files; f++) if (touched[f]) touchedFiles.push(f);
  return { jobs, outside, files: touchedFiles };
}

/** A {@link JobInput} with its optional keys present only when set (the planner's shape). */
function inputRecord(path: string, name: string | null, product: string | null, gather: boolean): JobInput {
  const p = asRelPath(path);
  if (name !== null && product !== null) return { path: p, name, product, gather };
  if (name !== null) return { path: p, name, gather };
  if (product !== null) return { path: p, product, gather };
  return { path: p, gather };
}
