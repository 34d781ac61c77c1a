/**
 * `wf clean [TARGET…]` (spec §5): remove the generated outputs of the jobs a
 * target needs. Never a source product (no job produces it); a `protected`
 * output only with `--force`. `-n` lists what would go.
 */
import { rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../ir/plan.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { prepare, type PlanningOptions } from './prepare.js';

/** Options of `wf clean`. */
export interface CleanCommandOptions extends PlanningOptions {
  readonly force: boolean;
  readonly dryRun: boolean;
}

/** What {@link cleanPlan} removes and keeps; paths relative to the root, in plan order. */
export interface CleanResult {
  readonly removed: readonly string[];
  readonly keptProtected: readonly string[];
}

/** Remove (or with `dryRun` only list) the existing outputs of every planned job. */
export function cleanPlan(plan: Plan, force: boolean, dryRun: boolean): CleanResult {
  const removed: string[] = [];
  const keptProtected: string[] = [];
  for (const job of plan.jobs) {
    for (const out of job.outputs) {
      const abs = join(plan.root, out.path);
      if (!existsSync(abs)) continue;
      if (out.protected && !force) {
        keptProtected.push(out.path);
        continue;
      }
      if (!dryRun) rmSync(abs, { force: true });
      removed.push(out.path);
    }
  }
  return { removed, keptProtected };
}

/** Run the command; prints one line per removed file to stdout and a summary to stderr. */
export async function runClean(targets: readonly string[], opts: CleanCommandOptions): Promise<ExitCode> {
  const { plan } = await prepare(targets, opts);
  const result = cleanPlan(plan, opts.force, opts.dryRun);
  for (const p of result.removed) process.stdout.write(`${opts.dryRun ? 'would remove' : 'removed'} ${p}\n`);
  const kept = result.keptProtected.length;
  process.stderr.write(
    `wf: ${opts.dryRun ? 'would remove' : 'removed'} ${result.removed.length} file(s)` +
      (kept > 0 ? `; kept ${kept} protected file(s) (use --force to remove them)` : '') +
      '\n',
  );
  return EXIT.ok;
}
