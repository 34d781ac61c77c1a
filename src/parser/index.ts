/**
 * Public API of the parser layer: `.wf` source text → AST + diagnostics
 * (spec §2, §6; STYLE §1, §4).
 *
 * Pure: never reads files, never prints, never throws on bad input (a throw
 * is an internal error). The lexer and parser are process-wide singletons
 * (STYLE §7), so `parse` is not re-entrant, which is fine in one JS thread.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ConfigValue } from '../ir/model.js';
import type { FileNode, Span, ValueNode } from '../ir/nodes.js';
import type { Ctx } from './cst-read.js';
import { wfParser } from './grammar.js';
import { lex, tokenSpan } from './lex.js';
import { HINT_SEPARATOR, messageContext } from './messages.js';
import { fileToAst } from './to-ast.js';
import { valueOf } from './to-ast-values.js';

/** Result of {@link parse}: the (possibly partial) AST and every lexing/parsing problem. */
export interface ParseResult {
  /**
   * The statements that parsed completely, in source order. Always present
   * (possibly empty); with errors it holds only what parsed fine.
   */
  readonly ast?: FileNode;
  /** WF1001–WF1007 errors, sorted by line then column, at most one syntax error (WF1003) per line. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parse one `.wf` file. `file` is copied into every `Span.file`. Spans are
 * 1-based with an inclusive `endColumn`; only `\n` ends a line.
 *
 * Emits WF1001 unexpected character, WF1002 unterminated string, WF1003
 * syntax error, WF1004 invalid escape, WF1005 invalid or unterminated regex,
 * WF1006 reserved word used as a name, WF1007 invalid number or level.
 * Error recovery is on: several broken statements give several diagnostics.
 */
export function parse(text: string, file: string): ParseResult {
  const lexed = lex(text, file, true);
  resetContext();
  wfParser.input = lexed.tokens;
  const cst = wfParser.file();
  const end = lexed.tokens[lexed.tokens.length - 1];
  const syntax = wfParser.errors.map((e) => syntaxDiagnostic(e, end, file));
  const ctx: Ctx = { file, diagnostics: [] };
  const ast = fileToAst(cst, ctx);
  return { ast, diagnostics: tidy([...lexed.diagnostics, ...syntax, ...ctx.diagnostics]) };
}

/**
 * Read `--config K=V`'s V as a `.wf` literal (spec §6): a number (`-1`,
 * `1.5`), `true`/`false`, a quoted string, a list `[…]` or a map `{ k = v }`.
 * Returns undefined when the whole text is not exactly one such literal
 * (e.g. `abc`, `1 2`, `config.x`); the caller then takes V as a plain string.
 */
export function parseLiteral(text: string): ConfigValue | undefined {
  const lexed = lex(text.trim(), '', false);
  if (lexed.diagnostics.length > 0 || lexed.tokens.length === 0) return undefined;
  resetContext();
  wfParser.input = lexed.tokens;
  const cst = wfParser.value();
  if (wfParser.errors.length > 0) return undefined;
  const ctx: Ctx = { file: '', diagnostics: [] };
  const node = valueOf(cst, ctx);
  return node && ctx.diagnostics.length === 0 ? toConfigValue(node) : undefined;
}

function toConfigValue(v: ValueNode): ConfigValue | undefined {
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return v.value;
    case 'list': {
      const items = v.items.map(toConfigValue);
      return items.every((i) => i !== undefined) ? (items as ConfigValue[]) : undefined;
    }
    case 'map': {
      const out: Record<string, ConfigValue> = {};
      for (const e of v.entries) {
        const value = toConfigValue(e.value);
        if (value === undefined) return undefined;
        out[e.key] = value;
      }
      return out;
    }
    case 'config-ref':
      return undefined;
  }
}

function resetContext(): void {
  messageContext.rule = undefined;
  messageContext.item = undefined;
  messageContext.blocks.length = 0;
}

function syntaxDiagnostic(e: IRecognitionException, end: IToken | undefined, file: string): Diagnostic {
  const [message, hint] = e.message.split(HINT_SEPARATOR);
  const t = Number.isFinite(e.token.startOffset) && e.token.tokenType.name !== 'EOF' ? e.token : (end ?? e.token);
  const span: Span = Number.isFinite(t.startOffset) ? tokenSpan(t, file) : { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  // A newline token spans its `\n`; show it as a one-character point at the line's end.
  return error('WF1003', message ?? 'syntax error', span, hint);
}

const LEXICAL = new Set(['WF1001', 'WF1002', 'WF1004']);

/**
 * Sort by position and drop cascades: a syntax error (WF1003) is kept only
 * when it is the first on its line and no lexical error (WF1001/2/4) is.
 */
function tidy(all: Diagnostic[]): Diagnostic[] {
  const sorted = [...all].sort((a, b) => (a.span?.line ?? 0) - (b.span?.line ?? 0) || (a.span?.column ?? 0) - (b.span?.column ?? 0));
  const lexicalLines = new Set(sorted.filter((d) => LEXICAL.has(d.code)).map((d) => d.span?.line));
  const syntaxLines = new Set<number | undefined>();
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of sorted) {
    const line = d.span?.line;
    if (d.code === 'WF1003') {
      if (lexicalLines.has(line) || syntaxLines.has(line)) continue;
      syntaxLines.add(line);
    }
    const key = `${d.code}:${line}:${d.span?.column}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
