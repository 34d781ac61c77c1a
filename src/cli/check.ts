/**
 * `wf check [FILE…]` (spec §4): static checks for CI. Prints diagnostics in
 * text, JSON or GitHub annotation format to stdout; exit 0 when clean
 * (warnings allowed), 2 on any error.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { renderGithub, renderJson, renderText } from '../diagnostics/render.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { openWorkflow, openWorkflowFile } from './session.js';

/** Options of `wf check`. */
export interface CheckCommandOptions {
  readonly format: 'text' | 'json' | 'github';
  readonly file?: string;
  readonly color: boolean;
}

/** Check each main file (or the one found in the cwd); returns the exit code. */
export async function runCheck(files: readonly string[], options: CheckCommandOptions): Promise<ExitCode> {
  const sessions = files.length > 0 ? await Promise.all(files.map((f) => openWorkflowFile(f))) : [await openWorkflow(options.file, process.cwd())];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  for (const s of sessions) {
    for (const [k, v] of s.sources) sources.set(k, v);
    for (const d of s.diagnostics) {
      // A file included by two checked workflows reports its problems once.
      const key = `${d.code}|${d.message}|${d.span?.file}|${d.span?.line}|${d.span?.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(d);
    }
  }
  const out =
    options.format === 'json' ? renderJson(diagnostics) : options.format === 'github' ? renderGithub(diagnostics) : renderText(diagnostics, sources, { color: options.color });
  if (out !== '') process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  return hasErrors(diagnostics) ? EXIT.invalid : EXIT.ok;
}
