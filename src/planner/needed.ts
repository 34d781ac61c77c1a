/**
 * The jobs the targets need (spec §3 "Resolution"): the transitive closure of
 * the selected jobs over their inputs' producers, with each job's deps and
 * the source files read. A quoted-path input that no job writes is a source
 * file and must exist: otherwise WF2102 naming the chain of files that
 * needed it, e.g. `L3/cat.tsv needs L2/0001/src.tsv (rule detect) needs
 * caldb/bias.dat, which does not exist`.
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { PlanState } from './context.js';
import { ScratchList } from '../util/arrays.js';

/** The closure: job indices in visiting order, deps per job (unique), source paths, errors. */
export interface Needed {
  readonly nodes: readonly number[];
  /**
   * Indexed by candidate job index; set for every job in `nodes`. Each list
   * is the job's own (never shared): the caller may reorder or overwrite it.
   */
  readonly deps: readonly (number[] | undefined)[];
  readonly sources: ReadonlySet<string>;
  /** WF2102 missing sources; the `when` errors (WF2106, WF2112) of needed jobs. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Walk back from `targets` (candidate job indices). Each job is visited
 * once; the first job to need another is remembered to print chains.
 * Errors of the same code and rule are reported once, with a count.
 */
export function collectNeeded(state: PlanState, targets: readonly number[]): Needed {
  const total = state.jobs.length;
  // Dense arrays, not Maps: 300,000 jobs make Map overhead and GC dominate.
  const parentFrom = new Int32Array(total).fill(-1);
  const parentPath: (string | undefined)[] = new Array<string | undefined>(total);
  const seen = new Uint8Array(total);
  for (let i = 0; i < targets.length; i += 1) seen[targets[i]!] = 1;
  const nodes: number[] = [...targets];
  const deps: (number[] | undefined)[] = new Array<number[] | undefined>(total);
  const sources = new Set<string>();
  const missing = new Map<string, { job: number; count: number }>();
  const mine = new ScratchList<number>(); // reused for every job; each keeps an exact copy
  for (let k = 0; k < nodes.length; k += 1) {
    const j = nodes[k]!;
    const job = state.jobs[j]!;
    mine.reset();
    for (let i = 0; i < job.inputPaths.length; i += 1) {
      const path = job.inputPaths[i]!;
      let producer = job.producers[i]!;
      if (producer === -2) producer = state.outputs.get(path) ?? -2;
      if (producer < 0) {
        sources.add(path);
        if (producer === -2 && !state.fs.exists(path)) {
          const m = missing.get(path);
          if (m) m.count += 1;
          else missing.set(path, { job: j, count: 1 });
        }
        continue;
      }
      mine.push(producer);
      if (seen[producer] === 0) {
        seen[producer] = 1;
        parentFrom[producer] = j;
        parentPath[producer] = path;
        nodes.push(producer);
      }
    }
    deps[j] = mine.length > 1 ? [...new Set(mine.take())] : mine.take();
  }

  const diagnostics: Diagnostic[] = [];
  for (const [path, { job, count }] of missing) {
    const chain = [path];
    let cur = job;
    while (parentFrom[cur]! >= 0) {
      chain.unshift(`${parentPath[cur]!} (rule ${state.jobs[cur]!.rule.model.name})`);
      cur = parentFrom[cur]!;
    }
    chain.unshift(state.jobs[cur]!.outputPaths[0]!);
    const hint = count > 1 ? `${count} jobs need this file` : undefined;
    diagnostics.push(error('WF2102', `${chain.join(' needs ')}, which does not exist`, undefined, hint));
  }
  const whenErrors = new Map<string, { diagnostic: Diagnostic; rule: string; count: number }>();
  for (let k = 0; k < nodes.length; k += 1) {
    const j = nodes[k]!;
    const d = state.jobs[j]!.whenError;
    if (!d) continue;
    const key = `${d.code}\u0000${state.jobs[j]!.rule.model.name}`;
    const hit = whenErrors.get(key);
    if (hit) hit.count += 1;
    else whenErrors.set(key, { diagnostic: d, rule: state.jobs[j]!.rule.model.name, count: 1 });
  }
  for (const { diagnostic, rule, count } of whenErrors.values()) {
    const more = count - 1;
    diagnostics.push(more > 0 ? { ...diagnostic, hint: `${more} more ${more === 1 ? 'job' : 'jobs'} of rule ${rule} met an error with the same code` } : diagnostic);
  }
  return { nodes, deps, sources, diagnostics };
}
