/**
 * Builds the {@link Workflow} model pieces from declarations: products and
 * rules with resolved refs, levels, retries, timeout, resources and log
 * (spec §2, §6 "Names of inputs and outputs").
 *
 * Reports WF2004 (unknown product in an input or output), WF2010 (two
 * inputs or outputs with one name), WF2017 (no shell), WF2018 (invalid
 * retries/timeout/resources value), WF2019 (a rule item given twice), WF2020
 * (no outputs), WF2023 (gather in an output) and WF2024 (invalid pattern).
 * Cross-rule checks live in the sibling modules.
 */
import type { BlockField, RefNode, RuleItem, Span, StringField, ValueNode } from '../ir/nodes.js';
import type { ConfigObject, InputModel, OutputModel, ProductModel, RuleModel } from '../ir/model.js';
import type { SlurmOptions } from '../ir/plan.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/spellcheck.js';
import { parsePattern } from '../util/pattern-syntax.js';
import { formatLevel } from '../util/levels.js';
import { configResolver, entriesToObject, unknownConfig, lookupConfig } from './config.js';
import type { Declarations, ProductDecl, RuleDecl } from './names.js';
import { parseDuration, parseSize } from './values.js';

/** A product before `isSource` is known, with its declaration. */
export interface ProductInfo {
  readonly model: Omit<ProductModel, 'isSource'>;
  readonly decl: ProductDecl;
}

/** A built rule with the source details the later checks need. */
export interface RuleInfo {
  readonly model: RuleModel;
  readonly decl: RuleDecl;
  /** Span of the `log` string, when declared. */
  readonly logSpan?: Span;
  /** Span of the `metrics` string, when declared. */
  readonly metricsSpan?: Span;
  /** The `shell` field, when declared. */
  readonly shellField?: StringField;
}

/** Build every product; keywords become plain values (WF2006 for an unknown `config.x`). WF2024 on a bad pattern. */
export function buildProducts(decls: Declarations, config: ConfigObject, diags: Diagnostic[]): Map<string, ProductInfo> {
  const out = new Map<string, ProductInfo>();
  for (const decl of decls.products.values()) {
    const parsed = parsePattern(decl.pattern);
    if (!parsed.ok) diags.push(badPattern(decl.pattern, parsed.reason, decl.patternSpan, `product \`${decl.name}\``));
    const keywords = entriesToObject(decl.keywords, configResolver(config, diags, `the keywords of product \`${decl.name}\``), diags, `the keywords of product \`${decl.name}\``);
    out.set(decl.name, {
      decl,
      model: {
        name: decl.name,
        level: decl.level.value,
        levelText: decl.level.text,
        pattern: decl.pattern,
        wildcards: parsed.ok ? parsed.wildcards : [],
        keywords,
        span: decl.span,
      },
    });
  }
  return out;
}

/** The WF2024 diagnostic for an invalid path pattern used by `owner`. */
export function badPattern(pattern: string, reason: string, span: Span, owner: string): Diagnostic {
  return error('WF2024', `invalid path pattern \`${pattern}\` in ${owner}: ${reason}`, span, 'write a path relative to the workflow directory, such as "L1/{obsid}/evt1.dat"');
}

/** Everything a rule build needs from the rest of the workflow. */
export interface RuleEnv {
  readonly products: ReadonlyMap<string, ProductInfo>;
  readonly ruleNames: readonly string[];
  readonly config: ConfigObject;
}

type Item<K extends RuleItem['kind']> = Extract<RuleItem, { kind: K }>;
const SINGLE_ITEMS = ['params', 'resources', 'when', 'shell', 'timeout', 'log', 'metrics', 'retries', 'slurm'] as const;

/** Build one rule; it is returned even when it has errors so that later checks can still run. */
export function buildRule(decl: RuleDecl, env: RuleEnv, diags: Diagnostic[]): RuleInfo {
  const what = `rule \`${decl.name}\``;
  const single = new Map<string, RuleItem>();
  for (const item of decl.items) {
    if (!(SINGLE_ITEMS as readonly string[]).includes(item.kind)) continue;
    const first = single.get(item.kind);
    if (first) {
      diags.push(
        error('WF2019', `\`${item.kind}\` is given twice in ${what}`, item.span, `keep one \`${item.kind}\``, [{ message: 'first given here', span: first.span }]),
      );
    } else single.set(item.kind, item);
  }
  const get = <K extends (typeof SINGLE_ITEMS)[number]>(k: K): Item<K> | undefined => single.get(k) as Item<K> | undefined;

  const inputs: InputModel[] = [];
  const outputs: OutputModel[] = [];
  for (const item of decl.items) {
    if (item.kind === 'input') {
      const r = resolveRef(item.ref, env, what, 'input');
      if (r.diag) diags.push(r.diag);
      if (r.ok) inputs.push({ kind: item.ref.kind, ...nameOf(item.name, r.product, item.ref), ...(r.product ? { product: r.product } : {}), pattern: r.pattern, wildcards: r.wildcards, span: item.span });
    } else if (item.kind === 'output') {
      if (item.ref.kind === 'gather') {
        diags.push(error('WF2023', `output of ${what} cannot be a gather (\`all ${item.ref.product}\`)`, item.ref.span, `write \`output ${item.ref.product}\`; \`all\` is only for inputs`));
        continue;
      }
      const r = resolveRef(item.ref, env, what, 'output');
      if (r.diag) diags.push(r.diag);
      if (r.ok) {
        outputs.push({
          ...nameOf(item.name, r.product, item.ref),
          ...(r.product ? { product: r.product } : {}),
          pattern: r.pattern,
          wildcards: r.wildcards,
          temp: item.modifier === 'temp',
          protected: item.modifier === 'protected',
          span: item.span,
        });
      }
    }
  }
  checkUniqueNames(inputs, 'input', what, diags);
  checkUniqueNames(outputs, 'output', what, diags);
  if (!decl.items.some((i) => i.kind === 'output')) diags.push(error('WF2020', `${what} has no output`, decl.nameSpan, 'declare at least one `output`: a rule runs to produce files'));
  const shell = get('shell');
  if (!shell) diags.push(error('WF2017', `${what} has no shell command`, decl.nameSpan, 'add `shell "command {input} > {output}"`'));

  const wildcards: string[] = [];
  for (const o of outputs) for (const w of o.wildcards) if (!wildcards.includes(w)) wildcards.push(w);

  const { level, levelText } = ruleLevel(decl, inputs, outputs, env);
  const params = get('params');
  if (params) checkParams(params, env.config, what, diags);
  const resources = buildResources(get('resources'), env.config, what, diags);
  const retries = get('retries');
  if (retries && !(Number.isInteger(retries.value) && retries.value >= 0)) {
    diags.push(error('WF2018', `\`retries\` of ${what} must be a whole number ≥ 0, not ${retries.value}`, retries.span, 'write e.g. `retries 2`'));
  }
  const timeout = get('timeout');
  const timeoutMs = timeout ? parseDuration(timeout.value) : undefined;
  if (timeout && timeoutMs === undefined) {
    diags.push(error('WF2018', `\`timeout\` of ${what} is not a duration: \`${timeout.value}\``, timeout.valueSpan, 'write a positive duration such as "90s", "10m", "2h" or "1h30m"'));
  }
  const log = get('log');
  if (log) {
    const p = parsePattern(log.value);
    if (!p.ok) diags.push(badPattern(log.value, p.reason, log.valueSpan, `the log of ${what}`));
  }
  const metrics = get('metrics');
  if (metrics) {
    const p = parsePattern(metrics.value);
    if (!p.ok) diags.push(badPattern(metrics.value, p.reason, metrics.valueSpan, `the metrics of ${what}`));
  }
  const slurm = buildSlurm(get('slurm'), env.config, what, diags);
  const when = get('when');
  const model: RuleModel = {
    name: decl.name,
    level,
    levelText,
    inputs,
    outputs,
    wildcards,
    params: params?.entries ?? [],
    ...(when ? { when: when.expr } : {}),
    shell: shell?.value ?? '',
    shellSpan: shell?.valueSpan ?? decl.nameSpan,
    retries: retries && Number.isInteger(retries.value) && retries.value >= 0 ? retries.value : 0,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    cores: resources.cores,
    ...(resources.memBytes !== undefined ? { memBytes: resources.memBytes } : {}),
    resources: resources.values,
    ...(log ? { log: log.value } : {}),
    ...(metrics ? { metrics: metrics.value } : {}),
    ...(slurm ? { slurm } : {}),
    span: decl.span,
  };
  return { model, decl, ...(log ? { logSpan: log.valueSpan } : {}), ...(metrics ? { metricsSpan: metrics.valueSpan } : {}), ...(shell ? { shellField: shell } : {}) };
}

type Resolved =
  | { readonly ok: true; readonly product?: string; readonly pattern: string; readonly wildcards: readonly string[]; readonly diag?: undefined }
  | { readonly ok: false; readonly diag?: Diagnostic };

function resolveRef(ref: RefNode, env: RuleEnv, what: string, role: 'input' | 'output'): Resolved {
  if (ref.kind === 'path') {
    const p = parsePattern(ref.pattern);
    if (!p.ok) return { ok: false, diag: badPattern(ref.pattern, p.reason, ref.span, `an ${role} of ${what}`) };
    const same = [...env.products.values()].find((x) => x.model.pattern === ref.pattern);
    return { ok: true, ...(same ? { product: same.model.name } : {}), pattern: ref.pattern, wildcards: p.wildcards };
  }
  const name = ref.kind === 'gather' ? ref.product : ref.name;
  const span = ref.kind === 'gather' ? ref.productSpan : ref.span;
  const product = env.products.get(name);
  if (!product) {
    const isRule = env.ruleNames.includes(name);
    const hint = isRule
      ? `\`${name}\` is a rule; ${role}s name products (or quoted paths)`
      : (didYouMean(name, env.products.keys()) ?? 'declare it with `product NAME LEVEL "pattern"`, or quote a file path');
    return { ok: false, diag: error('WF2004', `unknown product \`${name}\` in an ${role} of ${what}`, span, hint) };
  }
  return { ok: true, product: name, pattern: product.model.pattern, wildcards: product.model.wildcards };
}

function nameOf(explicit: string | undefined, product: string | undefined, ref: RefNode): { name?: string } {
  if (explicit !== undefined) return { name: explicit };
  // A quoted path has no name even when it equals a product's pattern (spec §6).
  return ref.kind !== 'path' && product !== undefined ? { name: product } : {};
}

function checkUniqueNames(items: readonly (InputModel | OutputModel)[], role: string, what: string, diags: Diagnostic[]): void {
  const seen = new Map<string, Span>();
  for (const it of items) {
    if (it.name === undefined) continue;
    const first = seen.get(it.name);
    if (first) {
      diags.push(
        error('WF2010', `two ${role}s of ${what} are named \`${it.name}\``, it.span, `name one of them explicitly: \`${role} other_name = …\``, [
          { message: 'first named here', span: first },
        ]),
      );
    } else seen.set(it.name, it.span);
  }
}

function ruleLevel(decl: RuleDecl, inputs: readonly InputModel[], outputs: readonly OutputModel[], env: RuleEnv): { level: number; levelText: string } {
  if (decl.level) return { level: decl.level.value, levelText: decl.level.text };
  const levelsOf = (xs: readonly { product?: string }[]): ProductInfo[] =>
    xs.flatMap((x) => (x.product ? [env.products.get(x.product)!] : [])).sort((a, b) => b.model.level - a.model.level);
  // No product output (only plain paths): the highest input level keeps the rule legal; with none, L0.
  const top = levelsOf(outputs)[0] ?? levelsOf(inputs)[0];
  return top ? { level: top.model.level, levelText: top.model.levelText } : { level: 0, levelText: formatLevel(0) };
}

function checkParams(params: BlockField, config: ConfigObject, what: string, diags: Diagnostic[]): void {
  // Converted only to report duplicate keys; params stay unevaluated in the model.
  entriesToObject(params.entries, () => 0, diags, `the params of ${what}`);
  const visit = (v: ValueNode): void => {
    if (v.kind === 'config-ref' && lookupConfig(config, v.path) === undefined) diags.push(unknownConfig(config, v.path, v.span, `the params of ${what}`));
    if (v.kind === 'list') v.items.forEach(visit);
    if (v.kind === 'map') v.entries.forEach((e) => visit(e.value));
  };
  params.entries.forEach((e) => visit(e.value));
}

const SLURM_KEYS = ['partition', 'account', 'qos', 'extra'] as const;

/**
 * `slurm { partition, account, qos, extra }` (wf extension): string values
 * (config references allowed). WF2028 for an unknown key (with a "did you
 * mean") or a value that is not a non-empty string.
 */
function buildSlurm(block: BlockField | undefined, config: ConfigObject, what: string, diags: Diagnostic[]): SlurmOptions | undefined {
  if (!block) return undefined;
  const where = `the slurm block of ${what}`;
  const values = entriesToObject(block.entries, configResolver(config, diags, where), diags, where);
  const out: { -readonly [K in keyof SlurmOptions]: string } = {};
  for (const e of block.entries) {
    const key = e.key as (typeof SLURM_KEYS)[number];
    if (!(SLURM_KEYS as readonly string[]).includes(e.key)) {
      const near = didYouMean(e.key, SLURM_KEYS);
      diags.push(error('WF2028', `unknown key \`${e.key}\` in ${where}`, e.keySpan, `${near ? `${near} ` : ''}a slurm block takes ${SLURM_KEYS.join(', ')}`));
      continue;
    }
    const v = values[e.key];
    if (typeof v === 'string' && v.trim() !== '') out[key] = v;
    else if (v !== undefined) diags.push(error('WF2028', `\`slurm.${e.key}\` of ${what} must be a non-empty string`, e.value.span, `write e.g. \`${e.key} = "${e.key === 'extra' ? '--constraint=ssd' : 'normal'}"\``));
  }
  return out;
}

function buildResources(block: BlockField | undefined, config: ConfigObject, what: string, diags: Diagnostic[]): { cores: number; memBytes?: number; values: ConfigObject } {
  if (!block) return { cores: 1, values: {} };
  const where = `the resources of ${what}`;
  const values = entriesToObject(block.entries, configResolver(config, diags, where), diags, where);
  const span = (key: string): Span => block.entries.find((e) => e.key === key)?.value.span ?? block.span;
  let cores = 1;
  if (values.cores !== undefined) {
    if (typeof values.cores === 'number' && Number.isInteger(values.cores) && values.cores > 0) cores = values.cores;
    else diags.push(error('WF2018', `\`resources.cores\` of ${what} must be a positive whole number`, span('cores'), 'write e.g. `cores = 4`'));
  }
  let memBytes: number | undefined;
  if (values.mem !== undefined) {
    const mem = values.mem;
    memBytes = typeof mem === 'string' ? parseSize(mem) : typeof mem === 'number' && Number.isInteger(mem) && mem > 0 ? mem : undefined;
    if (memBytes === undefined) {
      diags.push(error('WF2018', `\`resources.mem\` of ${what} is not a memory size`, span('mem'), 'write a size such as "2GiB", "512MiB", "1.5GB" or "100M"'));
    }
  }
  return { cores, ...(memBytes !== undefined ? { memBytes } : {}), values };
}
