/**
 * Config values (spec §2 `config`, §6 "Files and names"): converting value
 * nodes to plain {@link ConfigValue}s, merging the config blocks of every
 * file (the including file wins; maps merge deeply), and looking up
 * `config.a.b` paths with "did you mean" hints.
 *
 * Reports WF2006 (unknown config key) and WF2010 (a key given twice in one
 * block). Never throws on user error.
 */
import * as path from 'node:path';
import type { Entry, Span, ValueNode } from '../ir/nodes.js';
import type { ConfigObject, ConfigValue } from '../ir/model.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/spellcheck.js';
import type { LoadedFile } from '../loader/index.js';

/** Resolves a `config.a.b` reference (path without `config`) to a value, or undefined when unknown. */
export type RefResolver = (path: readonly string[], span: Span) => ConfigValue | undefined;

/**
 * Convert `{ key = value … }` entries to a plain object, keys in declaration
 * order. A key given twice is WF2010 (the first wins). An entry whose value
 * holds an unresolvable reference is dropped (the resolver reports it).
 */
export function entriesToObject(entries: readonly Entry[], resolve: RefResolver, diags: Diagnostic[] | undefined, what: string): ConfigObject {
  const out: Record<string, ConfigValue> = {};
  const seen = new Map<string, Span>();
  for (const e of entries) {
    const first = seen.get(e.key);
    if (first) {
      diags?.push(error('WF2010', `key \`${e.key}\` is given twice in ${what}`, e.keySpan, 'remove one of the two entries', [{ message: 'first given here', span: first }]));
      continue;
    }
    seen.set(e.key, e.keySpan);
    const v = toValue(e.value, resolve, diags, what);
    if (v !== undefined) out[e.key] = v;
  }
  return out;
}

/** Convert one value node; undefined when it holds an unresolvable `config.x` reference. */
export function toValue(node: ValueNode, resolve: RefResolver, diags: Diagnostic[] | undefined, what: string): ConfigValue | undefined {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'list': {
      const items = node.items.map((i) => toValue(i, resolve, diags, what));
      return items.every((i) => i !== undefined) ? (items as ConfigValue[]) : undefined;
    }
    case 'map':
      return entriesToObject(node.entries, resolve, diags, what);
    case 'config-ref':
      return resolve(node.path, node.span);
    default:
      return unreachable(node);
  }
}

function unreachable(x: never): never {
  throw new Error(`internal error: unexpected value node ${JSON.stringify(x)}`);
}

/** True for a config map (not a list or scalar). */
export function isObject(v: ConfigValue | undefined): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: maps merge key by key, anything else in `over` replaces `base`. Inputs are not mutated. */
export function deepMerge(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: Record<string, ConfigValue> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** Look up `a.b.c` in a config; undefined when any part is missing. */
export function lookupConfig(config: ConfigObject, keys: readonly string[]): ConfigValue | undefined {
  let cur: ConfigValue | undefined = config;
  for (const k of keys) {
    if (!isObject(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/**
 * A resolver over `config` that reports WF2006 for an unknown key, with a
 * "did you mean" hint among the keys at the level where the lookup failed.
 * `where` completes the message: "unknown config key `config.x` in `where`".
 */
export function configResolver(config: ConfigObject, diags: Diagnostic[], where: string): RefResolver {
  return (keys, span) => {
    const v = lookupConfig(config, keys);
    if (v === undefined) diags.push(unknownConfig(config, keys, span, where));
    return v;
  };
}

/** The WF2006 diagnostic for an unknown `config.a.b`. */
export function unknownConfig(config: ConfigObject, keys: readonly string[], span: Span, where: string): Diagnostic {
  let cur: ConfigValue = config;
  let i = 0;
  for (; i < keys.length; i++) {
    const next: ConfigValue | undefined = isObject(cur) ? cur[keys[i]!] : undefined;
    if (next === undefined) break;
    cur = next;
  }
  const prefix = keys.slice(0, i);
  const near = isObject(cur) ? suggest(keys[i] ?? '', Object.keys(cur)) : undefined;
  const known = isObject(cur) ? Object.keys(cur) : [];
  const hint =
    near !== undefined
      ? `did you mean \`${['config', ...prefix, near].join('.')}\`?`
      : known.length > 0
        ? `known keys${prefix.length > 0 ? ` of \`config.${prefix.join('.')}\`` : ''}: ${known.join(', ')}`
        : 'declare it in a `config { … }` block';
  return error('WF2006', `unknown config key \`${['config', ...keys].join('.')}\` in ${where}`, span, hint);
}

/**
 * Merge the `config` blocks of every loaded file: within a file blocks apply
 * in order; a file's own config wins over everything it includes; includes
 * apply in order (a later include wins over an earlier one). A reference to
 * another config key is resolved against the merged plain values; an
 * unknown one is WF2006.
 */
export function mergeConfig(files: readonly LoadedFile[], diags: Diagnostic[]): ConfigObject {
  const plain = mergeWith(files, () => undefined, undefined);
  return mergeWith(files, configResolver(plain, diags, 'a config block'), diags);
}

function mergeWith(files: readonly LoadedFile[], resolve: RefResolver, diags: Diagnostic[] | undefined): ConfigObject {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const memo = new Map<string, ConfigObject>();
  const merged = (file: LoadedFile, active: Set<string>): ConfigObject => {
    const done = memo.get(file.path);
    if (done) return done;
    active.add(file.path);
    let result: ConfigObject = {};
    for (const st of file.ast.statements) {
      if (st.kind !== 'include') continue;
      const inc = byPath.get(path.resolve(path.dirname(file.path), st.path));
      // Cycles were reported by the loader; skipping them keeps this total.
      if (inc && !active.has(inc.path)) result = deepMerge(result, merged(inc, active));
    }
    for (const st of file.ast.statements) {
      if (st.kind === 'config') result = deepMerge(result, entriesToObject(st.entries, resolve, diags, 'this config block'));
    }
    active.delete(file.path);
    memo.set(file.path, result);
    return result;
  };
  return files[0] ? merged(files[0], new Set()) : {};
}
