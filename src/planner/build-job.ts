/**
 * The last step of planning (spec §3, §6 "Placeholders", "Logs"): a
 * candidate job becomes a {@link Job} with its rendered command, log path,
 * params and resources. Used by `plan()` for every needed job and by
 * `rebuildPlan` (rebuild.ts) for the jobs it rebuilds, so both render alike.
 *
 * Commands and default log paths are rendered when first read: a dry run
 * of 60,000 jobs on a clean tree never reads them, and a run reads them
 * only for the jobs it starts (about a tenth of a dry run's planning time
 * and 10 MB of strings at N=20,000). Whether a rule's commands can be
 * rendered at all does not depend on the job (every placeholder is a
 * rule-level name: an input or output the rule declares, its params, the
 * config, its resources or wildcards, `{log}`), so the first job of each
 * rule is rendered at once and a WF2117 error still stops planning.
 */
import { asRelPath, type JobId, type RelPath } from '../ir/ids.js';
import type { ConfigObject } from '../ir/model.js';
import type { Job, JobInput, JobOutput, SlurmOptions } from '../ir/plan.js';
import type { JobRec, PlanState, RuleInfo } from './context.js';
import { renderTemplate } from './patterns.js';
import { defaultLogPath, renderCommand } from './render.js';

/** The `params` of a job whose rule declares none (shared, never mutated). */
const NO_PARAMS: Readonly<Record<string, never>> = Object.freeze({});

/** The deps of a job without any (shared, never mutated). */
const NO_IDS: readonly JobId[] = Object.freeze([]);

/**
 * What every job of one plan shares: the config its commands are rendered
 * with, and the plan's job list, which its dependency ids are read from
 * (positions are always earlier than the job's own).
 */
export interface PlanContext {
  readonly config: ConfigObject;
  readonly jobs: readonly Job[];
}

/**
 * A planned job. Its rule's fields are read from the rule, `wildcards`,
 * `command` and `logPath` are computed on first read and kept (a plan of
 * 60,000 jobs holds about 10 MB less), and `deps` is read from the plan's
 * jobs through `depIndex` on every read (not kept); `toJSON` gives every
 * field, as a plain object would. Spreading it (`{ ...job }`) copies only
 * the own fields: use the fields by name.
 */
class PlannedJob implements Job {
  // `declare`: set only when present, so most jobs carry none of them (no undefined slots).
  declare readonly memBytes?: number;
  declare readonly timeoutMs?: number;
  declare readonly metricsPath?: RelPath;
  declare readonly slurm?: SlurmOptions;
  readonly #info: RuleInfo;
  readonly #values: readonly string[];
  readonly #plan: PlanContext;
  #wildcards: Readonly<Record<string, string>> | undefined;
  #logPath: RelPath | undefined;
  #command: string | undefined;

  constructor(
    info: RuleInfo,
    values: readonly string[],
    plan: PlanContext,
    readonly id: JobId,
    readonly inputs: readonly JobInput[],
    readonly outputs: readonly JobOutput[],
    readonly depIndex: readonly number[],
  ) {
    const model = info.model;
    this.#info = info;
    this.#values = values;
    this.#plan = plan;
    // Optional keys only when present (a plain object would not have them either).
    if (model.memBytes !== undefined) this.memBytes = model.memBytes;
    if (model.timeoutMs !== undefined) this.timeoutMs = model.timeoutMs;
    if (info.metrics) this.metricsPath = asRelPath(renderTemplate(info.metrics, values));
    if (model.slurm) this.slurm = model.slurm;
  }

  // The rule's fields, read from the rule (one copy per rule, not per job).
  get rule(): string {
    return this.#info.model.name;
  }
  get level(): number {
    return this.#info.model.level;
  }
  get levelText(): string {
    return this.#info.model.levelText;
  }
  get params(): ConfigObject {
    return this.#info.params ?? NO_PARAMS;
  }
  get ruleDigest(): string {
    return this.#info.digest;
  }
  get cores(): number {
    return this.#info.model.cores;
  }
  get retries(): number {
    return this.#info.model.retries;
  }
  get hasDeclaredLog(): boolean {
    return this.#info.log !== undefined;
  }

  /** The ids of `depIndex`, read from the plan's jobs (a new array per read: loops should use `depIndex`). */
  get deps(): readonly JobId[] {
    const jobs = this.#plan.jobs;
    return this.depIndex.length === 0 ? NO_IDS : this.depIndex.map((p) => jobs[p]!.id);
  }

  get wildcards(): Readonly<Record<string, string>> {
    if (this.#wildcards === undefined) {
      const wildcards: Record<string, string> = {};
      this.#info.wildcards.forEach((w, i) => (wildcards[w] = this.#values[i]!));
      this.#wildcards = wildcards;
    }
    return this.#wildcards;
  }

  get logPath(): RelPath {
    const info = this.#info;
    return (this.#logPath ??= asRelPath(info.log ? renderTemplate(info.log, this.#values) : defaultLogPath(info, this.#values)));
  }

  get command(): string {
    if (this.#command === undefined) {
      const rendered = this.render();
      // The rule's first job was rendered when planned (buildJob): the others cannot fail.
      if (!rendered.ok) throw new Error(`internal error: job ${this.id}: ${rendered.reason}`);
      this.#command = rendered.command;
    }
    return this.#command;
  }

  /** Render the command (placeholders substituted and shell-quoted). */
  render(): ReturnType<typeof renderCommand> {
    const info = this.#info;
    return renderCommand(info.pieces, { rule: info, values: this.#values, inputs: this.inputs, outputs: this.outputs, params: this.params, config: this.#plan.config, logPath: this.logPath });
  }

  toJSON(): Job {
    const { id, rule, level, levelText, wildcards, inputs, outputs, command, params, ruleDigest, cores, retries, logPath, hasDeclaredLog, deps, depIndex } = this;
    return { ...this, id, rule, level, levelText, wildcards, inputs, outputs, command, params, ruleDigest, cores, retries, logPath, hasDeclaredLog, deps, depIndex };
  }
}

/**
 * Turn a candidate job into a {@link Job}: `depIndex` holds the positions
 * in `plan.jobs` of the jobs it depends on, in byte order of their ids (its
 * `deps` are read from there). Fails only when a placeholder has no value
 * (`reason` names the placeholder, for WF2117), which is checked on the
 * first job of each rule (`state.renderedRules`).
 */
export function buildJob(state: PlanState, plan: PlanContext, rec: JobRec, id: JobId, depIndex: readonly number[]): { ok: true; job: Job } | { ok: false; reason: string } {
  const job = new PlannedJob(rec.rule, rec.values, plan, id, rec.inputs, rec.outputs, depIndex);
  if (!state.renderedRules.has(rec.rule)) {
    const rendered = job.render();
    if (!rendered.ok) return rendered;
    state.renderedRules.add(rec.rule);
  }
  return { ok: true, job };
}
