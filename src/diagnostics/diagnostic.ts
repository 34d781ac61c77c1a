/**
 * The one type for every problem a user can cause (STYLE §4).
 *
 * Producers return diagnostics as values; they never print and never throw
 * for user errors. Rendering lives in `render.ts`.
 */
import type { Span } from '../ir/nodes.js';
import type { DiagnosticCode } from './codes.js';

/** Severity of a {@link Diagnostic}; only `error` makes `wf check` exit 2. */
export type Severity = 'error' | 'warning' | 'info';

/** A related location shown under the main message ("first declared here"). */
export interface RelatedInfo {
  readonly message: string;
  readonly span: Span;
}

/**
 * A problem found in a workflow, a target, or a run.
 * `message` is one sentence, no trailing period, naming the thing.
 * `hint` is actionable ("did you mean `detect`?"). `span` is absent only when
 * there is no source location (e.g. a command-line target).
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span?: Span;
  readonly hint?: string;
  readonly related?: readonly RelatedInfo[];
}

/** Build an error diagnostic. Optional fields are omitted when undefined. */
export function error(code: DiagnosticCode, message: string, span?: Span, hint?: string, related?: readonly RelatedInfo[]): Diagnostic {
  return make('error', code, message, span, hint, related);
}

/** Build a warning diagnostic. Optional fields are omitted when undefined. */
export function warning(code: DiagnosticCode, message: string, span?: Span, hint?: string, related?: readonly RelatedInfo[]): Diagnostic {
  return make('warning', code, message, span, hint, related);
}

function make(
  severity: Severity,
  code: DiagnosticCode,
  message: string,
  span: Span | undefined,
  hint: string | undefined,
  related: readonly RelatedInfo[] | undefined,
): Diagnostic {
  return {
    severity,
    code,
    message,
    ...(span ? { span } : {}),
    ...(hint ? { hint } : {}),
    ...(related && related.length > 0 ? { related } : {}),
  };
}

/** True when any diagnostic in the list is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
