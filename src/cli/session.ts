/**
 * The front half shared by `wf run`, `wf check`, `wf graph` and `wf clean`:
 * find the main file, load it with its includes, check it. Returns the
 * workflow or the diagnostics that prevent one, plus the sources for
 * rendering. With `cache` set, an unchanged workflow comes from
 * `.wf/model.json` and the parser is never loaded.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { Workflow } from '../ir/model.js';
import { readCachedWorkflow, writeCachedWorkflow } from '../loader/model-cache.js';
import { wfVersion } from '../util/version.js';
import { findWorkflowFile } from './workflow-file.js';

/** Outcome of {@link openWorkflow}: `workflow` is present iff no error was found. */
export interface Session {
  readonly workflow?: Workflow;
  readonly diagnostics: readonly Diagnostic[];
  /** Display path → file text, for carets under diagnostics (empty on a cache hit). */
  readonly sources: ReadonlyMap<string, string>;
}

/** How {@link openWorkflow} uses the model cache: not at all (`wf check`), read only (`wf graph`, `wf clean`), or read and refresh (`wf run`, dry runs included). */
export type CacheMode = 'off' | 'read' | 'read-write';

/** Load and check the workflow named by `-f` (or found in `cwd`). Never throws for user errors. */
export async function openWorkflow(fileOption: string | undefined, cwd: string, cache: CacheMode = 'off'): Promise<Session> {
  const found = findWorkflowFile(fileOption, cwd);
  if (!found.file) return { diagnostics: [found.diagnostic!], sources: new Map() };
  if (cache !== 'off') {
    const workflow = readCachedWorkflow(found.file, wfVersion(), cwd);
    if (workflow) return { workflow, diagnostics: [], sources: new Map() };
  }
  const session = await openWorkflowFile(found.file);
  if (cache === 'read-write' && session.workflow) writeCachedWorkflow(session.workflow, wfVersion(), cwd);
  return session;
}

/** Load and check one main workflow file (absolute or relative to the cwd), bypassing the cache. */
export async function openWorkflowFile(file: string): Promise<Session> {
  // Lazy: the parser (chevrotain) is the costliest module to start; a cache hit never loads it.
  const [{ loadWorkflow }, { checkWorkflow }] = await Promise.all([import('../loader/index.js'), import('../checker/index.js')]);
  const load = loadWorkflow(file);
  const checked = checkWorkflow(load);
  const diagnostics = checked.diagnostics;
  return {
    ...(checked.workflow && !hasErrors(diagnostics) ? { workflow: checked.workflow } : {}),
    diagnostics,
    sources: load.sources,
  };
}
