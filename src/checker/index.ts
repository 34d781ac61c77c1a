/**
 * The checker: turns a {@link LoadResult} into the checked {@link Workflow}
 * model, running every static check of spec §4 (`wf check`).
 *
 * Stages, in order: declarations (one namespace), config merge, products,
 * rules, per-rule checks (wildcards, levels, `when`, placeholders), the
 * rule graph (producers, cycles), defaults and reachability. Pure: reads no
 * files (sources come from the load), prints nothing, never throws on user
 * error.
 */
import * as path from 'node:path';
import type { ProductModel, RuleModel, WildcardModel, Workflow } from '../ir/model.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/render.js';
import type { LoadResult } from '../loader/index.js';
import { mergeConfig } from './config.js';
import { checkCycles, findProducers } from './graph.js';
import { checkRuleLevels } from './levels.js';
import { buildProducts, buildRule, type RuleInfo } from './model.js';
import { collectDeclarations } from './names.js';
import { checkShellPlaceholders } from './placeholders.js';
import { checkReachability, resolveDefaults } from './reachability.js';
import { checkWhen } from './when.js';
import { checkRuleWildcards } from './wildcards.js';

/** The outcome of {@link checkWorkflow}. */
export interface CheckResult {
  /** Present iff there is no error diagnostic (the load's included). */
  readonly workflow?: Workflow;
  /** The load's diagnostics plus the checker's, sorted by file then 1-based position. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Check a loaded workflow and build its model (spec §2–§4, §6).
 *
 * When the load already has errors (syntax, missing or cyclic include) only
 * those are returned: semantic checks on a partial workflow would mostly
 * report consequences of the first error; likewise the warnings WF2050 and
 * WF2051 are computed only when the checks found no error. Emits WF2004–WF2027 (errors) and
 * WF2050–WF2051 (warnings); see the sibling modules for which check emits
 * which. Throws only on internal error.
 */
export function checkWorkflow(load: LoadResult): CheckResult {
  const diags: Diagnostic[] = [...load.diagnostics];
  const main = load.files[0];
  if (hasErrors(diags) || !main) return { diagnostics: sortDiagnostics(diags) };

  const decls = collectDeclarations(load.files, diags);
  const config = mergeConfig(load.files, diags);
  const products = buildProducts(decls, config, diags);
  const ruleNames = [...decls.rules.keys()];
  const rules = new Map<string, RuleInfo>();
  for (const decl of decls.rules.values()) rules.set(decl.name, buildRule(decl, { products, ruleNames, config }, diags));

  for (const rule of rules.values()) {
    checkRuleWildcards(rule, diags);
    checkRuleLevels(rule, products, diags);
    checkWhen(rule, config, diags);
    checkShellPlaceholders(rule, config, load.sources, diags);
  }
  const ruleList = [...rules.values()];
  const producers = findProducers(ruleList, diags);
  checkCycles(ruleList, producers, diags);
  const defaults = resolveDefaults(decls.defaultDecl, products, rules, diags);
  // On a broken graph "unused" and "unreachable" mostly echo the errors (a misspelt input leaves its product unread).
  if (!hasErrors(diags)) checkReachability(defaults, { products, rules, producers, wildcards: decls.wildcards }, diags);

  const sorted = sortDiagnostics(diags);
  if (hasErrors(sorted)) return { diagnostics: sorted };

  const wildcards = new Map<string, WildcardModel>();
  for (const w of decls.wildcards.values()) wildcards.set(w.name, { name: w.name, regex: w.regex, span: w.span });
  const productModels = new Map<string, ProductModel>();
  for (const p of products.values()) productModels.set(p.model.name, { ...p.model, isSource: !producers.has(`product:${p.model.name}`) });
  const ruleModels = new Map<string, RuleModel>(ruleList.map((r) => [r.model.name, r.model]));
  const workflow: Workflow = {
    ...(decls.workflowName !== undefined ? { name: decls.workflowName } : {}),
    mainFile: main.path,
    root: path.dirname(main.path),
    files: load.files.map((f) => f.path),
    config,
    wildcards,
    products: productModels,
    rules: ruleModels,
    defaults,
  };
  return { workflow, diagnostics: sorted };
}
