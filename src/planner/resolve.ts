/**
 * Backward resolution of a file-path target (spec §3 "Resolution", §6
 * "Targets"), like make: find the planned job that writes the path; failing
 * that, match the path against product patterns, bind the wildcards and walk
 * the inputs back to explain why no job writes it (a `when` that is false, a
 * gather with no instance, `--where`, or a missing source, named with the
 * whole chain of files that needed it).
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ProductModel, TargetSpec } from '../ir/model.js';
import type { Span } from '../ir/nodes.js';
import { jobName, valueLookup, type PlanState, type RuleInfo } from './context.js';
import { matchPattern, renderPattern, type CompiledPattern } from './patterns.js';

/** The job that writes the path, or no job (an existing source file), with errors when it cannot be planned. */
export interface PathResolution {
  readonly job?: number;
  /** The rule that would write the path, when one matched (for "relevant rule" warnings). */
  readonly rule?: RuleInfo;
  readonly diagnostics: readonly Diagnostic[];
}

/** A pattern that could describe the path: a product, or a rule output given as a quoted path. */
interface Candidate {
  readonly product?: ProductModel;
  readonly rule?: RuleInfo;
  readonly pattern: CompiledPattern;
  readonly label: string;
}

/** Strip leading `./`, collapse `//`, and make a path under the root relative. */
export function normalizeTargetPath(path: string, root: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  if (p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

function candidates(state: PlanState): Candidate[] {
  const list: Candidate[] = [];
  for (const store of state.products.values()) {
    const rule = state.producerRule.get(store.model.name);
    list.push({ product: store.model, ...(rule ? { rule } : {}), pattern: store.pattern, label: `product ${store.model.name} ("${store.model.pattern}")` });
  }
  for (const rule of state.rules) {
    for (const o of rule.outputs) {
      if (o.model.product === undefined) list.push({ rule, pattern: o.pattern, label: `an output of rule ${rule.model.name} ("${o.model.pattern}")` });
    }
  }
  return list;
}

/**
 * Resolve one path target. Codes: WF2103 (no pattern matches), WF2111 (a
 * pattern matches but a wildcard constraint does not), WF2104 (several
 * producible products match), WF2105 (excluded by `when`), WF2108 (a gather
 * with no instance), WF2115 (excluded by `--where`), WF2102 (a missing source,
 * with the chain).
 */
export function resolvePathTarget(state: PlanState, target: Extract<TargetSpec, { kind: 'path' }>): PathResolution {
  const path = normalizeTargetPath(target.path, state.workflow.root);
  const span = target.span;
  const planned = state.outputs.get(path);
  if (planned !== undefined) return { job: planned, rule: state.jobs[planned]!.rule, diagnostics: [] };

  const all = candidates(state);
  const matching = all.map((c) => ({ c, values: matchPattern(c.pattern, path) })).filter((m) => m.values !== undefined);
  if (matching.length === 0) return { diagnostics: [noMatch(state, all, path, span)] };
  const producible = matching.filter((m) => m.c.rule !== undefined);
  if (producible.length === 0) {
    if (state.fs.exists(path)) return { diagnostics: [] }; // an existing source file: nothing to build
    return { diagnostics: [error('WF2102', `\`${path}\` does not exist and no rule writes it`, span)] };
  }
  if (producible.length > 1) {
    const names = producible.map((m) => m.c.label);
    return { diagnostics: [error('WF2104', `\`${path}\` matches ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`, span, 'give the path of one product only, or make the patterns distinct')] };
  }
  const { c, values } = producible[0]!;
  const diagnostic = explain(state, c.rule!, values!, [path], span);
  return { rule: c.rule!, diagnostics: [diagnostic] };
}

function noMatch(state: PlanState, all: readonly Candidate[], path: string, span: Span | undefined): Diagnostic {
  for (const c of all) {
    const loose = state.patterns.getLoose(c.pattern.source);
    const values = loose ? matchPattern(loose, path) : undefined;
    if (!values) continue;
    for (const [name, value] of Object.entries(values)) {
      const constraint = state.patterns.constraintOf(name);
      if (!new RegExp(`^(?:${constraint})$`).test(value)) {
        return error('WF2111', `\`${path}\` looks like ${c.label}, but \`${value}\` does not match the constraint /${constraint}/ of wildcard ${name}`, span);
      }
    }
  }
  return error('WF2103', `no product matches path \`${path}\``, span, 'a path target must match the pattern of a product or of a rule output');
}

/** Chain text: `a needs b (rule r) needs c` — every path after the first names the rule that writes it. */
function chainText(chain: readonly string[]): string {
  return chain.join(' needs ');
}

/** `a is` for a bare target, `a needs b (rule r), which is` for a chain. */
function subjectIs(chain: readonly string[]): string {
  return chain.length === 1 ? `${chain[0]} is` : `${chainText(chain)}, which is`;
}

/** Why no job writes `chain[last]`, produced by `rule` with wildcard `values`. */
function explain(state: PlanState, rule: RuleInfo, values: Record<string, string>, chain: string[], span: Span | undefined): Diagnostic {
  const bare = chain[chain.length - 1]!.replace(/ \(rule [^)]*\)$/, '');
  const missingWildcard = rule.wildcards.find((w) => values[w] === undefined);
  const ruleValues = rule.wildcards.map((w) => values[w] ?? `{${w}}`);
  const name = jobName(rule, ruleValues);
  const unplanned = state.unplanned.get(bare);
  if (unplanned?.reason === 'when') {
    return error('WF2105', `${subjectIs(chain)} excluded by the \`when\` of rule ${rule.model.name} (job ${name})`, span);
  }
  if (unplanned?.reason === 'gather') {
    return error('WF2108', `${subjectIs(chain)} not planned: job ${name} gathers no instance of ${unplanned.detail}`, span);
  }
  for (const w of rule.wildcards) {
    const allowed = state.where.get(w);
    if (allowed && values[w] !== undefined && !allowed.has(values[w]!)) {
      return error('WF2115', `${subjectIs(chain)} excluded by --where (${w}=${values[w]})`, span);
    }
  }
  if (missingWildcard === undefined) {
    const lookup = valueLookup(rule, ruleValues);
    for (const input of rule.inputs) {
      if (input.model.kind === 'gather') continue; // an empty gather is recorded as unplanned above
      if (input.positions.some((p) => p < 0)) continue;
      const inPath = renderPattern(input.pattern, lookup);
      if (state.outputs.has(inPath)) continue;
      const upstream = state.unplanned.get(inPath);
      if (upstream) {
        const upValues = Object.fromEntries(upstream.rule.wildcards.map((w, i) => [w, upstream.values[i]!]));
        return explain(state, upstream.rule, upValues, [...chain, `${inPath} (rule ${upstream.rule.model.name})`], span);
      }
      const product = input.model.product;
      const producer = product !== undefined ? state.producerRule.get(product) : undefined;
      if (producer) {
        const inValues = matchPattern(state.products.get(product!)!.pattern, inPath);
        if (inValues) return explain(state, producer, inValues, [...chain, `${inPath} (rule ${producer.model.name})`], span);
      }
      if (!state.fs.exists(inPath)) {
        return error('WF2102', `${chainText([...chain, inPath])}, which does not exist`, span);
      }
      if (product !== undefined && state.products.get(product)?.model.isSource) {
        const match = matchPattern(state.products.get(product)!.pattern, inPath);
        if (!match) return error('WF2111', `${chainText([...chain, inPath])}, which does not match the wildcard constraints of product ${product}`, span);
      }
    }
  }
  return error('WF2102', `${subjectIs(chain)} not derivable from the source files by rule ${rule.model.name}`, span);
}
