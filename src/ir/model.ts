/**
 * The checked workflow model: every file of a workflow (includes resolved)
 * folded into one namespace, names resolved, levels computed (spec §2, §6).
 *
 * Produced by `checker/` only when there are no errors, consumed by
 * `planner/`. Types only.
 */
import type { Entry, Expr, Span } from './nodes.js';
import type { SlurmOptions } from './plan.js';

/** A config value after parsing: the JSON subset `.wf` literals can express. */
export type ConfigValue = string | number | boolean | readonly ConfigValue[] | ConfigObject;

/** A config map (`config { … }`, `params { … }`, keywords). Keys in declaration order. */
export interface ConfigObject {
  readonly [key: string]: ConfigValue;
}

/** `wildcard NAME = /regex/`: `regex` is the source between the slashes. */
export interface WildcardModel {
  readonly name: string;
  readonly regex: string;
  readonly span: Span;
}

/** A registered data product (`product NAME LEVEL "pattern"`). */
export interface ProductModel {
  readonly name: string;
  /** Numeric level (`L1.5` → 1.5). */
  readonly level: number;
  /** Level as written, e.g. `"L1.5"`. */
  readonly levelText: string;
  /** Path pattern relative to the workflow root, e.g. `"raw/{obsid}/telem.dat"`. */
  readonly pattern: string;
  /** Wildcard names of `pattern`, in order of first appearance. */
  readonly wildcards: readonly string[];
  /** Keywords of the declaration (`{ keywords { … } }`), as plain values. */
  readonly keywords: ConfigObject;
  /** True when no rule produces it: found on disk by globbing (spec §3 Discovery). */
  readonly isSource: boolean;
  readonly span: Span;
}

/** One `input` of a rule, resolved. */
export interface InputModel {
  /** Placeholder name: explicit, else the product's name; absent for an unnamed path. */
  readonly name?: string;
  /** `product`: one instance; `gather`: `all PRODUCT`; `path`: a quoted path pattern. */
  readonly kind: 'product' | 'gather' | 'path';
  /** The product read, for `product` and `gather` (and a `path` equal to a product's pattern). */
  readonly product?: string;
  /** The path pattern (the product's pattern for product refs). */
  readonly pattern: string;
  /** Wildcard names of `pattern`, in order of first appearance. */
  readonly wildcards: readonly string[];
  readonly span: Span;
}

/** One `output` of a rule, resolved. */
export interface OutputModel {
  readonly name?: string;
  readonly product?: string;
  readonly pattern: string;
  readonly wildcards: readonly string[];
  /** `temp`: deleted once every job that reads it has succeeded. */
  readonly temp: boolean;
  /** `protected`: made read-only; rebuilt only with `--force`; kept by `wf clean`. */
  readonly protected: boolean;
  readonly span: Span;
}

/** A rule, resolved and checked. */
export interface RuleModel {
  readonly name: string;
  /** Declared level, else the highest level of its outputs. */
  readonly level: number;
  readonly levelText: string;
  /** In declaration order. */
  readonly inputs: readonly InputModel[];
  /** In declaration order; at least one. */
  readonly outputs: readonly OutputModel[];
  /** Union of the outputs' wildcards, in order of first appearance: they index the rule's jobs. */
  readonly wildcards: readonly string[];
  /** `params { … }` entries, unevaluated (they may hold `config.x` references). */
  readonly params: readonly Entry[];
  readonly when?: Expr;
  /** The shell text, dedented for `"""` strings, with `{…}` placeholders unrendered. */
  readonly shell: string;
  readonly shellSpan: Span;
  /** Extra attempts after a failure (spec §6); 0 when absent. */
  readonly retries: number;
  /** Wall-clock limit in ms, absent when none. */
  readonly timeoutMs?: number;
  /** `resources.cores`, default 1. */
  readonly cores: number;
  /** `resources.mem` in bytes, absent when not declared. */
  readonly memBytes?: number;
  /** All `resources` entries as plain values (for `{resources.NAME}`). */
  readonly resources: ConfigObject;
  /** `log "pattern"`, absent when none. */
  readonly log?: string;
  /** `metrics "pattern"` (wf extension): a flat JSON object of numbers the job writes, absent when none. */
  readonly metrics?: string;
  /** `slurm { … }` (wf extension): cluster options for `--executor slurm`, absent when none. */
  readonly slurm?: SlurmOptions;
  readonly span: Span;
}

/** A target as the planner receives it from `default` or the command line. */
export type TargetSpec =
  | { readonly kind: 'name'; readonly name: string; readonly span?: Span }
  | { readonly kind: 'level'; readonly level: number; readonly text: string; readonly span?: Span }
  | { readonly kind: 'path'; readonly path: string; readonly span?: Span };

/** A whole checked workflow (spec §2, §6). */
export interface Workflow {
  /** `workflow "name"`, if declared. */
  readonly name?: string;
  /** Absolute path of the main workflow file. */
  readonly mainFile: string;
  /** Absolute directory of the main file: the root of every pattern and the jobs' cwd. */
  readonly root: string;
  /** Absolute paths of every loaded file, main first, in load order. */
  readonly files: readonly string[];
  /** Merged config defaults (the including file wins over an included one). */
  readonly config: ConfigObject;
  readonly wildcards: ReadonlyMap<string, WildcardModel>;
  /** In declaration order (main file first, then includes in load order). */
  readonly products: ReadonlyMap<string, ProductModel>;
  /** In declaration order; a topological order is the planner's job. */
  readonly rules: ReadonlyMap<string, RuleModel>;
  /** Targets of `default`; empty when absent (then: every product of the highest level). */
  readonly defaults: readonly TargetSpec[];
}
