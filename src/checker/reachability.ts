/**
 * Default targets and what they reach (spec §2 `default`, §4 warnings):
 * resolves `default` to {@link TargetSpec}s, then walks the rule graph
 * backwards from the effective targets (the defaults, else every product of
 * the highest level).
 *
 * Reports WF2005 (unknown name in `default`, error), WF2050 (a product no
 * rule reads or produces and no default targets, warning) and WF2051 (a
 * rule that no default target needs, warning).
 */
import type { TargetSpec } from '../ir/model.js';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/spellcheck.js';
import { parsePattern } from '../util/pattern-syntax.js';
import { compareLevels } from '../util/levels.js';
import { dataKey, type Producers } from './graph.js';
import type { ProductInfo, RuleInfo } from './model.js';
import type { DefaultDecl, WildcardDecl } from './names.js';

/** Resolve a `default` statement; unknown names are WF2005 and left out. */
export function resolveDefaults(
  decl: DefaultDecl | undefined,
  products: ReadonlyMap<string, ProductInfo>,
  rules: ReadonlyMap<string, RuleInfo>,
  diags: Diagnostic[],
): TargetSpec[] {
  const out: TargetSpec[] = [];
  for (const t of decl?.targets ?? []) {
    if (t.kind === 'level') out.push({ kind: 'level', level: t.level.value, text: t.level.text, span: t.span });
    else if (t.kind === 'path') out.push({ kind: 'path', path: t.path, span: t.span });
    else if (products.has(t.name) || rules.has(t.name)) out.push({ kind: 'name', name: t.name, span: t.span });
    else {
      const hint = didYouMean(t.name, [...products.keys(), ...rules.keys()]) ?? 'a default target is a product, a rule, a level such as `L2`, or a quoted path';
      diags.push(error('WF2005', `unknown product or rule \`${t.name}\` in \`default\``, t.span, hint));
    }
  }
  return out;
}

/** Everything the reachability walk needs. */
export interface ReachEnv {
  readonly products: ReadonlyMap<string, ProductInfo>;
  readonly rules: ReadonlyMap<string, RuleInfo>;
  readonly producers: Producers;
  readonly wildcards: ReadonlyMap<string, WildcardDecl>;
}

/** Emit WF2050 and WF2051 for the given (resolved) default targets. */
export function checkReachability(defaults: readonly TargetSpec[], env: ReachEnv, diags: Diagnostic[]): void {
  const seeds = seedKeys(defaults, env);
  const reachedRules = new Set<string>();
  const reachedKeys = new Set<string>();
  const stack = [...seeds.keys];
  for (const r of seeds.rules) reachRule(r);
  function reachRule(name: string): void {
    if (reachedRules.has(name)) return;
    reachedRules.add(name);
    for (const input of env.rules.get(name)?.model.inputs ?? []) stack.push(dataKey(input));
  }
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (reachedKeys.has(key)) continue;
    reachedKeys.add(key);
    const producer = env.producers.get(key);
    if (producer) reachRule(producer.rule);
  }

  const read = new Set<string>();
  for (const r of env.rules.values()) for (const i of r.model.inputs) if (i.product !== undefined) read.add(i.product);
  for (const p of env.products.values()) {
    const name = p.model.name;
    if (read.has(name) || env.producers.has(`product:${name}`) || seeds.keys.includes(`product:${name}`)) continue;
    diags.push(warning('WF2050', `product \`${name}\` is never used`, p.decl.nameSpan, 'no rule reads or produces it and no default target names it; read it in a rule or remove it'));
  }
  for (const r of env.rules.values()) {
    if (reachedRules.has(r.model.name)) continue;
    diags.push(
      warning('WF2051', `rule \`${r.model.name}\` is not reachable from the default targets`, r.decl.nameSpan, `a bare \`wf run\` never runs it; add it (or one of its outputs) to \`default\`, or remove it`),
    );
  }
}

/** Data keys and rule names the default targets stand for. */
function seedKeys(defaults: readonly TargetSpec[], env: ReachEnv): { keys: string[]; rules: string[] } {
  const keys: string[] = [];
  const rules: string[] = [];
  const products = [...env.products.values()].map((p) => p.model);
  if (defaults.length === 0) {
    const top = products.reduce<number | undefined>((m, p) => (m === undefined || compareLevels(p.level, m) > 0 ? p.level : m), undefined);
    for (const p of products) if (top !== undefined && compareLevels(p.level, top) === 0) keys.push(`product:${p.name}`);
    return { keys, rules };
  }
  for (const t of defaults) {
    if (t.kind === 'name') {
      if (env.products.has(t.name)) keys.push(`product:${t.name}`);
      else rules.push(t.name);
    } else if (t.kind === 'level') {
      for (const p of products) if (compareLevels(p.level, t.level) <= 0) keys.push(`product:${p.name}`);
    } else {
      for (const p of products) if (matches(p.pattern, t.path, env.wildcards)) keys.push(`product:${p.name}`);
      for (const r of env.rules.values()) {
        for (const o of r.model.outputs) if (o.product === undefined && matches(o.pattern, t.path, env.wildcards)) keys.push(dataKey(o));
      }
    }
  }
  return { keys, rules };
}

/** Whether a concrete path matches a pattern, honouring `wildcard` constraints (default one path segment). */
function matches(pattern: string, path: string, wildcards: ReadonlyMap<string, WildcardDecl>): boolean {
  const p = parsePattern(pattern);
  if (!p.ok) return false;
  const source = p.parts
    .map((part) => (part.kind === 'literal' ? part.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `(?:${wildcards.get(part.name)?.regex ?? '[^/]+'})`))
    .join('');
  try {
    return new RegExp(`^${source}$`).test(path);
  } catch {
    return false;
  }
}
