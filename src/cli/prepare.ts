/**
 * Shared by `wf run` and `wf graph`: open the workflow, apply `--config`,
 * `--config-file` and `--where`, resolve targets, and plan. Prints the
 * diagnostics that stop it (to stderr) and exits 2 through {@link CliExit}.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { renderText } from '../diagnostics/render.js';
import type { Plan } from '../ir/plan.js';
import type { ConfigObject, Workflow } from '../ir/model.js';
import { plan, type FileSystem } from '../planner/index.js';
import { CliExit, EXIT } from './exit-codes.js';
import { mergeConfig, parseWhere } from './options.js';
import { openWorkflow, type CacheMode } from './session.js';
import { toTargetSpecs } from './targets.js';

/** Options that shape a plan (subset of `wf run` options). */
export interface PlanningOptions {
  readonly file?: string;
  readonly config: readonly string[];
  readonly configFile?: string;
  readonly where: readonly string[];
  readonly color: boolean;
  /** Use of the model cache: `read-write` only for `wf run` (its dry runs too: the cache is bookkeeping, written atomically). */
  readonly cache: CacheMode;
}

/** A planned workflow, ready to execute or draw. */
export interface Prepared {
  readonly workflow: Workflow;
  readonly plan: Plan;
  /** The effective config: defaults with `--config-file` and `--config` applied. */
  readonly config: ConfigObject;
}

/** A loaded, checked workflow with its effective config and `--where`, not yet planned. */
export interface Loaded {
  readonly workflow: Workflow;
  readonly config: ConfigObject;
  readonly where: Readonly<Record<string, readonly string[]>>;
  /** Prints `diagnostics` (with source carets) and throws {@link CliExit} 2. */
  readonly fail: (diagnostics: readonly Diagnostic[]) => Promise<never>;
  /** Prints warnings with source carets. */
  readonly warn: (diagnostics: readonly Diagnostic[]) => void;
}

/**
 * Open the workflow and apply `--config-file`, `--config` and `--where`.
 * Errors print and throw {@link CliExit} with exit code 2.
 */
export async function load(options: PlanningOptions): Promise<Loaded> {
  const session = await openWorkflow(options.file, process.cwd(), options.cache);
  let sources = session.sources;
  const fail = async (diagnostics: readonly Diagnostic[]): Promise<never> => {
    // A cached model has no source text; load it for carets under the errors.
    if (sources.size === 0 && diagnostics.some((d) => d.span)) sources = (await openWorkflow(options.file, process.cwd())).sources;
    printDiagnostics(diagnostics, sources, options.color);
    throw new CliExit(EXIT.invalid);
  };
  if (!session.workflow) await fail(session.diagnostics.filter((d) => d.severity === 'error'));
  const workflow = session.workflow!;
  const config = await mergeConfig(workflow.config, options.configFile, options.config);
  if (config.diagnostic) await fail([config.diagnostic]);
  const where = parseWhere(options.where);
  if (where.diagnostic) await fail([where.diagnostic]);
  const warn = (diagnostics: readonly Diagnostic[]): void => printDiagnostics(diagnostics, sources, options.color, false);
  return { workflow, config: config.value!, where: where.value!, fail, warn };
}

/**
 * Plan `targets` (empty: the defaults) of a {@link load}ed workflow, reading
 * the disk through `fs` (default: the real one). Warnings (e.g. a gather with
 * no instance, WF2108) are printed to stderr; errors print and throw
 * {@link CliExit} with exit code 2.
 */
export async function planLoaded(loaded: Loaded, targets: readonly string[], fs?: FileSystem): Promise<Prepared> {
  const { workflow, config, where } = loaded;
  const result = await plan(workflow, { targets: toTargetSpecs(targets, workflow), where, config, ...(fs ? { fs } : {}) });
  if (!result.plan || hasErrors(result.diagnostics)) await loaded.fail(result.diagnostics.filter((d) => d.severity === 'error'));
  if (result.diagnostics.length > 0) loaded.warn(result.diagnostics);
  return { workflow, plan: result.plan!, config };
}

/** {@link load} then {@link planLoaded}. */
export async function prepare(targets: readonly string[], options: PlanningOptions): Promise<Prepared> {
  return planLoaded(await load(options), targets);
}

/** Render diagnostics to stderr like a compiler; `summary` adds the count line. */
export function printDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, color: boolean, summary = true): void {
  if (diagnostics.length === 0) return;
  let text = renderText(diagnostics, sources, { color });
  if (!summary) text = text.replace(/\n[^\n]*\d+ (errors?|warnings?)[^\n]*\n?$/, '\n');
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
