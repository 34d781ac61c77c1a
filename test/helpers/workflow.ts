/**
 * Test helper: build checked {@link Workflow} models by hand, without the
 * parser or checker, plus `E`, a tiny constructor kit for `when` expressions.
 * Computes what the checker would (wildcards, `isSource`, rule levels) and
 * validates nothing else.
 */
import type {
  ConfigObject,
  ConfigValue,
  InputModel,
  OutputModel,
  ProductModel,
  RuleModel,
  TargetSpec,
  WildcardModel,
  Workflow,
} from '../../src/ir/model.js';
import type { BinaryOp, Entry, Expr, Span, ValueNode } from '../../src/ir/nodes.js';
import { parseLevel } from '../../src/util/levels.js';
import { patternWildcards } from '../../src/util/pattern-syntax.js';

/** A placeholder span for hand-built nodes. */
export const SPAN: Span = { file: 'test.wf', line: 1, column: 1, endLine: 1, endColumn: 1 };

/** A `config.a.b` reference in a params value. */
export interface ConfigRef {
  readonly $config: string;
}
/** `config.a.b` inside params. */
export const cfgRef = (path: string): ConfigRef => ({ $config: path });

type ParamValue = ConfigValue | ConfigRef;

/** An input: a product name, `{ product, name? }`, `{ all, name? }` or `{ path, name? }`. */
export type InputSpec =
  | string
  | { readonly product: string; readonly name?: string }
  | { readonly all: string; readonly name?: string }
  | { readonly path: string; readonly name?: string };

/** An output: a product name, or `{ product | path, name?, temp?, protected? }`. */
export type OutputSpec =
  | string
  | { readonly product?: string; readonly path?: string; readonly name?: string; readonly temp?: boolean; readonly protected?: boolean };

/** Everything a rule can declare; `level` defaults to the highest output level. */
export interface RuleSpec {
  readonly level?: string;
  readonly inputs?: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly when?: Expr;
  readonly shell?: string;
  readonly log?: string;
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly cores?: number;
  readonly resources?: ConfigObject;
}

function valueNode(v: ParamValue): ValueNode {
  if (typeof v === 'string') return { kind: 'string', value: v, span: SPAN };
  if (typeof v === 'number') return { kind: 'number', value: v, span: SPAN };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v, span: SPAN };
  if (Array.isArray(v)) return { kind: 'list', items: (v as readonly ParamValue[]).map(valueNode), span: SPAN };
  if ('$config' in (v as object)) return { kind: 'config-ref', path: (v as ConfigRef).$config.split('.'), span: SPAN };
  return { kind: 'map', entries: entries(v as Record<string, ParamValue>), span: SPAN };
}

function entries(obj: Readonly<Record<string, ParamValue>>): Entry[] {
  return Object.entries(obj).map(([key, v]) => ({ key, keySpan: SPAN, value: valueNode(v) }));
}

/** Fluent builder of a {@link Workflow}; call {@link WorkflowBuilder.build} last. */
export class WorkflowBuilder {
  readonly #root: string;
  #config: ConfigObject = {};
  readonly #wildcards = new Map<string, WildcardModel>();
  readonly #products: { name: string; levelText: string; pattern: string; keywords: ConfigObject }[] = [];
  readonly #rules: { name: string; spec: RuleSpec }[] = [];
  #defaults: TargetSpec[] = [];

  constructor(root = '/tmp/wf-test') {
    this.#root = root;
  }

  config(config: ConfigObject): this {
    this.#config = config;
    return this;
  }

  wildcard(name: string, regex: string): this {
    this.#wildcards.set(name, { name, regex, span: SPAN });
    return this;
  }

  product(name: string, levelText: string, pattern: string, keywords: ConfigObject = {}): this {
    this.#products.push({ name, levelText, pattern, keywords });
    return this;
  }

  rule(name: string, spec: RuleSpec): this {
    this.#rules.push({ name, spec });
    return this;
  }

  /** `default a, L2, "path"`: a level is `L…`, a path contains `/` or `.`, else a name. */
  defaults(...targets: string[]): this {
    this.#defaults = targets.map(toTarget);
    return this;
  }

  build(): Workflow {
    const produced = new Set<string>();
    for (const { spec } of this.#rules) for (const o of spec.outputs) {
      const p = typeof o === 'string' ? o : o.product;
      if (p !== undefined) produced.add(p);
    }
    const products = new Map<string, ProductModel>();
    for (const p of this.#products) {
      products.set(p.name, {
        name: p.name,
        level: parseLevel(p.levelText)!,
        levelText: p.levelText,
        pattern: p.pattern,
        wildcards: patternWildcards(p.pattern),
        keywords: p.keywords,
        isSource: !produced.has(p.name),
        span: SPAN,
      });
    }
    const productOf = (name: string): ProductModel => {
      const p = products.get(name);
      if (!p) throw new Error(`test workflow: unknown product ${name}`);
      return p;
    };
    const rules = new Map<string, RuleModel>();
    for (const { name, spec } of this.#rules) {
      const inputs: InputModel[] = (spec.inputs ?? []).map((i): InputModel => {
        if (typeof i === 'string') i = { product: i };
        if ('all' in i) {
          const p = productOf(i.all);
          return { name: i.name ?? p.name, kind: 'gather', product: p.name, pattern: p.pattern, wildcards: p.wildcards, span: SPAN };
        }
        if ('path' in i) {
          return { ...(i.name ? { name: i.name } : {}), kind: 'path', pattern: i.path, wildcards: patternWildcards(i.path), span: SPAN };
        }
        const p = productOf(i.product);
        return { name: i.name ?? p.name, kind: 'product', product: p.name, pattern: p.pattern, wildcards: p.wildcards, span: SPAN };
      });
      const outputs: OutputModel[] = spec.outputs.map((o): OutputModel => {
        if (typeof o === 'string') o = { product: o };
        const p = o.product !== undefined ? productOf(o.product) : undefined;
        const pattern = p ? p.pattern : o.path!;
        const nameOf = o.name ?? p?.name;
        return {
          ...(nameOf !== undefined ? { name: nameOf } : {}),
          ...(p ? { product: p.name } : {}),
          pattern,
          wildcards: patternWildcards(pattern),
          temp: o.temp ?? false,
          protected: o.protected ?? false,
          span: SPAN,
        };
      });
      const wildcards: string[] = [];
      for (const o of outputs) for (const w of o.wildcards) if (!wildcards.includes(w)) wildcards.push(w);
      const outLevels = outputs.map((o) => (o.product ? productOf(o.product).level : 0));
      const level = spec.level !== undefined ? parseLevel(spec.level)! : Math.max(0, ...outLevels);
      rules.set(name, {
        name,
        level,
        levelText: spec.level ?? `L${level}`,
        inputs,
        outputs,
        wildcards,
        params: entries(spec.params ?? {}),
        ...(spec.when ? { when: spec.when } : {}),
        shell: spec.shell ?? `touch {output}`,
        shellSpan: SPAN,
        retries: spec.retries ?? 0,
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        cores: spec.cores ?? 1,
        resources: spec.resources ?? {},
        ...(spec.log !== undefined ? { log: spec.log } : {}),
        span: SPAN,
      });
    }
    return {
      mainFile: `${this.#root}/workflow.wf`,
      root: this.#root,
      files: [`${this.#root}/workflow.wf`],
      config: this.#config,
      wildcards: this.#wildcards,
      products,
      rules,
      defaults: this.#defaults,
    };
  }
}

/** Start a workflow rooted at `root` (absolute). */
export const workflow = (root?: string): WorkflowBuilder => new WorkflowBuilder(root);

function toTarget(text: string): TargetSpec {
  const level = parseLevel(text);
  if (level !== undefined) return { kind: 'level', level, text };
  if (/[/.]/.test(text)) return { kind: 'path', path: text };
  return { kind: 'name', name: text };
}

/** Targets as the CLI would classify them (see {@link toTarget}). */
export const targets = (...texts: string[]): TargetSpec[] => texts.map(toTarget);

const lit = (value: ValueNode): Expr => ({ kind: 'literal', value, span: SPAN });
const bin = (op: BinaryOp) => (left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: SPAN });

/** Constructors of `when` expressions. */
export const E = {
  name: (name: string): Expr => ({ kind: 'name', name, span: SPAN }),
  str: (value: string): Expr => lit({ kind: 'string', value, span: SPAN }),
  num: (value: number): Expr => lit({ kind: 'number', value, span: SPAN }),
  bool: (value: boolean): Expr => lit({ kind: 'boolean', value, span: SPAN }),
  list: (...values: (string | number)[]): Expr => lit({ kind: 'list', items: values.map((v) => valueNode(v)), span: SPAN }),
  config: (path: string): Expr => ({ kind: 'member', scope: 'config', path: path.split('.'), span: SPAN }),
  params: (path: string): Expr => ({ kind: 'member', scope: 'params', path: path.split('.'), span: SPAN }),
  wildcards: (name: string): Expr => ({ kind: 'member', scope: 'wildcards', path: [name], span: SPAN }),
  call: (callee: string, ...args: Expr[]): Expr => ({ kind: 'call', callee, calleeSpan: SPAN, args, span: SPAN }),
  not: (operand: Expr): Expr => ({ kind: 'not', operand, span: SPAN }),
  eq: bin('=='),
  ne: bin('!='),
  lt: bin('<'),
  le: bin('<='),
  gt: bin('>'),
  ge: bin('>='),
  in: bin('in'),
  notIn: bin('not-in'),
  and: bin('and'),
  or: bin('or'),
};
