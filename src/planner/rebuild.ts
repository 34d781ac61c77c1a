/**
 * Rebuilding chosen jobs of a known plan without planning the rest: given,
 * per job, its rule, wildcard values, input records and output paths (as a
 * previous plan produced them: the up-to-date snapshot keeps them,
 * `store/uptodate-plan.ts`), render each job exactly as {@link plan} would
 * (command, log path, params, resources) and link the dependencies among
 * them. Valid only while the plan it came from still stands (same workflow,
 * config, targets and source listing; spec §6 "Up to date" is then decided
 * for these jobs alone): the caller checks that.
 *
 * Pure: reads no file and runs nothing.
 */
import { hasErrors } from '../diagnostics/diagnostic.js';
import { asJobId, asRelPath, type JobId, type RelPath } from '../ir/ids.js';
import type { ConfigObject, Workflow } from '../ir/model.js';
import type { Job, JobInput, Plan } from '../ir/plan.js';
import { createPlanState } from './compile.js';
import { jobName, type RuleInfo } from './context.js';
import { byteOrder, createNodeFileSystem } from './fs.js';
import { buildJob } from './build-job.js';

/** One job to rebuild, as a previous plan had it (the snapshot's record, `store/uptodate-plan.ts`). */
export interface RebuildJob {
  readonly rule: string;
  /** Wildcard values in the rule's wildcard order. */
  readonly values: readonly string[];
  /** The plan's input records, in the job's input order. */
  readonly inputs: readonly JobInput[];
  /** Output paths in declaration order (one per rule output). */
  readonly outputs: readonly string[];
  /** Positions (in the list given to {@link rebuildPlan}, always earlier) of the jobs producing its inputs. */
  readonly deps: readonly number[];
  /** True when the job produces a requested target. */
  readonly target: boolean;
}

/**
 * The {@link Plan} of exactly `jobs` (in the order given, which must be
 * topological), rooted at `workflow.root`. Undefined when the workflow no
 * longer fits them (an unknown rule, a wrong number of values or outputs, a
 * placeholder or param without a value): the caller then plans as usual,
 * which reports the problem. `sources` is left empty.
 */
export function rebuildPlan(workflow: Workflow, config: ConfigObject, jobs: readonly RebuildJob[]): Plan | undefined {
  const state = createPlanState(workflow, config, {}, createNodeFileSystem(workflow.root));
  if (hasErrors(state.diagnostics)) return undefined;
  const ids: JobId[] = [];
  const built: Job[] = [];
  const context = { config: state.config, jobs: built };
  for (const spec of jobs) {
    const rule = state.ruleByName.get(spec.rule);
    if (!rule || spec.values.length !== rule.wildcards.length || spec.outputs.length !== rule.outputs.length) return undefined;
    const id = asJobId(jobName(rule, spec.values));
    const counts = inputCounts(rule, spec.inputs);
    if (counts === null) return undefined;
    const deps = [...spec.deps].sort((a, b) => byteOrder(ids[a]!, ids[b]!));
    const inputPaths: RelPath[] = spec.inputs.map((i) => i.path);
    const outputPaths = spec.outputs.map(asRelPath);
    const rec = { rule, values: spec.values, inputPaths, inputCounts: counts, producers: [], outputPaths };
    const result = buildJob(state, context, rec, id, deps);
    if (!result.ok) return undefined;
    ids.push(id);
    built.push(result.job);
  }
  const targets = jobs.flatMap((j, i) => (j.target ? [ids[i]!] : [])).sort(byteOrder);
  return { root: workflow.root, jobs: built, targets, sources: [], diagnostics: [] };
}

/**
 * How many of `inputs` each input of `rule` accounts for (`JobRec.inputCounts`):
 * undefined for a rule without gather (one each), null when the records do
 * not fit the rule (then the caller plans as usual). A gather takes the run
 * of gathered records of its product that follows.
 */
function inputCounts(rule: RuleInfo, inputs: readonly JobInput[]): number[] | undefined | null {
  if (!rule.hasGather) return inputs.length === rule.inputs.length && inputs.every((i) => !i.gather) ? undefined : null;
  const counts: number[] = [];
  let p = 0;
  for (const info of rule.inputs) {
    const m = info.model;
    if (m.kind !== 'gather') {
      if (p >= inputs.length || inputs[p]!.gather) return null;
      counts.push(1);
      p += 1;
      continue;
    }
    const from = p;
    while (p < inputs.length && inputs[p]!.gather && inputs[p]!.product === m.product && inputs[p]!.name === m.name) p += 1;
    if (p === from) return null;
    counts.push(p - from);
  }
  return p === inputs.length ? counts : null;
}
