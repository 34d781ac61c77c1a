/**
 * `when` conditions (spec §3 "`when`"): bare names are wildcards of the
 * rule, `config.x` exists, `params.x` is declared by the rule, and the only
 * functions are `exists("pattern")` and `header(INPUT, "KEY")`.
 *
 * Reports WF2006 (unknown config key), WF2007 (unknown wildcard), WF2021
 * (unknown function or wrong arguments), WF2022 (unknown input name in
 * `header`), WF2024 (invalid pattern) and WF2027 (unknown params key).
 */
import type { Expr } from '../ir/nodes.js';
import type { ConfigObject } from '../ir/model.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/spellcheck.js';
import { parsePattern } from '../util/pattern-syntax.js';
import { lookupConfig, unknownConfig } from './config.js';
import { badPattern, type RuleInfo } from './model.js';

const FUNCTIONS = ['exists', 'header'];

/** Check the rule's `when` expression, if any. */
export function checkWhen(rule: RuleInfo, config: ConfigObject, diags: Diagnostic[]): void {
  const { model } = rule;
  if (!model.when) return;
  const what = `the \`when\` of rule \`${model.name}\``;
  const paramNames = model.params.map((e) => e.key);
  const inputNames = model.inputs.flatMap((i) => (i.name !== undefined ? [i.name] : []));

  const wildcard = (name: string, span: Expr['span']): void => {
    if (model.wildcards.includes(name)) return;
    const hint =
      didYouMean(name, model.wildcards) ??
      (model.wildcards.length > 0 ? `the wildcards of rule \`${model.name}\` are ${model.wildcards.map((w) => `\`${w}\``).join(', ')}` : `rule \`${model.name}\` has no wildcards; quote a string literal`);
    diags.push(error('WF2007', `unknown wildcard \`${name}\` in ${what}`, span, hint));
  };

  const pattern = (arg: Expr, fn: string): void => {
    if (arg.kind !== 'literal' || arg.value.kind !== 'string') return;
    const p = parsePattern(arg.value.value);
    if (!p.ok) {
      diags.push(badPattern(arg.value.value, p.reason, arg.span, `\`${fn}()\` in ${what}`));
      return;
    }
    for (const w of p.wildcards) wildcard(w, arg.span);
  };

  const call = (e: Extract<Expr, { kind: 'call' }>): void => {
    if (e.callee === 'exists') {
      const [arg] = e.args;
      if (e.args.length !== 1 || arg?.kind !== 'literal' || arg.value.kind !== 'string') {
        diags.push(error('WF2021', `\`exists\` in ${what} takes one quoted path pattern`, e.span, 'write `exists("path/{wildcard}.ext")`'));
        return;
      }
      pattern(arg, 'exists');
      return;
    }
    if (e.callee === 'header') {
      const [file, key] = e.args;
      const fileOk = file !== undefined && (file.kind === 'name' || (file.kind === 'member' && file.scope === 'input') || (file.kind === 'literal' && file.value.kind === 'string'));
      const keyOk = key !== undefined && key.kind === 'literal' && key.value.kind === 'string';
      if (e.args.length !== 2 || !fileOk || !keyOk) {
        diags.push(error('WF2021', `\`header\` in ${what} takes an input name or a quoted path, then a quoted keyword`, e.span, 'write `header(INPUT, "KEYWORD")`'));
        return;
      }
      const inputName = file.kind === 'name' ? file.name : file.kind === 'member' ? file.path.join('.') : undefined;
      if (inputName !== undefined && !inputNames.includes(inputName)) {
        const hint = didYouMean(inputName, inputNames) ?? (inputNames.length > 0 ? `named inputs: ${inputNames.join(', ')}` : `rule \`${model.name}\` has no named input; name one with \`input NAME = …\``);
        diags.push(error('WF2022', `unknown input \`${inputName}\` in \`header()\` of ${what}`, file.span, hint));
      }
      pattern(file, 'header');
      return;
    }
    diags.push(error('WF2021', `unknown function \`${e.callee}\` in ${what}`, e.calleeSpan, didYouMean(e.callee, FUNCTIONS) ?? 'the functions are `exists("pattern")` and `header(INPUT, "KEY")`'));
  };

  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'literal':
        return;
      case 'name':
        return wildcard(e.name, e.span);
      case 'member':
        if (e.scope === 'config') {
          if (lookupConfig(config, e.path) === undefined) diags.push(unknownConfig(config, e.path, e.span, what));
        } else if (e.scope === 'params') {
          const key = e.path[0] ?? '';
          if (!paramNames.includes(key)) {
            const hint = didYouMean(key, paramNames) ?? (paramNames.length > 0 ? `declared params: ${paramNames.join(', ')}` : `declare it: \`params { ${key} = … }\``);
            diags.push(error('WF2027', `unknown params key \`params.${e.path.join('.')}\` in ${what}`, e.span, hint));
          }
        } else if (e.scope === 'wildcards') {
          wildcard(e.path.join('.'), e.span);
        } else {
          diags.push(error('WF2021', `\`input.${e.path.join('.')}\` can appear in ${what} only as the first argument of \`header()\``, e.span, 'write `header(INPUT, "KEY")` to read a header keyword of an input'));
        }
        return;
      case 'call':
        return call(e);
      case 'not':
        return visit(e.operand);
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      default:
        return unreachable(e);
    }
  };
  visit(model.when);
}

function unreachable(x: never): never {
  throw new Error(`internal error: unexpected expression ${JSON.stringify(x)}`);
}
