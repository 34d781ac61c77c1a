/**
 * AST of one `.wf` file, as produced by the parser (spec §2).
 *
 * Types only: plain, readonly, serializable data. Every node carries a
 * {@link Span} with 1-based lines and columns. The parser fills these; the
 * loader and checker read them; nothing here holds behaviour.
 */

/**
 * A region of a source file. Lines and columns are 1-based; `endColumn` is
 * the column of the last character of the region (inclusive).
 */
export interface Span {
  /** File name as given to the parser (usually a path relative to the cwd or absolute). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A processing level such as `L0`, `L0.5`, `L2`: the text and its numeric value. */
export interface Level {
  /** As written, e.g. `"L1.5"`. */
  readonly text: string;
  /** The number after `L`, e.g. `1.5`. Compare levels only through `compareLevels`. */
  readonly value: number;
  readonly span: Span;
}

/** A literal or a `config.a.b` reference in a config, params, keywords or resources block. */
export type ValueNode =
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly ValueNode[]; readonly span: Span }
  | { readonly kind: 'map'; readonly entries: readonly Entry[]; readonly span: Span }
  /** `config.gain` or `config.a.b`: `path` excludes the leading `config`. */
  | { readonly kind: 'config-ref'; readonly path: readonly string[]; readonly span: Span };

/** `key = value` inside `{ … }`. */
export interface Entry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: ValueNode;
}

/** Binary operators of a `when` expression; `not-in` is `not in`. */
export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not-in' | 'and' | 'or';

/** A `when` expression (spec §3 "`when`"). */
export type Expr =
  /** A string, number, boolean or list literal (never a map or config-ref). */
  | { readonly kind: 'literal'; readonly value: ValueNode; readonly span: Span }
  /** A bare name: a wildcard of the rule. */
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  /** `config.x.y`, `params.x`, `wildcards.x`, `input.x`: scope plus the rest of the dotted path. */
  | {
      readonly kind: 'member';
      readonly scope: 'config' | 'params' | 'wildcards' | 'input';
      readonly path: readonly string[];
      readonly span: Span;
    }
  /** `exists("pattern")`, `header(INPUT, "KEY")`. `callee` is checked by the checker. */
  | { readonly kind: 'call'; readonly callee: string; readonly calleeSpan: Span; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span };

/** Reference to data in `input`/`output`: a product name, a quoted path pattern, or `all PRODUCT`. */
export type RefNode =
  | { readonly kind: 'product'; readonly name: string; readonly span: Span }
  | { readonly kind: 'path'; readonly pattern: string; readonly span: Span }
  | { readonly kind: 'gather'; readonly product: string; readonly productSpan: Span; readonly span: Span };

/** `input [NAME =] REF`. */
export interface InputNode {
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly ref: RefNode;
  readonly span: Span;
}

/** `output [temp|protected] [NAME =] REF`. A gather ref here is a checker error. */
export interface OutputNode {
  readonly modifier?: 'temp' | 'protected';
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly ref: RefNode;
  readonly span: Span;
}

/** A string-valued rule field: `shell`, `timeout`, `log`, `metrics`. */
export interface StringField {
  readonly value: string;
  readonly span: Span;
  /** Span of the string literal itself (for placeholder positions). */
  readonly valueSpan: Span;
  /** True for `"""…"""` (raw, dedented). */
  readonly triple: boolean;
}

/** A number-valued rule field: `retries`. */
export interface NumberField {
  readonly value: number;
  readonly span: Span;
}

/** A `{ … }` block inside a rule: `params`, `resources`, `slurm`. */
export interface BlockField {
  readonly entries: readonly Entry[];
  readonly span: Span;
}

/**
 * One item of a rule body. Kept as a list (not folded into fields) so the
 * checker can report duplicates such as two `shell` lines with both spans.
 */
export type RuleItem =
  | ({ readonly kind: 'input' } & InputNode)
  | ({ readonly kind: 'output' } & OutputNode)
  | ({ readonly kind: 'params' } & BlockField)
  | ({ readonly kind: 'resources' } & BlockField)
  | { readonly kind: 'when'; readonly expr: Expr; readonly span: Span }
  | ({ readonly kind: 'shell' } & StringField)
  | ({ readonly kind: 'timeout' } & StringField)
  | ({ readonly kind: 'log' } & StringField)
  /** `metrics "path.json"` (wf extension): QC numbers the job writes. */
  | ({ readonly kind: 'metrics' } & StringField)
  /** `slurm { partition = "…", … }` (wf extension): cluster options for `--executor slurm`. */
  | ({ readonly kind: 'slurm' } & BlockField)
  | ({ readonly kind: 'retries' } & NumberField);

/** A target in `default` (or on the command line): a name, a level, or a quoted path. */
export type TargetNode =
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  | { readonly kind: 'level'; readonly level: Level; readonly span: Span }
  | { readonly kind: 'path'; readonly path: string; readonly span: Span };

/** A top-level statement (spec §2). */
export type Statement =
  | { readonly kind: 'workflow'; readonly name: string; readonly span: Span }
  | { readonly kind: 'include'; readonly path: string; readonly pathSpan: Span; readonly span: Span }
  | { readonly kind: 'config'; readonly entries: readonly Entry[]; readonly span: Span }
  | {
      readonly kind: 'wildcard';
      readonly name: string;
      readonly nameSpan: Span;
      /** The regex source between the slashes, e.g. `[0-9]{4}`. */
      readonly regex: string;
      readonly regexSpan: Span;
      readonly span: Span;
    }
  | {
      readonly kind: 'product';
      readonly name: string;
      readonly nameSpan: Span;
      readonly level: Level;
      readonly pattern: string;
      readonly patternSpan: Span;
      /** Entries of `{ keywords { … } }`; empty when absent. */
      readonly keywords: readonly Entry[];
      readonly span: Span;
    }
  | { readonly kind: 'default'; readonly targets: readonly TargetNode[]; readonly span: Span }
  | {
      readonly kind: 'rule';
      readonly name: string;
      readonly nameSpan: Span;
      readonly level?: Level;
      readonly items: readonly RuleItem[];
      readonly span: Span;
    };

/** The AST of one file. `statements` are in source order. */
export interface FileNode {
  readonly file: string;
  readonly statements: readonly Statement[];
}
