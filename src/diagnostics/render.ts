/**
 * Renders {@link Diagnostic}s for people and tools (spec §4, STYLE §4):
 * compiler-style text with source carets, the `wf check --format json`
 * document, and GitHub workflow-command annotations.
 *
 * Pure string building: never prints, never reads files (source text is
 * passed in), never throws.
 */
import type { Span } from '../ir/nodes.js';
import type { Diagnostic, Severity } from './diagnostic.js';

/** Options of {@link renderText}. */
export interface RenderTextOptions {
  /** ANSI colours; default false (use it only when the stream is a TTY). */
  readonly color?: boolean;
}

/**
 * Sort diagnostics by file, then line, then column (1-based spans);
 * diagnostics without a span come first, in their original order.
 * Returns a new array; the input is not mutated.
 */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((a, b) => compareSpans(a.d.span, b.d.span) || a.i - b.i)
    .map((x) => x.d);
}

function compareSpans(a: Span | undefined, b: Span | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  green: '\u001b[32m',
  blue: '\u001b[34m',
} as const;

/**
 * Render diagnostics as text, one block per diagnostic, sorted with
 * {@link sortDiagnostics}:
 *
 * ```text
 * FILE:LINE:COL: error[WF2004]: message
 *     5 |   input evt
 *       |         ^~~
 *   hint: did you mean `evt1`?
 *   note: FILE:LINE:COL: first declared here
 * ```
 *
 * Lines and columns are 1-based. `sources` maps a span's `file` to that
 * file's text; when a file or line is missing the source excerpt is left
 * out. A diagnostic without a span starts with `wf: `. The output ends with
 * a count line such as `2 errors, 1 warning` and a trailing newline.
 */
export function renderText(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, opts: RenderTextOptions = {}): string {
  const color = opts.color === true;
  const paint = (code: string, text: string): string => (color ? `${code}${text}${ANSI.reset}` : text);
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    let lines = lineCache.get(file);
    if (!lines) {
      const text = sources.get(file);
      if (text === undefined) return undefined;
      lines = text.split(/\r?\n/);
      lineCache.set(file, lines);
    }
    return lines;
  };
  const out: string[] = [];
  for (const d of sortDiagnostics(diags)) {
    const where = d.span ? `${formatLocation(d.span)}: ` : 'wf: ';
    out.push(`${paint(ANSI.bold, where)}${paint(SEVERITY_COLOR[d.severity], `${d.severity}[${d.code}]`)}: ${paint(ANSI.bold, d.message)}`);
    if (d.span) {
      const line = linesOf(d.span.file)?.[d.span.line - 1];
      if (line !== undefined) out.push(...excerpt(line, d.span, (s) => paint(ANSI.blue, s), (s) => paint(ANSI.green, s)));
    }
    if (d.hint) out.push(`  ${paint(ANSI.cyan, 'hint')}: ${d.hint}`);
    for (const r of d.related ?? []) out.push(`  ${paint(ANSI.cyan, 'note')}: ${formatLocation(r.span)}: ${r.message}`);
  }
  out.push(countLine(diags));
  return `${out.join('\n')}\n`;
}

const SEVERITY_COLOR: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan };

function formatLocation(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/** The source line and a caret line under the span (clipped to the first line of the span). */
function excerpt(line: string, span: Span, gutterPaint: (s: string) => string, caretPaint: (s: string) => string): string[] {
  const number = String(span.line);
  const gutter = ' '.repeat(Math.max(4, number.length + 1));
  const start = Math.max(1, span.column);
  const end = span.endLine === span.line ? Math.max(start, span.endColumn) : Math.max(start, line.length);
  // Keep tabs so the caret lines up with the source however the terminal renders them.
  const pad = Array.from(line.slice(0, start - 1), (c) => (c === '\t' ? '\t' : ' ')).join('');
  const caret = `^${'~'.repeat(end - start)}`;
  return [
    `${gutterPaint(`${number.padStart(gutter.length)} |`)} ${line}`,
    `${gutterPaint(`${gutter} |`)} ${pad}${caretPaint(caret)}`,
  ];
}

function countLine(diags: readonly Diagnostic[]): string {
  const n = (s: Severity): number => diags.filter((d) => d.severity === s).length;
  const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
  const parts = [plural(n('error'), 'error'), plural(n('warning'), 'warning')];
  if (n('info') > 0) parts.push(plural(n('info'), 'note'));
  return parts.join(', ');
}

/**
 * One entry of the JSON document of {@link renderJson}. `file`, `line` and
 * `column` (1-based) are null for a diagnostic without a source location.
 */
export interface JsonDiagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly hint?: string;
}

/**
 * Render the `--format json` document of spec §4, sorted like the text form:
 * `{"diagnostics":[{"severity","code","message","file","line","column","hint"?}],"errors":N,"warnings":N}`.
 * One line, with a trailing newline; meant for stdout only.
 */
export function renderJson(diags: readonly Diagnostic[]): string {
  const diagnostics: JsonDiagnostic[] = sortDiagnostics(diags).map((d) => ({
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.span?.file ?? null,
    line: d.span?.line ?? null,
    column: d.span?.column ?? null,
    ...(d.hint ? { hint: d.hint } : {}),
  }));
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  return `${JSON.stringify({ diagnostics, errors, warnings })}\n`;
}

/**
 * Render GitHub Actions workflow commands, one line per diagnostic:
 * `::error file=F,line=L,col=C,title=WF2004::message` (`::warning`, `::notice`
 * for other severities). The hint, when present, follows the message on a
 * second annotation line (`%0A`). Values are escaped as GitHub requires.
 */
export function renderGithub(diags: readonly Diagnostic[]): string {
  const command: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };
  const lines = sortDiagnostics(diags).map((d) => {
    const props: string[] = [];
    if (d.span) props.push(`file=${escapeProperty(d.span.file)}`, `line=${d.span.line}`, `col=${d.span.column}`);
    props.push(`title=${d.code}`);
    const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
    return `::${command[d.severity]} ${props.join(',')}::${escapeData(message)}`;
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
