/**
 * The last step of planning (spec §3, §6 "Placeholders", "Logs"): a
 * candidate job becomes a plain {@link Job} with its rendered command, log
 * path, params and resources. Used by `plan()` for every needed job and by
 * `rebuildPlan` (rebuild.ts) for the jobs it rebuilds, so both render alike.
 */
import { asRelPath, type JobId } from '../ir/ids.js';
import type { Job } from '../ir/plan.js';
import type { JobRec, PlanState } from './context.js';
import { renderTemplate } from './patterns.js';
import { defaultLogPath, renderCommand } from './render.js';

/** The `params` of a job whose rule declares none (shared, never mutated). */
const NO_PARAMS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Turn a candidate job into a plain {@link Job} (`deps` sorted by id,
 * `depIndex` their positions in the plan); fails only when a placeholder has
 * no value (`reason` names the placeholder, for WF2117).
 */
export function buildJob(state: PlanState, rec: JobRec, id: JobId, deps: JobId[], depIndex: number[]): { ok: true; job: Job } | { ok: false; reason: string } {
  const { rule, values } = rec;
  const model = rule.model;
  const { inputs, outputs } = rec;
  const logPath = rule.log ? renderTemplate(rule.log, values) : defaultLogPath(rule, values);
  const params = rule.params ?? NO_PARAMS;
  const rendered = renderCommand(rule.pieces, { rule, values, inputs, outputs, params, config: state.config, logPath });
  if (!rendered.ok) return rendered;
  const wildcards: Record<string, string> = {};
  rule.wildcards.forEach((w, i) => (wildcards[w] = values[i]!));
  // Optional keys are added only when present (one object, no spread temporaries: 60,000 jobs).
  const job: { -readonly [K in keyof Job]: Job[K] } = {
    id,
    rule: model.name,
    level: model.level,
    levelText: model.levelText,
    wildcards,
    inputs,
    outputs,
    command: rendered.command,
    params,
    ruleDigest: rule.digest,
    cores: model.cores,
    retries: model.retries,
    logPath: asRelPath(logPath),
    hasDeclaredLog: rule.log !== undefined,
    deps,
    depIndex,
  };
  if (model.memBytes !== undefined) job.memBytes = model.memBytes;
  if (model.timeoutMs !== undefined) job.timeoutMs = model.timeoutMs;
  if (rule.metrics) job.metricsPath = asRelPath(renderTemplate(rule.metrics, values));
  if (model.slurm) job.slurm = model.slurm;
  return { ok: true, job };
}
