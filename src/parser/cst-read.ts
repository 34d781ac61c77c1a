/**
 * Small readers over Chevrotain CST nodes for `to-ast.ts`: children by key,
 * spans, and the conversion context.
 *
 * Tokens that error recovery inserted (`isInsertedInRecovery`) are treated
 * as absent, so a partial statement is dropped rather than given a bogus
 * value. Must not: report syntax errors (Chevrotain already did).
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../ir/nodes.js';
import { tokenSpan } from './lex.js';

/** Conversion context: the file name copied into spans, and the diagnostics sink. */
export interface Ctx {
  readonly file: string;
  readonly diagnostics: Diagnostic[];
}

function isToken(e: CstElement): e is IToken {
  return (e as IToken).tokenType !== undefined;
}

function isReal(t: IToken): boolean {
  return t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset);
}

/** The real (not recovery-inserted) tokens under `key`, in source order. */
export function toks(n: CstNode | undefined, key: string): IToken[] {
  const list = n?.children[key];
  if (!list) return [];
  return list.filter((e): e is IToken => isToken(e) && isReal(e));
}

/** The `i`-th real token under `key`, if any. */
export function tok(n: CstNode | undefined, key: string, i = 0): IToken | undefined {
  return toks(n, key)[i];
}

/** The child nodes under `key`, in source order. */
export function nodes(n: CstNode | undefined, key: string): CstNode[] {
  const list = n?.children[key];
  if (!list) return [];
  return list.filter((e): e is CstNode => !isToken(e));
}

/** The `i`-th child node under `key`, if any. */
export function node(n: CstNode | undefined, key: string, i = 0): CstNode | undefined {
  return nodes(n, key)[i];
}

/** Span of one token (1-based, `endColumn` inclusive). */
export const spanOf = tokenSpan;

/** The span from the start of `a` to the end of `b`. */
export function join(a: Span, b: Span): Span {
  return { file: a.file, line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

/** First and last real tokens anywhere under `n` (by offset), if any. */
export function bounds(n: CstNode): [IToken, IToken] | undefined {
  let first: IToken | undefined;
  let last: IToken | undefined;
  const visit = (x: CstNode): void => {
    for (const list of Object.values(x.children)) {
      for (const e of list) {
        if (isToken(e)) {
          if (!isReal(e)) continue;
          if (first === undefined || e.startOffset < first.startOffset) first = e;
          if (last === undefined || e.startOffset > last.startOffset) last = e;
        } else visit(e);
      }
    }
  };
  visit(n);
  return first && last ? [first, last] : undefined;
}

/**
 * Span covering every real token under `n`; `fallback` when it has none.
 * Uses the location Chevrotain tracked (O(1)); walks the subtree only when
 * recovery left that location incomplete.
 */
export function nodeSpan(n: CstNode, file: string, fallback?: Span): Span | undefined {
  const l = n.location;
  if (l && Number.isFinite(l.startLine) && Number.isFinite(l.endLine) && Number.isFinite(l.startColumn) && Number.isFinite(l.endColumn)) {
    return { file, line: l.startLine!, column: l.startColumn!, endLine: l.endLine!, endColumn: l.endColumn! };
  }
  const b = bounds(n);
  return b ? join(spanOf(b[0], file), spanOf(b[1], file)) : fallback;
}
