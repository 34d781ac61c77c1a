/**
 * What `wf run` tells the run database about itself: the run's metadata
 * ({@link runInfo}) when it first writes, and at the end its outcome and
 * per-level, per-rule counts ({@link summarizeRun}). Pure except for reading
 * the user, host and wf version.
 */
import { createRequire } from 'node:module';
import { hostname, userInfo } from 'node:os';
import { relative } from 'node:path';
import type { RunSummary } from '../executor/index.js';
import type { ConfigObject, Workflow } from '../ir/model.js';
import type { Plan } from '../ir/plan.js';
import type { RunInfo, RunOutcome, RunSummaryRow } from '../store/schema.js';

/** The wf version from package.json (found upward from this module: bundled chunks live deeper than sources). */
export function wfVersion(): string {
  const require = createRequire(import.meta.url);
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(rel) as { name?: string; version?: string };
      if (pkg.name === 'wf' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

/** Metadata of this run for its `runs` row. */
export function runInfo(workflow: Workflow, config: ConfigObject, targets: readonly string[]): RunInfo {
  return {
    argv: process.argv.slice(2),
    targets: [...targets],
    user: currentUser(),
    host: hostname(),
    pid: process.pid,
    wfVersion: wfVersion(),
    workflow: relative(workflow.root, workflow.mainFile),
    config: config as Record<string, unknown>,
    products: [...workflow.products.values()].map((p) => ({
      name: p.name,
      level: p.level,
      levelText: p.levelText,
      pattern: p.pattern,
      isSource: p.isSource,
      keywords: p.keywords as Record<string, unknown>,
    })),
  };
}

/** How a run ended, from its summary. */
export function runOutcome(summary: RunSummary): RunOutcome {
  if (summary.interrupted) return 'interrupted';
  return summary.failed.length > 0 ? 'failed' : 'succeeded';
}

/**
 * Counts per rule (sorted by level, then rule name) of every planned job of
 * the run; `outside` adds jobs known up to date that a partial plan left out
 * (rule name → count), so the counts are those of the whole plan.
 */
export function summarizeRun(workflow: Workflow, plan: Plan, summary: RunSummary, outside?: ReadonlyMap<string, number>): RunSummaryRow {
  const state = new Map<string, keyof RunSummaryRow['byRule'][number]>();
  for (const id of summary.succeeded) state.set(id, 'succeeded');
  for (const f of summary.failed) state.set(f.id, 'failed');
  for (const id of summary.skipped) state.set(id, 'skipped');
  for (const id of summary.notStarted) state.set(id, 'notStarted');
  for (const id of summary.interruptedJobs) state.set(id, 'interrupted');
  type Row = RunSummaryRow['byRule'][number];
  const by = new Map<string, Row>();
  const row = (rule: string, level: number, levelText: string): Row => {
    let r = by.get(rule);
    if (!r) by.set(rule, (r = { rule, level, levelText, planned: 0, upToDate: 0, succeeded: 0, failed: 0, skipped: 0, notStarted: 0, interrupted: 0 }));
    return r;
  };
  for (const job of plan.jobs) {
    const r = row(job.rule, job.level, job.levelText);
    r.planned++;
    const k = state.get(job.id) ?? 'upToDate';
    (r[k as 'upToDate'] as number)++;
  }
  let total = plan.jobs.length;
  for (const [name, count] of outside ?? []) {
    const model = workflow.rules.get(name);
    if (!model) continue;
    const r = row(name, model.level, model.levelText);
    r.planned += count;
    r.upToDate += count;
    total += count;
  }
  const byRule = [...by.values()].sort((a, b) => a.level - b.level || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return { total, byRule };
}
