/**
 * Evaluating `params { … }` values and `config.a.b` references against the
 * merged config (spec §3 "Shell", §6 "`--config K=V`").
 *
 * Pure: no file system, no diagnostics of its own (callers wrap the
 * `missing` path into the code that fits their context).
 */
import type { ConfigObject, ConfigValue } from '../ir/model.js';
import type { Entry, ValueNode } from '../ir/nodes.js';

/** A value, or the dotted config path that does not exist (e.g. `"config.a.b"`). */
export type Evaluated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly missing: string };

/** True for a config map (not a list, not a scalar). */
export function isConfigObject(v: ConfigValue | undefined): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Look up `path` (without the leading `config`) in a config object; undefined when absent. */
export function lookupPath(root: ConfigObject, path: readonly string[]): ConfigValue | undefined {
  let cur: ConfigValue | undefined = root;
  for (const key of path) {
    if (!isConfigObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Evaluate a literal or `config.x` reference; lists and maps recursively. */
export function evaluateValue(node: ValueNode, config: ConfigObject): Evaluated<ConfigValue> {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return { ok: true, value: node.value };
    case 'list': {
      const items: ConfigValue[] = [];
      for (const item of node.items) {
        const v = evaluateValue(item, config);
        if (!v.ok) return v;
        items.push(v.value);
      }
      return { ok: true, value: items };
    }
    case 'map':
      return evaluateEntries(node.entries, config);
    case 'config-ref': {
      const v = lookupPath(config, node.path);
      return v === undefined ? { ok: false, missing: ['config', ...node.path].join('.') } : { ok: true, value: v };
    }
    default:
      return unreachable(node);
  }
}

/** Evaluate `key = value` entries into a config object (keys in declaration order). */
export function evaluateEntries(entries: readonly Entry[], config: ConfigObject): Evaluated<ConfigObject> {
  const out: Record<string, ConfigValue> = {};
  for (const entry of entries) {
    const v = evaluateValue(entry.value, config);
    if (!v.ok) return v;
    out[entry.key] = v.value;
  }
  return { ok: true, value: out };
}

/** Format a scalar for a command or message: numbers as JS prints them, booleans as `true`/`false`. */
export function scalarText(v: string | number | boolean): string {
  return typeof v === 'string' ? v : String(v);
}

/** Exhaustiveness guard for `switch` statements (STYLE §3). */
export function unreachable(x: never): never {
  throw new Error(`internal error: unexpected value ${JSON.stringify(x)}`);
}
