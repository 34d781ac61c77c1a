/**
 * Compiled path patterns (spec §3 "Patterns and wildcards"): matching a path
 * against a pattern, expanding a pattern to a glob, rendering it with values.
 *
 * Owns the translation of `parsePattern` parts into an anchored RegExp and a
 * fast-glob pattern. Each pattern is compiled once per plan (see
 * {@link PatternCache}); nothing here touches the file system.
 */
import { parsePattern, type PatternPart } from '../util/pattern-syntax.js';

/** Constraint of a wildcard without a `wildcard NAME = /regex/` declaration: one path segment. */
export const DEFAULT_CONSTRAINT = '[^/]+';

/**
 * A pattern compiled for matching, globbing and rendering. Plain data plus a
 * RegExp; build it with {@link compilePattern}.
 */
export interface CompiledPattern {
  /** The pattern as written, e.g. `"raw/{obsid}/telem.dat"`. */
  readonly source: string;
  readonly parts: readonly PatternPart[];
  /** Wildcard names in order of first appearance. */
  readonly wildcards: readonly string[];
  /**
   * Anchored regex: one named group per wildcard (its first occurrence), a
   * back-reference for a repeated one, each constrained by its declared regex.
   */
  readonly regex: RegExp;
  /**
   * A fast-glob pattern that finds a superset of the matching files: `*` per
   * wildcard, literals escaped; `prefix/**` when a constraint can span `/`.
   */
  readonly glob: string;
  /** True when the pattern has no wildcard (it renders to itself). */
  readonly isLiteral: boolean;
}

/** Characters with a meaning in fast-glob (micromatch) patterns. */
const GLOB_META = /[\\*?[\]{}()!@+|]/g;

/** Escape a literal path fragment so fast-glob reads it verbatim (spaces need no escape). */
export function escapeGlob(literal: string): string {
  return literal.replace(GLOB_META, (c) => `\\${c}`);
}

/** Escape a literal for a RegExp. */
function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, (c) => `\\${c}`);
}

/**
 * Whether a constraint regex may match text containing `/`. Syntactic and
 * conservative: `.`, `\D`, `\S`, `\W`, a `/`, or a negated class without
 * `/` count as "may". A false "may" only makes the glob broader.
 */
function canSpanSegments(constraint: string): boolean {
  if (constraint === DEFAULT_CONSTRAINT) return false;
  if (constraint.includes('\\/')) return true;
  const unescaped = constraint.replace(/\\[^DSW]/g, '');
  return /[/.]|\\[DSW]|\[\^(?![^\]]*\/)/.test(unescaped);
}

/**
 * Compile a pattern. `constraints` maps wildcard names to their declared
 * regex source (without slashes); other wildcards get {@link DEFAULT_CONSTRAINT}.
 * Returns undefined for a pattern `parsePattern` rejects or an invalid
 * constraint regex (the checker reports those; the planner treats them as
 * matching nothing).
 */
export function compilePattern(pattern: string, constraints: ReadonlyMap<string, string>): CompiledPattern | undefined {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return undefined;
  let re = '^';
  let glob = '';
  let spansSegments = false;
  let literalPrefix = '';
  let seenWildcard = false;
  const seen = new Set<string>();
  for (const part of parsed.parts) {
    if (part.kind === 'literal') {
      re += escapeRegex(part.text);
      glob += escapeGlob(part.text);
      if (!seenWildcard) literalPrefix += part.text;
      continue;
    }
    seenWildcard = true;
    const constraint = constraints.get(part.name) ?? DEFAULT_CONSTRAINT;
    if (canSpanSegments(constraint)) spansSegments = true;
    if (seen.has(part.name)) {
      re += `\\k<${part.name}>`;
    } else {
      seen.add(part.name);
      re += `(?<${part.name}>(?:${constraint}))`;
    }
    glob += '*';
  }
  re += '$';
  if (spansSegments) {
    // A wildcard may cross directories: glob everything under the literal
    // directory prefix and let the regex decide.
    const slash = literalPrefix.lastIndexOf('/');
    glob = slash < 0 ? '**' : `${escapeGlob(literalPrefix.slice(0, slash))}/**`;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(re);
  } catch {
    return undefined; // an invalid constraint regex: the checker reports it
  }
  return {
    source: pattern,
    parts: parsed.parts,
    wildcards: parsed.wildcards,
    regex,
    glob,
    isLiteral: parsed.wildcards.length === 0,
  };
}

/**
 * Match a root-relative path against a compiled pattern. Returns the wildcard
 * values keyed by name (a repeated wildcard matched the same text), or
 * undefined when the path does not match.
 */
export function matchPattern(pattern: CompiledPattern, path: string): Record<string, string> | undefined {
  const m = pattern.regex.exec(path);
  if (!m) return undefined;
  const values: Record<string, string> = {};
  for (const name of pattern.wildcards) values[name] = m.groups![name]!;
  return values;
}

/**
 * Render a pattern, taking each wildcard's value from `valueOf(name)`.
 * Throws only on internal error (a wildcard without a value).
 */
export function renderPattern(pattern: CompiledPattern, valueOf: (name: string) => string | undefined): string {
  if (pattern.isLiteral) return pattern.source;
  let out = '';
  for (const part of pattern.parts) {
    if (part.kind === 'literal') {
      out += part.text;
    } else {
      const v = valueOf(part.name);
      if (v === undefined) throw new Error(`internal error: no value for wildcard {${part.name}} of "${pattern.source}"`);
      out += v;
    }
  }
  return out;
}

/**
 * A pattern bound to a rule's wildcard order: literal text, or the index of
 * a value in the rule's value array. Rendering a template allocates one flat
 * string (no per-call closure, no rope of concatenations).
 */
export type Template = readonly (string | number)[];

/** Bind a pattern to a rule's wildcard positions; undefined when a wildcard is not the rule's. */
export function bindTemplate(pattern: CompiledPattern, position: ReadonlyMap<string, number>): Template | undefined {
  const t: (string | number)[] = [];
  for (const part of pattern.parts) {
    if (part.kind === 'literal') {
      t.push(part.text);
      continue;
    }
    const i = position.get(part.name);
    if (i === undefined) return undefined;
    t.push(i);
  }
  return t;
}

/** Render a {@link Template} with the rule's values (in the rule's wildcard order). */
export function renderTemplate(template: Template, values: readonly string[]): string {
  if (template.length === 1 && typeof template[0] === 'string') return template[0];
  const out = new Array<string>(template.length);
  for (let i = 0; i < template.length; i += 1) {
    const t = template[i]!;
    out[i] = typeof t === 'string' ? t : values[t]!;
  }
  return out.join('');
}

/**
 * Compiles each distinct pattern string once per plan and hands out the same
 * {@link CompiledPattern} afterwards. Owned by one planning run.
 */
export class PatternCache {
  readonly #constraints: ReadonlyMap<string, string>;
  readonly #cache = new Map<string, CompiledPattern | undefined>();
  readonly #loose = new Map<string, CompiledPattern | undefined>();

  /** `constraints`: wildcard name → declared regex source. */
  constructor(constraints: ReadonlyMap<string, string>) {
    this.#constraints = constraints;
  }

  /** The compiled pattern, or undefined for an invalid pattern. */
  get(pattern: string): CompiledPattern | undefined {
    if (this.#cache.has(pattern)) return this.#cache.get(pattern);
    const compiled = compilePattern(pattern, this.#constraints);
    this.#cache.set(pattern, compiled);
    return compiled;
  }

  /**
   * The pattern compiled with no declared constraints (every wildcard one
   * segment, or the declared regex when it spans segments): used to tell
   * "matches no product" (WF2103) from "breaks a constraint" (WF2111).
   */
  getLoose(pattern: string): CompiledPattern | undefined {
    if (this.#loose.has(pattern)) return this.#loose.get(pattern);
    const loose = new Map<string, string>();
    for (const [name, regex] of this.#constraints) if (canSpanSegments(regex)) loose.set(name, '.+');
    const compiled = compilePattern(pattern, loose);
    this.#loose.set(pattern, compiled);
    return compiled;
  }

  /** The declared constraint of a wildcard, or {@link DEFAULT_CONSTRAINT}. */
  constraintOf(name: string): string {
    return this.#constraints.get(name) ?? DEFAULT_CONSTRAINT;
  }
}
