/**
 * Wildcard consistency of each rule (spec §3 "Patterns and wildcards"):
 * a rule's output wildcards index its jobs, so they must be fixed by the
 * inputs and shared by every output; non-gather inputs and the log may use
 * only those wildcards.
 *
 * Reports WF2015 (an output wildcard not fixed by any input, or missing
 * from another output), WF2016 (a non-gather input wildcard missing from
 * the outputs) and WF2025 (a log wildcard missing from the outputs).
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { patternWildcards } from '../util/pattern-syntax.js';
import type { RuleInfo } from './model.js';

/** Check the wildcards of one built rule. */
export function checkRuleWildcards(rule: RuleInfo, diags: Diagnostic[]): void {
  const { model } = rule;
  const what = `rule \`${model.name}\``;
  const all = model.wildcards;
  const fixed = new Set(model.inputs.flatMap((i) => i.wildcards));
  const reported = new Set<string>();

  for (const out of model.outputs) {
    const missing = all.filter((w) => !out.wildcards.includes(w));
    if (missing.length > 0) {
      diags.push(
        error(
          'WF2015',
          `output \`${out.name ?? out.pattern}\` of ${what} lacks the wildcard${missing.length > 1 ? 's' : ''} ${list(missing)} that other outputs have`,
          out.span,
          'every output of a rule must use the same wildcards, because they name the job that writes them',
        ),
      );
    }
    for (const w of out.wildcards) {
      if (fixed.has(w) || reported.has(w)) continue;
      reported.add(w);
      diags.push(
        error(
          'WF2015',
          `wildcard \`${w}\` of an output of ${what} is not fixed by any input`,
          out.span,
          model.inputs.length === 0
            ? `add an input whose pattern has \`{${w}}\`, so the planner knows which values to build`
            : `add \`{${w}}\` to an input's pattern, or remove it from the output`,
        ),
      );
    }
  }

  for (const input of model.inputs) {
    if (input.kind === 'gather') continue;
    const missing = input.wildcards.filter((w) => !all.includes(w));
    if (missing.length === 0) continue;
    const gather = input.product ? `, or read every instance with \`input all ${input.product}\`` : '';
    diags.push(
      error(
        'WF2016',
        `wildcard${missing.length > 1 ? 's' : ''} ${list(missing)} of input \`${input.name ?? input.pattern}\` of ${what} ${missing.length > 1 ? 'do' : 'does'} not appear in the outputs`,
        input.span,
        `add ${missing.map((w) => `\`{${w}}\``).join(', ')} to the outputs${gather}`,
      ),
    );
  }

  if (model.log !== undefined && rule.logSpan) {
    const missing = patternWildcards(model.log).filter((w) => !all.includes(w));
    if (missing.length > 0) {
      diags.push(
        error(
          'WF2025',
          `log of ${what} uses wildcard${missing.length > 1 ? 's' : ''} ${list(missing)} that the outputs do not have`,
          rule.logSpan,
          all.length > 0 ? `use only the output wildcards: ${list(all)}` : 'the outputs have no wildcards; use a fixed log path',
        ),
      );
    }
  }

  if (model.metrics !== undefined && rule.metricsSpan) {
    const missing = patternWildcards(model.metrics).filter((w) => !all.includes(w));
    if (missing.length > 0) {
      diags.push(
        error(
          'WF2119',
          `metrics of ${what} uses wildcard${missing.length > 1 ? 's' : ''} ${list(missing)} that the outputs do not have`,
          rule.metricsSpan,
          all.length > 0 ? `use only the output wildcards: ${list(all)}` : 'the outputs have no wildcards; use a fixed metrics path',
        ),
      );
    }
  }
}

function list(names: readonly string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}
