/**
 * The plan: every job needed for the requested targets, with rendered
 * commands and dependencies (spec §3). Produced by `planner/`, consumed by
 * `executor/` and `cli/` (graph, dry run). Serializable data: a planned
 * job keeps its files as path lists and builds its file records when read.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ConfigObject } from './model.js';
import type { JobId, RelPath } from './ids.js';

/** One input file of a job. */
export interface JobInput {
  readonly path: RelPath;
  /** Placeholder name (`{input.NAME}`), absent for an unnamed path. A gather's instances share its name. */
  readonly name?: string;
  /** The product this file is an instance of, if any. */
  readonly product?: string;
  /** True when this file comes from `all PRODUCT`. */
  readonly gather: boolean;
}

/** One output file of a job. */
export interface JobOutput {
  readonly path: RelPath;
  readonly name?: string;
  readonly product?: string;
  readonly temp: boolean;
  readonly protected: boolean;
}

/** A rule's `slurm { partition, account, qos, extra }` options (wf extension), all optional strings. */
export interface SlurmOptions {
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  /** Extra sbatch flags, e.g. `--constraint=ssd --exclusive`. */
  readonly extra?: string;
}

/** One planned job: a rule applied to one set of wildcard values. */
export interface Job {
  readonly id: JobId;
  readonly rule: string;
  readonly level: number;
  readonly levelText: string;
  /** Wildcard values, keys in the rule's wildcard order. */
  readonly wildcards: Readonly<Record<string, string>>;
  /**
   * In declaration order; a gather's instances in byte order of their paths.
   * A planned job builds this list on every read: a pass over every job
   * reads {@link inputPaths} instead.
   */
  readonly inputs: readonly JobInput[];
  /** In declaration order. Built on every read, like {@link inputs}: passes over every job read {@link outputPaths}. */
  readonly outputs: readonly JobOutput[];
  /** The paths of {@link inputs}, in the same order (a plan keeps these, not one record per file). */
  readonly inputPaths: readonly RelPath[];
  /** The paths of {@link outputs}, in the same order. */
  readonly outputPaths: readonly RelPath[];
  /** True when some output is `temp` (only then does a pass need {@link outputs}' flags). */
  readonly hasTempOutput: boolean;
  /** The rendered shell text, every placeholder substituted and shell-quoted. */
  readonly command: string;
  /** Evaluated params (config references resolved). */
  readonly params: ConfigObject;
  /** A digest of the rule's declared inputs and outputs (patterns and kinds): the "rule" rerun trigger. */
  readonly ruleDigest: string;
  /** Cores the job takes from `-j` (resources.cores, default 1). */
  readonly cores: number;
  /** Memory in bytes if declared. */
  readonly memBytes?: number;
  /** Extra attempts after a failure. */
  readonly retries: number;
  /** Wall-clock limit in ms, if any. */
  readonly timeoutMs?: number;
  /** Where stdout/stderr go: the rule's rendered `log`, else `.wf/logs/RULE/WILDCARDS.log`. */
  readonly logPath: RelPath;
  /** True when `logPath` comes from the rule's `log` declaration. */
  readonly hasDeclaredLog: boolean;
  /** `metrics` (wf extension): the job's QC file (a flat JSON object of numbers), read after success. */
  readonly metricsPath?: RelPath;
  /** `slurm { … }` (wf extension): the rule's cluster options for `--executor slurm`, absent when none. */
  readonly slurm?: SlurmOptions;
  /** Jobs producing this job's inputs, sorted, without duplicates. */
  readonly deps: readonly JobId[];
  /**
   * The same jobs as positions in `Plan.jobs` (always earlier), in `deps`
   * order. Set by the planner so that consumers need no id lookups;
   * absent in hand-built plans (then derived from `deps`).
   */
  readonly depIndex?: readonly number[];
}

/** The result of planning. */
export interface Plan {
  /** Absolute workflow root: the jobs' working directory. */
  readonly root: string;
  /** Every job needed by the targets, in a topological order (dependencies first). */
  readonly jobs: readonly Job[];
  /** The jobs that produce the requested targets directly (sorted). */
  readonly targets: readonly JobId[];
  /** Source files (produced by no job) that planned jobs read, sorted. */
  readonly sources: readonly RelPath[];
  /** Warnings such as a gather with no instance (WF2108). Errors mean no plan. */
  readonly diagnostics: readonly Diagnostic[];
}
