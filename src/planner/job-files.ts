/**
 * A job's file records ({@link JobInput}, {@link JobOutput}) from its path
 * lists and its rule. A plan keeps only the paths per job: every field of a
 * record but the path belongs to the rule input or output it comes from, and
 * one record per file was the largest part of a planned job (140 bytes per
 * job at N=20,000, which the dry run paid in garbage collection and memory
 * first touched: docs/performance.md, "2026-12-04, late evening").
 */
import type { RelPath } from '../ir/ids.js';
import type { InputModel, OutputModel } from '../ir/model.js';
import type { JobInput, JobOutput } from '../ir/plan.js';
import type { RuleInfo } from './context.js';

/** The plan's record of one input file (optional keys omitted, one shape per case). */
export function jobInput(path: RelPath, m: InputModel): JobInput {
  const gather = m.kind === 'gather';
  if (m.name !== undefined && m.product !== undefined) return { path, name: m.name, product: m.product, gather };
  if (m.name !== undefined) return { path, name: m.name, gather };
  if (m.product !== undefined) return { path, product: m.product, gather };
  return { path, gather };
}

/** The plan's record of one output file (optional keys omitted). */
export function jobOutput(path: RelPath, m: OutputModel): JobOutput {
  if (m.name !== undefined && m.product !== undefined) return { path, name: m.name, product: m.product, temp: m.temp, protected: m.protected };
  if (m.name !== undefined) return { path, name: m.name, temp: m.temp, protected: m.protected };
  if (m.product !== undefined) return { path, product: m.product, temp: m.temp, protected: m.protected };
  return { path, temp: m.temp, protected: m.protected };
}

/**
 * The input records of a job of `rule`: `paths` in the job's input order;
 * `counts[k]` paths come from the rule's input `k` (a gather gives one per
 * instance), or one each when `counts` is undefined (a rule without gather).
 */
export function jobInputs(rule: RuleInfo, paths: readonly RelPath[], counts: readonly number[] | undefined): JobInput[] {
  const out = new Array<JobInput>(paths.length);
  if (counts === undefined) {
    for (let i = 0; i < paths.length; i++) out[i] = jobInput(paths[i]!, rule.inputs[i]!.model);
    return out;
  }
  let p = 0;
  for (let k = 0; k < counts.length; k++) for (let c = 0; c < counts[k]!; c++, p++) out[p] = jobInput(paths[p]!, rule.inputs[k]!.model);
  return out;
}

/** The output records of a job of `rule`: `paths` in declaration order, one per rule output. */
export function jobOutputs(rule: RuleInfo, paths: readonly RelPath[]): JobOutput[] {
  const out = new Array<JobOutput>(paths.length);
  for (let i = 0; i < paths.length; i++) out[i] = jobOutput(paths[i]!, rule.outputs[i]!.model);
  return out;
}
