/**
 * The planner's working state for one `plan()` call: rules compiled once
 * (patterns, params, command pieces, digest), product instances, and the
 * table of candidate jobs produced by forward propagation.
 *
 * Internal to `planner/`: mutable, index-based (jobs are numbers into
 * {@link PlanState.jobs}) so that 300,000 jobs stay cheap. `Job` is the
 * plan's type (`ir/plan.ts`). Nothing here is
 * exported from the layer.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ConfigObject, InputModel, OutputModel, ProductModel, RuleModel, Workflow } from '../ir/model.js';
import type { RelPath } from '../ir/ids.js';
import type { CommandPiece } from '../util/placeholders.js';
import type { HeaderReader } from './fits-header.js';
import type { FileSystem } from './fs.js';
import type { CompiledPattern, PatternCache, Template } from './patterns.js';

/** One input of a rule with its compiled pattern. */
export interface InputInfo {
  readonly model: InputModel;
  readonly pattern: CompiledPattern;
  /** For each wildcard of `pattern` (in its order): its position among the rule's wildcards, or -1. */
  readonly positions: readonly number[];
  /** The pattern bound to the rule's values; undefined when it has a wildcard the rule lacks (a gather). */
  readonly template: Template | undefined;
}

/** One output of a rule with its compiled pattern. */
export interface OutputInfo {
  readonly model: OutputModel;
  readonly pattern: CompiledPattern;
  readonly template: Template;
}

/** A rule compiled for planning. */
export interface RuleInfo {
  readonly model: RuleModel;
  /** Declaration index (the tie-break of the job order). */
  readonly index: number;
  readonly wildcards: readonly string[];
  readonly position: ReadonlyMap<string, number>;
  readonly inputs: readonly InputInfo[];
  readonly outputs: readonly OutputInfo[];
  readonly log?: Template;
  /** `metrics` (wf extension), bound like `log`. */
  readonly metrics?: Template;
  /** Evaluated params; undefined when a config reference is missing (reported once). */
  readonly params: ConfigObject | undefined;
  readonly pieces: readonly CommandPiece[];
  readonly digest: string;
  /** True when one of its outputs is `temp`. */
  readonly hasTempOutput: boolean;
  /** True when one of its inputs is a gather (its jobs record paths per input: `JobRec.inputCounts`). */
  readonly hasGather: boolean;
}

/** The discovered or derived instances of one product, in discovery/creation order. */
export interface ProductStore {
  readonly model: ProductModel;
  readonly pattern: CompiledPattern;
  /** Wildcard values per instance, in the product's wildcard order. */
  readonly values: string[][];
  readonly paths: string[];
  /** Producing job index per instance; -1 for a source file. */
  readonly producers: number[];
}

/** A candidate job: a rule applied to one binding of its wildcards. */
export interface JobRec {
  readonly rule: RuleInfo;
  /** Values in the rule's wildcard order. */
  readonly values: readonly string[];
  /**
   * Input paths, built once here and kept by the final {@link Job}: in
   * declaration order, a gather's instances in byte order.
   */
  readonly inputPaths: readonly RelPath[];
  /** Paths per rule input (`job-files.ts`) for a rule with a gather; undefined (one each) otherwise. */
  readonly inputCounts: readonly number[] | undefined;
  /** Per input: producing job index; -1 a discovered source; -2 a quoted path not yet resolved. */
  readonly producers: readonly number[];
  /** Output paths, in declaration order (one per rule output). */
  readonly outputPaths: readonly RelPath[];
  /** An error met while evaluating `when` (reported only when the job is needed). */
  whenError?: Diagnostic;
}

/** Why a derivable job was left out of the forward propagation. */
export interface Unplanned {
  readonly rule: RuleInfo;
  readonly values: readonly string[];
  /** `when`: its condition is false; `gather`: a gather has no instance; `upstream`: it reads an output of an unplanned job. */
  readonly reason: 'when' | 'gather' | 'upstream';
  /** The gather product (reason `gather`) or the unplanned input path (reason `upstream`). */
  readonly detail?: string;
}

/** Everything one planning run works on. */
export interface PlanState {
  readonly workflow: Workflow;
  readonly config: ConfigObject;
  readonly where: ReadonlyMap<string, ReadonlySet<string>>;
  readonly fs: FileSystem;
  readonly headers: HeaderReader;
  readonly patterns: PatternCache;
  /** In declaration order. */
  readonly rules: readonly RuleInfo[];
  readonly ruleByName: ReadonlyMap<string, RuleInfo>;
  /** Product name → the rule that outputs it (absent for sources). */
  readonly producerRule: ReadonlyMap<string, RuleInfo>;
  readonly products: Map<string, ProductStore>;
  readonly jobs: JobRec[];
  /** Output path → producing job index, for every candidate job. */
  readonly outputs: Map<string, number>;
  /** Output path → why its job is not planned. */
  readonly unplanned: Map<string, Unplanned>;
  /** Rules one of whose jobs was rendered when built: their commands render (`build-job.ts`). */
  readonly renderedRules: Set<RuleInfo>;
  /** Errors and warnings gathered so far. */
  readonly diagnostics: Diagnostic[];
}

/** The rule's values as a lookup function for {@link renderPattern}. */
export function valueLookup(rule: RuleInfo, values: readonly string[]): (name: string) => string | undefined {
  return (name) => {
    const i = rule.position.get(name);
    return i === undefined ? undefined : values[i];
  };
}

/** A job's display name: `RULE` or `RULE[k=v,k2=v2]` in the rule's wildcard order (spec §6). */
export function jobName(rule: RuleInfo, values: readonly string[]): string {
  if (rule.wildcards.length === 0) return rule.model.name;
  // name [ w = v , w = v ] at its final size: one short-lived array per id, no growth.
  const n = rule.wildcards.length;
  const parts = new Array<string>(4 * n + 2);
  parts[0] = rule.model.name;
  parts[1] = '[';
  let k = 2;
  for (let i = 0; i < n; i += 1) {
    if (i > 0) parts[k++] = ',';
    parts[k++] = rule.wildcards[i]!;
    parts[k++] = '=';
    parts[k++] = values[i]!;
  }
  parts[k] = ']';
  return parts.join(''); // one flat string: ids are kept for the whole plan
}
