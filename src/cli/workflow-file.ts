/**
 * Finds the main workflow file (spec §5 `-f FILE`): the given file, else
 * `./workflow.wf`, else the only `.wf` file in the current directory.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/** The absolute path of the main workflow file, or a WF2113/WF2003 diagnostic. */
export function findWorkflowFile(given: string | undefined, cwd: string): { file?: string; diagnostic?: Diagnostic } {
  if (given !== undefined) {
    const file = resolve(cwd, given);
    if (!existsSync(file)) return { diagnostic: error('WF2003', `workflow file ${given} not found`, undefined, 'check the path given to -f') };
    return { file };
  }
  const conventional = resolve(cwd, 'workflow.wf');
  if (existsSync(conventional)) return { file: conventional };
  const candidates = readdirSync(cwd).filter((n) => n.endsWith('.wf')).sort();
  if (candidates.length === 1) return { file: resolve(cwd, candidates[0]!) };
  if (candidates.length === 0) {
    return { diagnostic: error('WF2113', `no workflow.wf and no .wf file in ${cwd}`, undefined, 'run wf in the workflow directory or pass -f FILE') };
  }
  return {
    diagnostic: error('WF2113', `no workflow.wf and several .wf files in ${cwd}: ${candidates.join(', ')}`, undefined, 'pick one with -f FILE'),
  };
}
