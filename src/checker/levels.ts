/**
 * Level discipline (spec §3 "Levels"): a rule reads only products of a
 * level at or below its own and writes products of exactly its own level.
 * This is what lets the planner rely on levels never going down along the
 * rule graph (see `util/levels.ts`).
 *
 * Reports WF2013 (reads a higher level) and WF2014 (writes another level).
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { compareLevels } from '../util/levels.js';
import type { ProductInfo, RuleInfo } from './model.js';

/** Check the levels of one rule's product inputs and outputs. */
export function checkRuleLevels(rule: RuleInfo, products: ReadonlyMap<string, ProductInfo>, diags: Diagnostic[]): void {
  const { model } = rule;
  const declared = rule.decl.level !== undefined;
  for (const input of model.inputs) {
    const p = input.product ? products.get(input.product) : undefined;
    if (!p || compareLevels(p.model.level, model.level) <= 0) continue;
    diags.push(
      error(
        'WF2013',
        `rule \`${model.name}\` (${model.levelText}) reads product \`${p.model.name}\` of the higher level ${p.model.levelText}`,
        input.span,
        declared ? `declare the rule at ${p.model.levelText} or above, or read a product of level ${model.levelText} or below` : `declare the rule's level: \`rule ${model.name} ${p.model.levelText} { … }\``,
        [{ message: `\`${p.model.name}\` is declared here`, span: p.decl.nameSpan }],
      ),
    );
  }
  for (const output of model.outputs) {
    const p = output.product ? products.get(output.product) : undefined;
    if (!p || compareLevels(p.model.level, model.level) === 0) continue;
    diags.push(
      error(
        'WF2014',
        `rule \`${model.name}\` (${model.levelText}) writes product \`${p.model.name}\` of level ${p.model.levelText}`,
        output.span,
        'a rule writes products of exactly its own level; split it into one rule per level',
        [{ message: `\`${p.model.name}\` is declared here`, span: p.decl.nameSpan }],
      ),
    );
  }
}
