/**
 * Target selection (spec §5 `wf run [TARGET…]`, §6 "Targets"): turns
 * {@link TargetSpec}s into the candidate jobs that produce them directly.
 *
 * A name is a product (all its planned instances) or a rule (all its jobs);
 * a level `N` is every non-temp product of level ≤ N; a path is resolved
 * backward ({@link resolvePathTarget}). With no target: the workflow's
 * `default`, else every product of the highest level.
 */
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/spellcheck.js';
import type { TargetSpec } from '../ir/model.js';
import { compareLevels } from '../util/levels.js';
import type { PlanState, RuleInfo } from './context.js';
import { matchPattern } from './patterns.js';
import { resolvePathTarget } from './resolve.js';

/** The selected jobs (candidate job indices, without duplicates) and what was asked for. */
export interface TargetSelection {
  readonly jobs: readonly number[];
  /** Rules named or implied by the targets, even when they have no job (for WF2108 warnings). */
  readonly rules: ReadonlySet<RuleInfo>;
  /** Errors (WF2101–WF2105, WF2108, WF2111, WF2115) and warnings (WF2118: nothing to build). */
  readonly diagnostics: readonly Diagnostic[];
}

/** The targets of a bare `wf run`: `default`, else every product of the highest level (spec §2). */
export function defaultTargets(state: PlanState): TargetSpec[] {
  if (state.workflow.defaults.length > 0) return [...state.workflow.defaults];
  const products = [...state.workflow.products.values()];
  if (products.length === 0) return [];
  const top = products.reduce((m, p) => (compareLevels(p.level, m) > 0 ? p.level : m), products[0]!.level);
  return products.filter((p) => compareLevels(p.level, top) === 0).map((p) => ({ kind: 'name', name: p.name }));
}

/**
 * Select the jobs for `specs` (empty: {@link defaultTargets}). Jobs come in
 * the order the targets name them, each once. Never throws for user errors.
 */
export function selectTargets(state: PlanState, specs: readonly TargetSpec[]): TargetSelection {
  // A flag per candidate job and the chosen ones in the order first chosen (a Set of 40,000 numbers costs more).
  const isChosen = new Uint8Array(state.jobs.length);
  const chosenJobs: number[] = [];
  const choose = (j: number): void => {
    if (isChosen[j] === 0) {
      isChosen[j] = 1;
      chosenJobs.push(j);
    }
  };
  const rules = new Set<RuleInfo>();
  const diagnostics: Diagnostic[] = [];
  const jobsOf = new Map<RuleInfo, number[]>();
  state.jobs.forEach((job, i) => {
    let list = jobsOf.get(job.rule);
    if (!list) jobsOf.set(job.rule, (list = []));
    list.push(i);
  });
  const addRule = (rule: RuleInfo, nonTempOnly: boolean): void => {
    rules.add(rule);
    if (nonTempOnly && rule.outputs.every((o) => o.model.temp)) return;
    const jobs = jobsOf.get(rule) ?? [];
    for (let i = 0; i < jobs.length; i += 1) choose(jobs[i]!); // indexed: runs once, unoptimized
  };

  for (const spec of specs.length > 0 ? specs : defaultTargets(state)) {
    switch (spec.kind) {
      case 'name': {
        const rule = state.ruleByName.get(spec.name);
        const store = state.products.get(spec.name);
        if (rule) {
          addRule(rule, false);
          if ((jobsOf.get(rule) ?? []).length === 0) diagnostics.push(warning('WF2118', `rule ${spec.name} has no job to plan`, spec.span));
        } else if (store) {
          const producer = state.producerRule.get(spec.name);
          if (producer) rules.add(producer);
          let any = false;
          for (let i = 0; i < store.producers.length; i += 1) if (store.producers[i]! >= 0) (choose(store.producers[i]!), (any = true));
          if (!any && !store.model.isSource) diagnostics.push(warning('WF2118', `product ${spec.name} has no instance to build`, spec.span));
        } else if (looksLikePath(state, spec.name)) {
          const r = resolvePathTarget(state, { kind: 'path', path: spec.name, ...(spec.span ? { span: spec.span } : {}) });
          if (r.job !== undefined) choose(r.job);
          if (r.rule) rules.add(r.rule);
          diagnostics.push(...r.diagnostics);
        } else {
          const names = [...state.workflow.products.keys(), ...state.workflow.rules.keys()];
          const guess = suggest(spec.name, names);
          diagnostics.push(error('WF2101', `unknown target \`${spec.name}\`: no product, rule or level has this name`, spec.span, guess ? `did you mean \`${guess}\`?` : undefined));
        }
        break;
      }
      case 'level':
        for (const rule of state.rules) if (compareLevels(rule.model.level, spec.level) <= 0) addRule(rule, true);
        break;
      case 'path': {
        const r = resolvePathTarget(state, spec);
        if (r.job !== undefined) choose(r.job);
        if (r.rule) rules.add(r.rule);
        diagnostics.push(...r.diagnostics);
        break;
      }
      default:
        throw new Error(`internal error: unknown target ${JSON.stringify(spec)}`);
    }
  }
  return { jobs: chosenJobs, rules, diagnostics };
}

/** A name that is no product or rule but is a planned output or matches a pattern: treat it as a path. */
function looksLikePath(state: PlanState, name: string): boolean {
  if (state.outputs.has(name) || state.unplanned.has(name)) return true;
  for (const store of state.products.values()) if (matchPattern(store.pattern, name)) return true;
  return false;
}
