/**
 * Hand-built ASTs for checker unit tests, so they do not depend on the
 * parser. Spans are synthetic: every node gets a distinct line so that
 * diagnostics can still be told apart.
 */
import type { Entry, Expr, FileNode, Level, RefNode, RuleItem, Span, Statement, ValueNode } from '../../src/ir/nodes.js';
import type { LoadResult } from '../../src/loader/index.js';

let nextLine = 1;

/** A fresh synthetic span on its own line of `file`. */
export function sp(file = 'test.wf'): Span {
  const line = nextLine++;
  return { file, line, column: 1, endLine: line, endColumn: 1 };
}

/** A level node such as `L1.5`. */
export function lvl(text: string): Level {
  return { text, value: Number(text.slice(1)), span: sp() };
}

/** A plain value node from a JS value; `{ ref: 'a.b' }` makes a `config.a.b` reference. */
export function val(v: unknown): ValueNode {
  if (typeof v === 'string') return { kind: 'string', value: v, span: sp() };
  if (typeof v === 'number') return { kind: 'number', value: v, span: sp() };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v, span: sp() };
  if (Array.isArray(v)) return { kind: 'list', items: v.map(val), span: sp() };
  const o = v as Record<string, unknown>;
  if (typeof o.ref === 'string') return { kind: 'config-ref', path: o.ref.split('.'), span: sp() };
  return { kind: 'map', entries: entries(o), span: sp() };
}

/** Entries of a `{ … }` block from a JS object. */
export function entries(o: Record<string, unknown>): Entry[] {
  return Object.entries(o).map(([key, v]) => ({ key, keySpan: sp(), value: val(v) }));
}

/** `product NAME LEVEL "pattern"`. */
export function product(name: string, level: string, pattern: string, keywords: Record<string, unknown> = {}): Statement {
  return { kind: 'product', name, nameSpan: sp(), level: lvl(level), pattern, patternSpan: sp(), keywords: entries(keywords), span: sp() };
}

/** `wildcard NAME = /regex/`. */
export function wildcard(name: string, regex: string): Statement {
  return { kind: 'wildcard', name, nameSpan: sp(), regex, regexSpan: sp(), span: sp() };
}

/** `config { … }`. */
export function config(o: Record<string, unknown>): Statement {
  return { kind: 'config', entries: entries(o), span: sp() };
}

/** `include "path"`. */
export function include(path: string): Statement {
  return { kind: 'include', path, pathSpan: sp(), span: sp() };
}

/** `default a, L2, "path"` (a string starting with `L`+digit is a level, one with `/` a path). */
export function defaults(...targets: string[]): Statement {
  return {
    kind: 'default',
    targets: targets.map((t) =>
      /^L\d/.test(t) ? { kind: 'level', level: lvl(t), span: sp() } : t.includes('/') ? { kind: 'path', path: t, span: sp() } : { kind: 'name', name: t, span: sp() },
    ),
    span: sp(),
  };
}

/** `rule NAME [LEVEL] { items }`. */
export function rule(name: string, items: RuleItem[], level?: string): Statement {
  return { kind: 'rule', name, nameSpan: sp(), ...(level ? { level: lvl(level) } : {}), items, span: sp() };
}

/** A ref: `"all x"` is a gather, a string with `/` or `.` a path, else a product name. */
export function ref(text: string): RefNode {
  if (text.startsWith('all ')) return { kind: 'gather', product: text.slice(4), productSpan: sp(), span: sp() };
  if (text.includes('/') || text.includes('.')) return { kind: 'path', pattern: text, span: sp() };
  return { kind: 'product', name: text, span: sp() };
}

/** `input [name =] ref`. */
export function input(r: string, name?: string): RuleItem {
  return { kind: 'input', ref: ref(r), span: sp(), ...(name ? { name, nameSpan: sp() } : {}) };
}

/** `output [modifier] [name =] ref`. */
export function output(r: string, opts: { name?: string; modifier?: 'temp' | 'protected' } = {}): RuleItem {
  return { kind: 'output', ref: ref(r), span: sp(), ...(opts.name ? { name: opts.name, nameSpan: sp() } : {}), ...(opts.modifier ? { modifier: opts.modifier } : {}) };
}

/** `shell "…"`. */
export function shell(value: string): RuleItem {
  const s = sp();
  return { kind: 'shell', value, span: s, valueSpan: { ...s, column: 7, endColumn: 7 + value.length + 1 }, triple: false };
}

/** `timeout "…"` / `log "…"`. */
export function str(kind: 'timeout' | 'log', value: string): RuleItem {
  return { kind, value, span: sp(), valueSpan: sp(), triple: false };
}

/** `retries N`. */
export function retries(value: number): RuleItem {
  return { kind: 'retries', value, span: sp() };
}

/** `params { … }` / `resources { … }`. */
export function block(kind: 'params' | 'resources', o: Record<string, unknown>): RuleItem {
  return { kind, entries: entries(o), span: sp() };
}

/** `when EXPR`. */
export function when(expr: Expr): RuleItem {
  return { kind: 'when', expr, span: sp() };
}

/** Expression builders for `when`. */
export const ex = {
  name: (name: string): Expr => ({ kind: 'name', name, span: sp() }),
  lit: (v: unknown): Expr => ({ kind: 'literal', value: val(v), span: sp() }),
  member: (scope: 'config' | 'params' | 'wildcards' | 'input', ...path: string[]): Expr => ({ kind: 'member', scope, path, span: sp() }),
  call: (callee: string, ...args: Expr[]): Expr => ({ kind: 'call', callee, calleeSpan: sp(), args, span: sp() }),
  bin: (op: Extract<Expr, { kind: 'binary' }>['op'], left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: sp() }),
};

/** A {@link LoadResult} of one or more in-memory files (first is main, at `/wf/<file>`). */
export function loaded(...files: { file?: string; statements: Statement[] }[]): LoadResult {
  return {
    files: files.map((f, i) => {
      const file = f.file ?? (i === 0 ? 'test.wf' : `inc${i}.wf`);
      const ast: FileNode = { file, statements: f.statements };
      return { path: `/wf/${file}`, displayPath: file, ast };
    }),
    sources: new Map(),
    diagnostics: [],
  };
}
