/**
 * Syntax of path patterns such as `"L2/{field}/{obsid}/img.fits"` (spec §3
 * "Patterns and wildcards"). Parsing only: matching, globbing and rendering
 * live in `planner/patterns.ts`.
 */

/** A piece of a pattern: literal text, or a `{name}` wildcard. */
export type PatternPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'wildcard'; readonly name: string };

/** A parsed pattern, or the reason it is invalid. */
export type ParsedPattern =
  | { readonly ok: true; readonly parts: readonly PatternPart[]; readonly wildcards: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parse a pattern. `wildcards` lists names in order of first appearance
 * (a name may repeat; every occurrence must match the same value).
 * Invalid: an empty pattern, an absolute path, a `..` segment, an
 * unbalanced brace, a wildcard name that is not an identifier, two
 * wildcards with nothing between them.
 */
export function parsePattern(pattern: string): ParsedPattern {
  if (pattern === '') return { ok: false, reason: 'the pattern is empty' };
  if (pattern.startsWith('/')) return { ok: false, reason: 'the pattern is an absolute path; patterns are relative to the workflow directory' };
  if (pattern.split('/').includes('..')) return { ok: false, reason: 'the pattern leaves the workflow directory with `..`' };
  const parts: PatternPart[] = [];
  const wildcards: string[] = [];
  let i = 0;
  let text = '';
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '{') {
      const close = pattern.indexOf('}', i + 1);
      if (close < 0) return { ok: false, reason: 'a `{` is never closed' };
      const name = pattern.slice(i + 1, close);
      if (!IDENT.test(name)) return { ok: false, reason: `\`{${name}}\` is not a wildcard name (letters, digits, _)` };
      if (text === '' && parts.length > 0 && parts[parts.length - 1]!.kind === 'wildcard') {
        return { ok: false, reason: 'two wildcards touch; put a separator between them' };
      }
      if (text !== '') parts.push({ kind: 'literal', text });
      text = '';
      parts.push({ kind: 'wildcard', name });
      if (!wildcards.includes(name)) wildcards.push(name);
      i = close + 1;
      continue;
    }
    if (c === '}') return { ok: false, reason: 'a `}` has no matching `{`' };
    text += c;
    i += 1;
  }
  if (text !== '') parts.push({ kind: 'literal', text });
  return { ok: true, parts, wildcards };
}

/** Wildcard names of a pattern in order of first appearance; empty for an invalid pattern. */
export function patternWildcards(pattern: string): readonly string[] {
  const parsed = parsePattern(pattern);
  return parsed.ok ? parsed.wildcards : [];
}
