/**
 * The front half shared by `wf run`, `wf check` and `wf graph`: find the
 * main file, load it with its includes, check it. Returns the workflow or
 * the diagnostics that prevent one, plus the sources for rendering.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { Workflow } from '../ir/model.js';
import { loadWorkflow } from '../loader/index.js';
import { checkWorkflow } from '../checker/index.js';
import { findWorkflowFile } from './workflow-file.js';

/** Outcome of {@link openWorkflow}: `workflow` is present iff no error was found. */
export interface Session {
  readonly workflow?: Workflow;
  readonly diagnostics: readonly Diagnostic[];
  /** Display path → file text, for carets under diagnostics. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Load and check the workflow named by `-f` (or found in `cwd`). Never throws for user errors. */
export function openWorkflow(fileOption: string | undefined, cwd: string): Session {
  const found = findWorkflowFile(fileOption, cwd);
  if (!found.file) return { diagnostics: [found.diagnostic!], sources: new Map() };
  return openWorkflowFile(found.file);
}

/** Load and check one main workflow file (absolute or relative to the cwd). */
export function openWorkflowFile(file: string): Session {
  const load = loadWorkflow(file);
  const checked = checkWorkflow(load);
  const diagnostics = checked.diagnostics;
  return {
    ...(checked.workflow && !hasErrors(diagnostics) ? { workflow: checked.workflow } : {}),
    diagnostics,
    sources: load.sources,
  };
}
