/**
 * The partial plan of `wf run` when the up-to-date snapshot still describes
 * the plan and only some files' stamps changed (`store/uptodate.ts`): the
 * jobs those files can affect, rebuilt by the planner from the snapshot's
 * copy of the plan (`store/uptodate-plan.ts`, `planner/rebuild.ts`), and the
 * counts of the others, which are up to date by the snapshot's verdict.
 * Touching one raw file of a 60,000-job workflow plans 4 jobs, not 60,000.
 */
import type { LevelCount } from '../executor/index.js';
import type { ConfigObject, Workflow } from '../ir/model.js';
import type { Plan } from '../ir/plan.js';
import type { Stamp } from '../executor/stamps.js';
import { rebuildPlan } from '../planner/index.js';
import { affectedJobs } from '../store/uptodate-plan.js';
import type { SnapshotCheck } from '../store/uptodate.js';

/** A partial plan and what it leaves out. */
export interface PartialRun {
  readonly plan: Plan;
  /** Jobs left out (all up to date), per level, sorted by level. */
  readonly outside: readonly LevelCount[];
  /** Jobs left out, per rule. */
  readonly outsideByRule: ReadonlyMap<string, number>;
  /** The snapshot files the partial plan's jobs read or write, and the changed ones (indices): all whose stamps the run can know anew. */
  readonly touchedFiles: readonly number[];
  /**
   * The stamp the snapshot check found for each of {@link touchedFiles} (null: absent; undefined for
   * any other path), for the executor's freshness scan: it need not stat them again.
   */
  readonly priorStamps: (path: string) => Stamp | null | undefined;
}

/**
 * The partial plan for a `changed` snapshot check, or undefined when the
 * whole workflow must be planned (see `affectedJobs` and `rebuildPlan`).
 */
export function partialPlan(workflow: Workflow, config: ConfigObject, check: Extract<SnapshotCheck, { kind: 'changed' }>): PartialRun | undefined {
  const { snapshot, plan: snapshotPlan } = check;
  const paths = snapshot.paths;
  const affected = affectedJobs(snapshotPlan, paths, check.changedFiles, (f) => check.stampAt(f) !== null);
  if (!affected) return undefined;
  const plan = rebuildPlan(workflow, config, affected.jobs);
  if (!plan) return undefined;
  const byLevel = new Map<number, { levelText: string; upToDate: number }>();
  for (const [name, count] of affected.outside) {
    const rule = workflow.rules.get(name);
    if (!rule) return undefined;
    const l = byLevel.get(rule.level);
    if (l) l.upToDate += count;
    else byLevel.set(rule.level, { levelText: rule.levelText, upToDate: count });
  }
  const outside = [...byLevel].sort((a, b) => a[0] - b[0]).map(([level, l]) => ({ level, levelText: l.levelText, toRun: 0, upToDate: l.upToDate }));
  const touchedFiles = [...new Set([...check.changedFiles, ...affected.files])];
  // Only the files the jobs use: a map of all 80,000 snapshot stamps would cost more than the jobs' own scan.
  const prior = new Map<string, Stamp | null>();
  for (const f of touchedFiles) prior.set(paths[f]!, check.stampAt(f));
  return { plan, outside, outsideByRule: affected.outside, touchedFiles, priorStamps: (path) => prior.get(path) };
}
