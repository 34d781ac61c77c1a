/**
 * The planner (spec §3, §5, §6): checked {@link Workflow} + options + a
 * {@link FileSystem} → {@link Plan}. Discovers sources, propagates wildcard
 * values forward through the rules, selects the targets, resolves what they
 * need, renders every command and orders the jobs.
 *
 * Planning never runs commands and never writes files; it reads the disk
 * only through the `FileSystem` port. User errors come back as diagnostics;
 * it throws only on internal error.
 */
import { error, hasErrors, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { asJobId, asRelPath, type JobId } from '../ir/ids.js';
import type { ConfigObject, TargetSpec, Workflow } from '../ir/model.js';
import type { Job, Plan } from '../ir/plan.js';
import { createPlanState } from './compile.js';
import { buildJob } from './build-job.js';
import { jobName, type PlanState, type RuleInfo } from './context.js';
import { discoverSources } from './discovery.js';
import { expandRules } from './expand.js';
import { byteOrder, createNodeFileSystem, type FileSystem } from './fs.js';
import { describeCycles, ruleGraph, ruleOrder, topologicalJobOrder } from './graph.js';
import { collectNeeded } from './needed.js';
import { selectTargets } from './targets.js';

export type { FileSystem } from './fs.js';
export { createNodeFileSystem } from './fs.js';
export { buildJobGraph } from './graph.js';
export { rebuildPlan, type RebuildJob } from './rebuild.js';

/** What to plan and against which config. */
export interface PlanOptions {
  /** Targets; empty → `workflow.defaults`, else every product of the highest level (spec §2). */
  readonly targets: readonly TargetSpec[];
  /** `--where obsid=0001,0002`: wildcard name → allowed values (restricts that wildcard everywhere). */
  readonly where: Readonly<Record<string, readonly string[]>>;
  /** Already merged: `workflow.config` + `--config-file` + `--config`. */
  readonly config: ConfigObject;
  /** Default: the real file system rooted at `workflow.root` (memoized, see {@link createNodeFileSystem}). */
  readonly fs?: FileSystem;
}

/** The plan, or the errors that prevented it. `plan` is absent iff `diagnostics` holds an error. */
export interface PlanResult {
  readonly plan?: Plan;
  /** Errors (WF2101–WF2112, WF2115–WF2117) and warnings (WF2108, WF2118), in the order found. */
  readonly diagnostics: readonly Diagnostic[];
}

/** The deps of a job without any (shared by every such job: never mutated). */
const NO_POSITIONS: readonly number[] = Object.freeze([]);

/** The most WF2108 warnings printed per rule before a count line. */
const MAX_GATHER_WARNINGS = 3;

/**
 * Plan `workflow` for `options.targets`. The plan holds only the jobs the
 * targets need (transitively), in a topological order (deps first; ties by
 * rule declaration order, then id by plain `<`). Never throws for user
 * errors; throws only on internal error.
 */
export async function plan(workflow: Workflow, options: PlanOptions): Promise<PlanResult> {
  const fs = options.fs ?? createNodeFileSystem(workflow.root);
  const state = createPlanState(workflow, options.config, options.where, fs);
  if (hasErrors(state.diagnostics)) return { diagnostics: state.diagnostics };
  const rules = ruleGraph(state);
  await discoverSources(state);
  expandRules(state, ruleOrder(state));

  const selection = selectTargets(state, options.targets);
  state.diagnostics.push(...selection.diagnostics);
  state.diagnostics.push(...gatherWarnings(state, selection.rules, (name) => rules.predecessors(name) ?? []));
  const needed = collectNeeded(state, selection.jobs);
  state.diagnostics.push(...needed.diagnostics);
  if (hasErrors(state.diagnostics)) return { diagnostics: state.diagnostics };

  const ids: JobId[] = new Array<JobId>(state.jobs.length);
  for (let k = 0; k < needed.nodes.length; k += 1) {
    const j = needed.nodes[k]!;
    ids[j] = asJobId(jobName(state.jobs[j]!.rule, state.jobs[j]!.values));
  }
  const idOf = (j: number): JobId => ids[j]!;
  const total = state.jobs.length;
  const { order, cyclic } = topologicalJobOrder(needed.nodes, total, needed.deps, (j) => state.jobs[j]!.rule.index, idOf);
  if (cyclic.length > 0) {
    const edges = cyclic.flatMap((j) => (needed.deps[j] ?? []).map((d) => [idOf(d), idOf(j)] as const));
    const cycles = describeCycles(edges);
    state.diagnostics.push(error('WF2116', `jobs depend on each other in a cycle: ${cycles.join('; ')}`));
    return { diagnostics: state.diagnostics };
  }

  const renderFailed = new Set<RuleInfo>();
  const jobs: Job[] = [];
  const context = { config: state.config, jobs };
  const position = new Int32Array(total); // candidate job → index in `jobs`
  for (let k = 0; k < order.length; k += 1) {
    const j = order[k]!;
    // The job's own dependency list (no other reader from here on) becomes its `depIndex` in place.
    const ds = needed.deps[j];
    let depIndex: readonly number[] = NO_POSITIONS;
    if (ds !== undefined && ds.length > 0) {
      if (ds.length > 1) ds.sort((a, b) => byteOrder(idOf(a), idOf(b)));
      for (let i = 0; i < ds.length; i += 1) ds[i] = position[ds[i]!]!;
      depIndex = ds;
    }
    const built = buildJob(state, context, state.jobs[j]!, idOf(j), depIndex);
    position[j] = jobs.length;
    if (built.ok) jobs.push(built.job);
    else if (!renderFailed.has(state.jobs[j]!.rule)) {
      renderFailed.add(state.jobs[j]!.rule);
      const rule = state.jobs[j]!.rule.model;
      state.diagnostics.push(error('WF2117', `cannot render the command of job ${idOf(j)}: ${built.reason}`, rule.shellSpan));
    }
  }
  if (hasErrors(state.diagnostics)) return { diagnostics: state.diagnostics };

  const result: Plan = {
    root: workflow.root,
    jobs,
    targets: selection.jobs.map(idOf).sort(byteOrder),
    sources: [...needed.sources].sort(byteOrder).map(asRelPath),
    diagnostics: state.diagnostics,
  };
  return { plan: result, diagnostics: state.diagnostics };
}

/**
 * WF2108 warnings: jobs left out because a gather has no instance, for rules
 * the targets ask for or that feed them (per the rule graph); at most
 * {@link MAX_GATHER_WARNINGS} per rule, then a count.
 */
function gatherWarnings(state: PlanState, targetRules: ReadonlySet<RuleInfo>, predecessors: (rule: string) => readonly string[]): Diagnostic[] {
  const relevant = new Set<string>();
  const stack = [...targetRules].map((r) => r.model.name);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (relevant.has(name)) continue;
    relevant.add(name);
    stack.push(...predecessors(name));
  }
  const perRule = new Map<RuleInfo, string[]>();
  const seen = new Set<object>();
  for (const u of state.unplanned.values()) {
    if (u.reason !== 'gather' || seen.has(u) || !relevant.has(u.rule.model.name)) continue;
    seen.add(u);
    let list = perRule.get(u.rule);
    if (!list) perRule.set(u.rule, (list = []));
    list.push(`job ${jobName(u.rule, u.values)} gathers no instance of ${u.detail}, so it is not planned`);
  }
  const out: Diagnostic[] = [];
  for (const [rule, messages] of perRule) {
    const span = rule.inputs.find((i) => i.model.kind === 'gather')?.model.span ?? rule.model.span;
    for (const m of messages.slice(0, MAX_GATHER_WARNINGS)) out.push(warning('WF2108', m, span));
    if (messages.length > MAX_GATHER_WARNINGS) {
      out.push(warning('WF2108', `${messages.length - MAX_GATHER_WARNINGS} more jobs of rule ${rule.model.name} gather no instance`, span));
    }
  }
  return out;
}
