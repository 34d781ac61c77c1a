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
 *
 * A job keeps its files as path lists; its file records (`inputs`,
 * `outputs`) are built from them and its rule when read (`job-files.ts`).
 */
import { asRelPath, type JobId, type RelPath } from '../ir/ids.js';
import type { ConfigObject } from '../ir/model.js';
import type { Job, JobInput, JobOutput, SlurmOptions } from '../ir/plan.js';
import type { JobRec, PlanState, RuleInfo } from './context.js';
import { jobInputs, jobOutputs } from './job-files.js';
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

/** What a job computes on first read and keeps (one object, made only for the jobs asked). */
interface Derived {
  wildcards?: Readonly<Record<string, string>>;
  logPath?: RelPath;
  command?: string;
}

/**
 * A planned job. Its rule's fields are read from the rule; `wildcards`,
 * `command` and `logPath` are computed on first read and kept (a plan of
 * 60,000 jobs holds about 10 MB less); `inputs` and `outputs` are built
 * from the path lists on every read; `deps` is read from the plan's jobs
 * through `depIndex` on every read (not kept). `toJSON` gives every field
 * of {@link Job} but the path lists, as a plain object would. Spreading it
 * (`{ ...job }`) copies only the own fields: use the fields by name.
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
  readonly #inputCounts: readonly number[] | undefined;
  #derived: Derived | undefined;

  constructor(
    info: RuleInfo,
    values: readonly string[],
    plan: PlanContext,
    readonly id: JobId,
    readonly inputPaths: readonly RelPath[],
    inputCounts: readonly number[] | undefined,
    readonly outputPaths: readonly RelPath[],
    readonly depIndex: readonly number[],
  ) {
    const model = info.model;
    this.#info = info;
    this.#values = values;
    this.#plan = plan;
    this.#inputCounts = inputCounts;
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
  get hasTempOutput(): boolean {
    return this.#info.hasTempOutput;
  }

  /** Built from {@link inputPaths} and the rule (a new list per read). */
  get inputs(): readonly JobInput[] {
    return jobInputs(this.#info, this.inputPaths, this.#inputCounts);
  }

  /** Built from {@link outputPaths} and the rule (a new list per read). */
  get outputs(): readonly JobOutput[] {
    return jobOutputs(this.#info, this.outputPaths);
  }

  /** The ids of `depIndex`, read from the plan's jobs (a new array per read: loops should use `depIndex`). */
  get deps(): readonly JobId[] {
    const jobs = this.#plan.jobs;
    return this.depIndex.length === 0 ? NO_IDS : this.depIndex.map((p) => jobs[p]!.id);
  }

  get wildcards(): Readonly<Record<string, string>> {
    const derived = (this.#derived ??= {});
    if (derived.wildcards === undefined) {
      const wildcards: Record<string, string> = {};
      this.#info.wildcards.forEach((w, i) => (wildcards[w] = this.#values[i]!));
      derived.wildcards = wildcards;
    }
    return derived.wildcards;
  }

  get logPath(): RelPath {
    const info = this.#info;
    return ((this.#derived ??= {}).logPath ??= asRelPath(info.log ? renderTemplate(info.log, this.#values) : defaultLogPath(info, this.#values)));
  }

  get command(): string {
    const derived = (this.#derived ??= {});
    if (derived.command === undefined) {
      const rendered = this.render();
      // The rule's first job was rendered when planned (buildJob): the others cannot fail.
      if (!rendered.ok) throw new Error(`internal error: job ${this.id}: ${rendered.reason}`);
      derived.command = rendered.command;
    }
    return derived.command;
  }

  /** Render the command (placeholders substituted and shell-quoted). */
  render(): ReturnType<typeof renderCommand> {
    const info = this.#info;
    return renderCommand(info.pieces, { rule: info, values: this.#values, inputs: this.inputs, outputs: this.outputs, params: this.params, config: this.#plan.config, logPath: this.logPath });
  }

  /** Every field of {@link Job} as plain data, the file records built (the path lists left out: they repeat them). */
  toJSON(): Omit<Job, 'inputPaths' | 'outputPaths' | 'hasTempOutput'> {
    const { inputPaths: _inputPaths, outputPaths: _outputPaths, ...own } = this;
    const { id, rule, level, levelText, wildcards, inputs, outputs, command, params, ruleDigest, cores, retries, logPath, hasDeclaredLog, deps, depIndex } = this;
    return { ...own, id, rule, level, levelText, wildcards, inputs, outputs, command, params, ruleDigest, cores, retries, logPath, hasDeclaredLog, deps, depIndex };
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
  const job = new PlannedJob(rec.rule, rec.values, plan, id, rec.inputPaths, rec.inputCounts, rec.outputPaths, depIndex);
  if (!state.renderedRules.has(rec.rule)) {
    const rendered = job.render();
    if (!rendered.ok) return rendered;
    state.renderedRules.add(rec.rule);
  }
  return { ok: true, job };
}
