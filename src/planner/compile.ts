/**
 * Setting up one planning run: validate `--where` (WF2107), compile every
 * rule once (patterns, params, command pieces, digest) and create the empty
 * {@link PlanState}. Touches no file.
 */
import { error } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/spellcheck.js';
import type { ConfigObject, Workflow } from '../ir/model.js';
import { scanPlaceholders } from '../util/placeholders.js';
import type { InputInfo, OutputInfo, PlanState, ProductStore, RuleInfo } from './context.js';
import { HeaderReader } from './fits-header.js';
import type { FileSystem } from './fs.js';
import { bindTemplate, PatternCache, type CompiledPattern, type Template } from './patterns.js';
import { ruleDigest } from './render.js';
import { evaluateEntries } from './values.js';

/**
 * Build the state of one planning run. Diagnostics (WF2107 unknown `--where`
 * wildcard, WF2117 a params config reference that is not set) go to
 * `state.diagnostics`. Throws only on internal error (an invalid pattern the
 * checker should have rejected).
 */
export function createPlanState(
  workflow: Workflow,
  config: ConfigObject,
  whereOption: Readonly<Record<string, readonly string[]>>,
  fs: FileSystem,
): PlanState {
  const constraints = new Map<string, string>();
  for (const [name, w] of workflow.wildcards) constraints.set(name, w.regex);
  const patterns = new PatternCache(constraints);
  const compile = (pattern: string): CompiledPattern => {
    const c = patterns.get(pattern);
    if (!c) throw new Error(`internal error: invalid pattern "${pattern}" reached the planner`);
    return c;
  };
  const diagnostics: PlanState['diagnostics'] = [];

  const knownWildcards = new Set<string>(workflow.wildcards.keys());
  for (const p of workflow.products.values()) for (const w of p.wildcards) knownWildcards.add(w);
  for (const r of workflow.rules.values()) for (const w of r.wildcards) knownWildcards.add(w);
  const where = new Map<string, ReadonlySet<string>>();
  for (const [name, values] of Object.entries(whereOption)) {
    if (!knownWildcards.has(name)) {
      const guess = suggest(name, [...knownWildcards]);
      diagnostics.push(error('WF2107', `--where names \`${name}\`, which is not a wildcard of this workflow`, undefined, guess ? `did you mean \`${guess}\`?` : undefined));
      continue;
    }
    where.set(name, new Set(values));
  }

  const products = new Map<string, ProductStore>();
  for (const p of workflow.products.values()) {
    products.set(p.name, { model: p, pattern: compile(p.pattern), values: [], paths: [], producers: [] });
  }

  const rules: RuleInfo[] = [];
  const producerRule = new Map<string, RuleInfo>();
  let index = 0;
  for (const model of workflow.rules.values()) {
    const position = new Map<string, number>(model.wildcards.map((w, i) => [w, i]));
    const inputs: InputInfo[] = model.inputs.map((m) => {
      const pattern = compile(m.pattern);
      return { model: m, pattern, positions: pattern.wildcards.map((w) => position.get(w) ?? -1), template: bindTemplate(pattern, position) };
    });
    const outputs: OutputInfo[] = model.outputs.map((m) => {
      const pattern = compile(m.pattern);
      return { model: m, pattern, template: boundOrThrow(pattern, position) };
    });
    const params = evaluateEntries(model.params, config);
    if (!params.ok) {
      diagnostics.push(error('WF2117', `params of rule ${model.name} use \`${params.missing}\`, which is not set`, model.span));
    }
    const info: RuleInfo = {
      model,
      index: index++,
      wildcards: model.wildcards,
      position,
      inputs,
      outputs,
      ...(model.log !== undefined ? { log: boundOrThrow(compile(model.log), position) } : {}),
      ...(model.metrics !== undefined ? { metrics: boundOrThrow(compile(model.metrics), position) } : {}),
      params: params.ok ? params.value : undefined,
      pieces: scanPlaceholders(model.shell),
      digest: ruleDigest(model),
      hasTempOutput: model.outputs.some((o) => o.temp),
      hasGather: model.inputs.some((i) => i.kind === 'gather'),
    };
    rules.push(info);
    for (const o of model.outputs) if (o.product !== undefined) producerRule.set(o.product, info);
  }

  return {
    workflow,
    config,
    where,
    fs,
    headers: new HeaderReader(fs),
    patterns,
    rules,
    ruleByName: new Map(rules.map((r) => [r.model.name, r])),
    producerRule,
    products,
    jobs: [],
    outputs: new Map(),
    unplanned: new Map(),
    renderedRules: new Set(),
    diagnostics,
  };
}

/** Outputs and logs only use the rule's wildcards (checker WF2025); anything else is an internal error. */
function boundOrThrow(pattern: CompiledPattern, position: ReadonlyMap<string, number>): Template {
  const t = bindTemplate(pattern, position);
  if (!t) throw new Error(`internal error: "${pattern.source}" uses a wildcard its rule does not have`);
  return t;
}
