/**
 * CST → AST for values, `{ … }` entries and `when` expressions (spec §2
 * `config`/`params`, §3 "`when`").
 *
 * Owns: decoding literals into {@link ValueNode}s and folding the expression
 * CST into {@link Expr} trees (left-associative `and`/`or`). Reports WF1003
 * for a dotted name whose scope is not `config`, `params`, `wildcards` or
 * `input`. Returns `undefined` for anything recovery left incomplete.
 */
import type { CstNode, IToken } from 'chevrotain';
import { error } from '../diagnostics/diagnostic.js';
import type { BinaryOp, Entry, Expr, Span, ValueNode } from '../ir/nodes.js';
import { type Ctx, join, node, nodes, nodeSpan, spanOf, tok, toks } from './cst-read.js';
import { decodeString, dedentTriple } from './lex.js';
import * as T from './tokens.js';

/** The text of a string token: decoded `"…"` or dedented `"""…"""`. */
export function stringValue(t: IToken): string {
  return t.tokenType === T.TripleString ? dedentTriple(t.image) : decodeString(t.image);
}

/** Entries of a `mapBlock` node, in source order; incomplete entries are skipped. */
export function entriesOf(block: CstNode | undefined, ctx: Ctx): Entry[] {
  const out: Entry[] = [];
  for (const e of nodes(block, 'entry')) {
    const key = tok(e, 'key');
    const value = valueOf(node(e, 'value'), ctx);
    if (key && value) out.push({ key: key.image, keySpan: spanOf(key, ctx.file), value });
  }
  return out;
}

/** A `value` node as a {@link ValueNode}. */
export function valueOf(n: CstNode | undefined, ctx: Ctx): ValueNode | undefined {
  if (!n) return undefined;
  const s = tok(n, 'string');
  if (s) return { kind: 'string', value: stringValue(s), span: spanOf(s, ctx.file) };
  const num = tok(n, 'number');
  if (num) return numberNode(num, ctx);
  const b = tok(n, 'boolean');
  if (b) return { kind: 'boolean', value: b.tokenType === T.True, span: spanOf(b, ctx.file) };
  const list = node(n, 'list');
  if (list) return listOf(list, ctx);
  const map = node(n, 'mapBlock');
  if (map) {
    const span = nodeSpan(map, ctx.file);
    return span && { kind: 'map', entries: entriesOf(map, ctx), span };
  }
  const ref = node(n, 'configRef');
  if (ref) {
    const path = toks(node(ref, 'memberPath'), 'part').map((t) => t.image);
    const span = nodeSpan(ref, ctx.file);
    return path.length > 0 && span ? { kind: 'config-ref', path, span } : undefined;
  }
  return undefined;
}

function numberNode(t: IToken, ctx: Ctx): ValueNode | undefined {
  const value = Number(t.image);
  // An invalid number was already reported (WF1007) by the lexing pass.
  return Number.isFinite(value) && /^-?\d+(?:\.\d+)?$/.test(t.image) ? { kind: 'number', value, span: spanOf(t, ctx.file) } : undefined;
}

function listOf(list: CstNode, ctx: Ctx): ValueNode | undefined {
  const span = nodeSpan(list, ctx.file);
  if (!span || !tok(list, 'RBracket')) return undefined;
  const items: ValueNode[] = [];
  for (const item of nodes(list, 'items')) {
    const v = valueOf(item, ctx);
    if (!v) return undefined;
    items.push(v);
  }
  return { kind: 'list', items, span };
}

/** An `orExpr` node as an {@link Expr}. */
export function exprOf(n: CstNode | undefined, ctx: Ctx): Expr | undefined {
  if (!n) return undefined;
  switch (n.name) {
    case 'orExpr':
      return fold(n, 'or', ctx);
    case 'andExpr':
      return fold(n, 'and', ctx);
    case 'notExpr':
      return notOf(n, ctx);
    case 'cmpExpr':
      return cmpOf(n, ctx);
    case 'primary':
      return primaryOf(n, ctx);
    default:
      return undefined;
  }
}

function fold(n: CstNode, op: 'and' | 'or', ctx: Ctx): Expr | undefined {
  const operands = nodes(n, 'operands').map((o) => exprOf(o, ctx));
  let acc = operands[0];
  for (const next of operands.slice(1)) {
    if (!acc || !next) return undefined;
    acc = { kind: 'binary', op, left: acc, right: next, span: join(acc.span, next.span) };
  }
  return operands.every((o) => o !== undefined) ? acc : undefined;
}

function notOf(n: CstNode, ctx: Ctx): Expr | undefined {
  const not = tok(n, 'Not');
  if (!not) return exprOf(node(n, 'cmpExpr'), ctx);
  const operand = exprOf(node(n, 'operand'), ctx);
  return operand && { kind: 'not', operand, span: join(spanOf(not, ctx.file), operand.span) };
}

function cmpOf(n: CstNode, ctx: Ctx): Expr | undefined {
  const left = exprOf(node(n, 'left'), ctx);
  const opTok = tok(n, 'op');
  if (!opTok) return node(n, 'right') ? undefined : left;
  const right = exprOf(node(n, 'right'), ctx);
  if (!left || !right) return undefined;
  const op: BinaryOp = tok(n, 'negation') ? 'not-in' : (opTok.image as BinaryOp);
  return { kind: 'binary', op, left, right, span: join(left.span, right.span) };
}

const SCOPES = new Set(['config', 'params', 'wildcards', 'input']);

function primaryOf(n: CstNode, ctx: Ctx): Expr | undefined {
  const lit = tok(n, 'string') ?? tok(n, 'number') ?? tok(n, 'boolean');
  if (lit) {
    const value = valueOf(n, ctx);
    return value && { kind: 'literal', value, span: value.span };
  }
  const list = node(n, 'list');
  if (list) {
    const value = listOf(list, ctx);
    return value && { kind: 'literal', value, span: value.span };
  }
  const name = tok(n, 'name');
  if (name) return { kind: 'name', name: name.image, span: spanOf(name, ctx.file) };
  const call = node(n, 'call');
  if (call) return callOf(call, ctx);
  const member = node(n, 'member');
  if (member) return memberOf(member, ctx);
  const inner = exprOf(node(n, 'inner'), ctx);
  const open = tok(n, 'LParen');
  const close = tok(n, 'RParen');
  // Parentheses widen the span so a caret under `(a or b)` covers them.
  return inner && open && close ? { ...inner, span: join(spanOf(open, ctx.file), spanOf(close, ctx.file)) } : undefined;
}

function callOf(call: CstNode, ctx: Ctx): Expr | undefined {
  const callee = tok(call, 'callee');
  const close = tok(call, 'RParen');
  if (!callee || !close) return undefined;
  const args: Expr[] = [];
  for (const a of nodes(call, 'args')) {
    const e = exprOf(a, ctx);
    if (!e) return undefined;
    args.push(e);
  }
  const calleeSpan = spanOf(callee, ctx.file);
  return { kind: 'call', callee: callee.image, calleeSpan, args, span: join(calleeSpan, spanOf(close, ctx.file)) };
}

function memberOf(member: CstNode, ctx: Ctx): Expr | undefined {
  const scope = tok(member, 'scope');
  const path = toks(node(member, 'memberPath'), 'part');
  const last = path[path.length - 1];
  if (!scope || !last) return undefined;
  const span: Span = join(spanOf(scope, ctx.file), spanOf(last, ctx.file));
  if (!SCOPES.has(scope.image)) {
    const text = [scope.image, ...path.map((p) => p.image)].join('.');
    ctx.diagnostics.push(
      error('WF1003', `\`${text}\` cannot be used in \`when\`: \`${scope.image}\` is not config, params, wildcards or input`, span,
        'write config.NAME, params.NAME, wildcards.NAME (or just NAME) or input.NAME'),
    );
    return undefined;
  }
  return { kind: 'member', scope: scope.image as 'config' | 'params' | 'wildcards' | 'input', path: path.map((p) => p.image), span };
}
