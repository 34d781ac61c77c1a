/**
 * Shell placeholders (spec §3 "Shell", §6 "Placeholders"): every `{…}` that
 * {@link scanPlaceholders} recognizes must name something the rule has.
 *
 * Allowed: `{input}`, `{input.NAME}`, `{output}`, `{output.NAME}`,
 * `{params.NAME}`, `{wildcards.NAME}` or `{NAME}` (an output wildcard),
 * `{config.KEY…}` (present in the merged config), `{resources.cores}`,
 * `{resources.NAME}` (declared), `{log}` (when the rule declares `log`).
 *
 * Reports WF2006 (unknown config key), WF2007 (unknown wildcard), WF2008
 * (any other unknown placeholder) and WF2022 (unknown input/output name).
 */
import type { Span, StringField } from '../ir/nodes.js';
import type { ConfigObject } from '../ir/model.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/spellcheck.js';
import { scanPlaceholders } from '../util/placeholders.js';
import { lookupConfig, unknownConfig } from './config.js';
import type { RuleInfo } from './model.js';

/** Check every placeholder of the rule's shell command. */
export function checkShellPlaceholders(rule: RuleInfo, config: ConfigObject, sources: ReadonlyMap<string, string>, diags: Diagnostic[]): void {
  const field = rule.shellField;
  if (!field) return;
  const { model } = rule;
  const what = `the shell command of rule \`${model.name}\``;
  const inputNames = model.inputs.flatMap((i) => (i.name !== undefined ? [i.name] : []));
  const outputNames = model.outputs.flatMap((o) => (o.name !== undefined ? [o.name] : []));
  const paramNames = model.params.map((e) => e.key);
  const resourceNames = [...new Set(['cores', ...Object.keys(model.resources)])];
  const roots = ['input', 'output', 'params', 'wildcards', 'config', 'resources', ...(model.log !== undefined ? ['log'] : [])];

  for (const piece of scanPlaceholders(field.value)) {
    if (piece.kind !== 'placeholder') continue;
    const span = placeholderSpan(field, piece.offset, piece.length, sources);
    const [root, ...rest] = piece.path as [string, ...string[]];
    const text = `{${piece.path.join('.')}}`;
    const unknown = (message: string, hint?: string): void => {
      diags.push(error('WF2008', `unknown placeholder \`${text}\` in ${what}${message}`, span, hint));
    };
    const member = (names: readonly string[], kind: string, code: 'WF2022' | 'WF2008' | 'WF2007'): void => {
      if (rest.length !== 1) return unknown('', `write \`{${root}.NAME}\` with one name`);
      if (names.includes(rest[0]!)) return;
      const known = names.length > 0 ? `known ${kind}s: ${names.join(', ')}` : `rule \`${model.name}\` has no named ${kind}`;
      diags.push(error(code, `unknown ${kind} \`${rest[0]}\` in placeholder \`${text}\` of ${what}`, span, didYouMean(rest[0]!, names) ?? known));
    };
    switch (root) {
      case 'input':
        if (rest.length > 0) member(inputNames, 'input', 'WF2022');
        break;
      case 'output':
        if (rest.length > 0) member(outputNames, 'output', 'WF2022');
        break;
      case 'params':
        if (rest.length === 0) unknown('', 'name a parameter: `{params.NAME}`');
        else member(paramNames, 'param', 'WF2008');
        break;
      case 'wildcards':
        if (rest.length === 0) unknown('', 'name a wildcard: `{wildcards.NAME}` or `{NAME}`');
        else member(model.wildcards, 'wildcard', 'WF2007');
        break;
      case 'resources':
        if (rest.length === 0) unknown('', 'name a resource: `{resources.cores}`');
        else member(resourceNames, 'resource', 'WF2008');
        break;
      case 'config':
        if (rest.length === 0) unknown('', 'name a key: `{config.KEY}`');
        else if (lookupConfig(config, rest) === undefined) diags.push(unknownConfig(config, rest, span, what));
        break;
      default:
        if (rest.length > 0) {
          unknown('', didYouMean(root, roots) ?? `placeholders start with ${roots.map((r) => `\`${r}\``).join(', ')} or name a wildcard; write \`{{\` and \`}}\` for literal braces`);
        } else if (root === 'log' && model.log !== undefined) {
          // `{log}`: the declared log file.
        } else if (root === 'log') {
          unknown('', `rule \`${model.name}\` declares no log; add \`log "logs/…"\` or remove \`{log}\``);
        } else if (!model.wildcards.includes(root)) {
          const hint =
            didYouMean(root, [...model.wildcards, 'input', 'output', ...(model.log !== undefined ? ['log'] : [])]) ??
            (model.wildcards.length > 0
              ? `the wildcards of rule \`${model.name}\` are ${model.wildcards.map((w) => `\`${w}\``).join(', ')}; write \`{{${root}}}\` for literal braces`
              : `rule \`${model.name}\` has no wildcards; write \`{{${root}}}\` for literal braces`);
          diags.push(error('WF2007', `unknown wildcard \`${root}\` in placeholder \`${text}\` of ${what}`, span, hint));
        }
    }
  }
}

/**
 * The source span of a placeholder at `offset` (0-based, in the string's
 * value) of length `length`. For `"…"` strings escapes are accounted for
 * (each of `\"`, `\\`, `\n`, `\t` is two source characters), which is
 * exact. For `"""…"""` strings the line is found from the value's newlines
 * and the column from the source line (dedent removed only a prefix); when
 * that cannot be matched the span falls back to the string's start.
 */
export function placeholderSpan(field: StringField, offset: number, length: number, sources: ReadonlyMap<string, string>): Span {
  const start = field.valueSpan;
  if (!field.triple) {
    let column = start.column + 1;
    for (const c of field.value.slice(0, offset)) column += c === '"' || c === '\\' || c === '\n' || c === '\t' ? 2 : 1;
    // A placeholder holds only identifiers and dots, so it has no escapes of its own.
    return { file: start.file, line: start.line, column, endLine: start.line, endColumn: column + length - 1 };
  }
  const text = sources.get(start.file);
  const valueLines = field.value.split('\n');
  const before = field.value.slice(0, offset).split('\n');
  const lineIndex = before.length - 1;
  const columnInValue = before[lineIndex]!.length;
  if (text !== undefined) {
    const srcLines = text.split(/\r?\n/);
    const opening = srcLines[start.line - 1] ?? '';
    const afterQuotes = opening.slice(start.column - 1 + 3);
    // The first line is dropped when blank right after `"""`, so the value starts one line down.
    const firstLine = start.line + (afterQuotes.trim() === '' ? 1 : 0);
    const line = firstLine + lineIndex;
    const src = srcLines[line - 1];
    const valueLine = valueLines[lineIndex]!;
    if (src !== undefined) {
      const at = line === start.line ? src.indexOf(valueLine, start.column - 1 + 3) : src.lastIndexOf(valueLine);
      if (at >= 0 && valueLine !== '') {
        const column = at + columnInValue + 1;
        return { file: start.file, line, column, endLine: line, endColumn: column + length - 1 };
      }
    }
  }
  return { file: start.file, line: start.line, column: start.column, endLine: start.line, endColumn: start.column + 2 };
}
