/**
 * Validation of command-line option values (spec §5, §6): `--where`,
 * `--config`, `--config-file`, `--rerun-triggers`, `-j`. This is an edge
 * where untrusted text enters, so values are checked here (a JSON config
 * file with zod) and passed inward typed. Problems come back as WF2109/usage diagnostics, never throws.
 */
import { readFileSync } from 'node:fs';
import type * as Z from 'zod/mini';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ConfigObject, ConfigValue } from '../ir/model.js';
import { suggest } from '../diagnostics/spellcheck.js';
import { ALL_TRIGGERS, type RerunTrigger } from '../executor/freshness.js';

/**
 * The schema of a JSON config file (the JSON subset `.wf` literals can
 * express, no null), with zod/mini loaded on first use: a run without
 * `--config-file x.json` never pays for zod's start-up.
 */
async function configFileSchema(): Promise<{ z: typeof Z; schema: Z.ZodMiniType<Record<string, ConfigValue>> }> {
  const z = await import('zod/mini');
  const value: Z.ZodMiniType<ConfigValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.array(value), z.record(z.string(), value)]));
  return { z, schema: z.record(z.string(), value) };
}

/** Parse `-j N`: a positive whole number (as Number() reads it: `4`, ` 4 `, `4.0`). */
export function parseJobs(text: string | undefined, fallback: number): { value?: number; diagnostic?: Diagnostic } {
  if (text === undefined) return { value: fallback };
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isInteger(n) || n <= 0) return { diagnostic: usage(`-j expects a positive whole number of job slots, not \`${text}\``, 'e.g. -j 4') };
  return { value: n };
}

/** Parse `--rerun-triggers a,b`: a comma list of {@link RerunTrigger}. */
export function parseTriggers(text: string | undefined): { value?: ReadonlySet<RerunTrigger>; diagnostic?: Diagnostic } {
  if (text === undefined) return { value: ALL_TRIGGERS };
  const out = new Set<RerunTrigger>();
  for (const word of text.split(',').map((w) => w.trim()).filter((w) => w !== '')) {
    if (!ALL_TRIGGERS.has(word as RerunTrigger)) {
      const near = suggest(word, [...ALL_TRIGGERS]);
      return { diagnostic: usage(`unknown rerun trigger \`${word}\``, near ? `did you mean \`${near}\`? choose from ${[...ALL_TRIGGERS].join(', ')}` : `choose from ${[...ALL_TRIGGERS].join(', ')}`) };
    }
    out.add(word as RerunTrigger);
  }
  return { value: out };
}

/** Parse repeated `--where KEY=VAL[,VAL]` into wildcard → allowed values. */
export function parseWhere(items: readonly string[]): { value?: Record<string, string[]>; diagnostic?: Diagnostic } {
  const out: Record<string, string[]> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      return { diagnostic: usage(`--where expects WILDCARD=VALUE[,VALUE…], not \`${item}\``, 'e.g. --where obsid=0001,0002') };
    }
    const values = item.slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
    out[key] = [...(out[key] ?? []), ...values];
  }
  return { value: out };
}

/**
 * Merge config overrides onto the workflow's defaults: first `--config-file`
 * (JSON, or `.wf` text holding `config { … }` blocks), then each
 * `--config K=V` (V read as a `.wf` literal when it parses as one, else a
 * plain string; `a.b=V` sets a nested key). Top-level keys must exist in
 * the defaults (a typo would otherwise be silently ignored): WF2109.
 */
export async function mergeConfig(
  defaults: ConfigObject,
  configFile: string | undefined,
  items: readonly string[],
): Promise<{ value?: ConfigObject; diagnostic?: Diagnostic }> {
  if (configFile === undefined && items.length === 0) return { value: defaults };
  // Lazy: the parser is only needed when overrides are given.
  const { parse, parseLiteral } = await import('../parser/index.js');
  let config: Record<string, ConfigValue> = structuredClone(defaults) as Record<string, ConfigValue>;
  if (configFile !== undefined) {
    const loaded = await readConfigFile(configFile, parse);
    if (loaded.diagnostic) return loaded;
    for (const [k, v] of Object.entries(loaded.value!)) {
      const bad = checkKey(defaults, k, `--config-file ${configFile}`);
      if (bad) return { diagnostic: bad };
      config = setPath(config, [k], v);
    }
  }
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    const path = key.split('.');
    if (eq <= 0 || !path.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) {
      return { diagnostic: error('WF2109', `--config expects KEY=VALUE, not \`${item}\``, undefined, 'e.g. --config gain=1.05 or --config exclude=["0003"]') };
    }
    const bad = checkKey(defaults, path[0]!, '--config');
    if (bad) return { diagnostic: bad };
    const text = item.slice(eq + 1);
    const literal = parseLiteral(text);
    config = setPath(config, path, literal === undefined ? text : literal);
  }
  return { value: config };
}

function checkKey(defaults: ConfigObject, key: string, where: string): Diagnostic | undefined {
  if (Object.hasOwn(defaults, key)) return undefined;
  const near = suggest(key, Object.keys(defaults));
  return error(
    'WF2109',
    `${where} sets \`${key}\`, which the workflow's config does not declare`,
    undefined,
    near ? `did you mean \`${near}\`?` : `declared keys: ${Object.keys(defaults).join(', ') || '(none)'}`,
  );
}

async function readConfigFile(file: string, parse: typeof import('../parser/index.js').parse): Promise<{ value?: ConfigObject; diagnostic?: Diagnostic }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { diagnostic: error('WF2109', `cannot read config file ${file}`, undefined, 'check the path given to --config-file') };
  }
  if (file.endsWith('.json')) {
    try {
      const value: unknown = JSON.parse(text);
      const { z, schema } = await configFileSchema();
      const parsed = z.safeParse(schema, value);
      if (!parsed.success) throw new Error('not a config object');
      return { value: parsed.data };
    } catch {
      return {
        diagnostic: error('WF2109', `config file ${file} is not a JSON object of config values`, undefined, 'write {"key": value, …} with strings, numbers, booleans, lists and objects'),
      };
    }
  }
  const result = parse(text.includes('config') ? text : `config {\n${text}\n}\n`, file);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.ast) {
    const first = errors[0];
    return { diagnostic: first ?? error('WF2109', `config file ${file} could not be read as .wf config`) };
  }
  const out: Record<string, ConfigValue> = {};
  for (const st of result.ast.statements) {
    if (st.kind !== 'config') continue;
    for (const e of st.entries) out[e.key] = literalValue(e.value);
  }
  return { value: out };
}

function literalValue(node: import('../ir/nodes.js').ValueNode): ConfigValue {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'list':
      return node.items.map(literalValue);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, literalValue(e.value)]));
    case 'config-ref':
      return `config.${node.path.join('.')}`;
  }
}

function setPath(obj: Record<string, ConfigValue>, path: readonly string[], value: ConfigValue): Record<string, ConfigValue> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  const base = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, ConfigValue>) : {};
  return { ...obj, [head]: setPath(base, rest, value) };
}

function usage(message: string, hint: string): Diagnostic {
  return error('WF2114', message, undefined, hint);
}
