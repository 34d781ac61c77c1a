/**
 * `wf run [TARGET…]` (spec §5): plan, take the workflow lock, execute, report,
 * and map the outcome to an exit code (0 done or nothing to do, 1 a job
 * failed, 2 invalid workflow/usage/held lock, 130 interrupted).
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { acquireLock, createLauncherRunner, execute, releaseLock, type Lock } from '../executor/index.js';
import { hasRunDb, RunDbError } from '../store/db.js';
import { openRunStore, type RunStore } from '../store/state.js';
import { buildSnapshot, checkSnapshot, refreshSnapshot, snapshotKey, writeSnapshot, type SnapshotCheck } from '../store/uptodate.js';
import type { Plan } from '../ir/plan.js';
import { createNodeFileSystem, laterStat, memoizedStat, recordingFileSystem, type PathStat } from '../planner/fs.js';
import { wfVersion } from '../util/version.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { parseJobs, parseTriggers } from './options.js';
import { partialPlan, type PartialRun } from './partial-plan.js';
import { load, planLoaded, printDiagnostics } from './prepare.js';
import { createReporter } from './report.js';
import { createSlurmRunnerFor, parseSlurmOptions, prepareCluster, printSbatchLines, reportSlurmStats, type SlurmCliOptions } from './slurm.js';
import { runInfo, runOutcome, summarizeRun } from './run-record.js';

/** Options of `wf run`, as commander parsed them. */
export interface RunCommandOptions extends SlurmCliOptions {
  readonly file?: string;
  readonly jobs?: string;
  readonly dryRun: boolean;
  readonly explain: boolean;
  readonly keepGoing: boolean;
  readonly force: boolean;
  readonly forcerun: readonly string[];
  readonly where: readonly string[];
  readonly config: readonly string[];
  readonly configFile?: string;
  readonly rerunTriggers?: string;
  readonly executor: 'local' | 'slurm';
  readonly logFormat: 'text' | 'json';
  readonly color: boolean;
}

/** Run the command; resolves to the exit code. Throws `CliExit` (exit 2) for planning errors. */
export async function runCommand(targets: readonly string[], opts: RunCommandOptions): Promise<ExitCode> {
  const jobs = parseJobs(opts.jobs, availableParallelism());
  const triggers = parseTriggers(opts.rerunTriggers);
  const slurm = opts.executor === 'slurm' ? parseSlurmOptions(opts) : undefined;
  const usageProblem = jobs.diagnostic ?? triggers.diagnostic ?? slurm?.diagnostic;
  if (usageProblem) {
    printDiagnostics([usageProblem], new Map(), opts.color);
    return EXIT.invalid;
  }
  // The model cache is wf's bookkeeping, not a product: a dry run may refresh it.
  const loaded = await load({ ...opts, cache: 'read-write' });
  const { workflow, config } = loaded;
  const unknownRule = opts.forcerun.find((r) => !workflow.rules.has(r));
  if (unknownRule !== undefined) {
    process.stderr.write(`wf: error[WF2101]: --forcerun names \`${unknownRule}\`, which is not a rule of this workflow\n`);
    return EXIT.invalid;
  }

  // A dry run writes no product and no state (at most the model cache, atomically), so it takes no lock.
  let lock: Lock | undefined;
  if (!opts.dryRun) {
    const taken = acquireLock(workflow.root);
    if (!taken.ok) {
      printDiagnostics([taken.diagnostic], new Map(), opts.color);
      return EXIT.invalid;
    }
    lock = taken.lock;
    printDiagnostics(taken.warnings, new Map(), opts.color, false);
  }
  const mode = opts.logFormat === 'json' ? 'json' : process.stderr.isTTY ? 'tty' : 'plain';
  const reportOptions = { mode, explain: opts.explain, dryRun: opts.dryRun, color: opts.color } as const;

  // Nothing changed since a run left everything up to date: say so without planning (store/uptodate.ts).
  const key = snapshotKey({
    wfVersion: wfVersion(),
    root: workflow.root,
    workflowFiles: workflow.files,
    targets,
    where: loaded.where,
    config,
    triggers: [...triggers.value!].sort(),
  });
  // Stats taken by the snapshot check, then planning, are handed to the executor: each path is stat'ed once per run.
  const plannerStats = new Map<string, PathStat | undefined>();
  let snapshotCheck: SnapshotCheck = { kind: 'none' };
  if (!opts.force && opts.forcerun.length === 0) {
    snapshotCheck = await checkSnapshot(workflow.root, key, plannerStats);
    if (snapshotCheck.kind === 'valid') {
      const { snapshot } = snapshotCheck;
      const reporter = await createReporter(undefined, reportOptions);
      const t0 = performance.now();
      reporter.onEvent({ kind: 'plan-decided', total: snapshot.jobs, toRun: 0, upToDate: snapshot.jobs, byLevel: snapshot.byLevel, reasons: [], dryRun: opts.dryRun });
      reporter.finish({ succeeded: [], failed: [], skipped: [], notStarted: [], interruptedJobs: [], interrupted: false, upToDate: snapshot.jobs, durationMs: Math.round(performance.now() - t0) });
      if (lock) releaseLock(lock);
      return EXIT.ok;
    }
  }
  // Jobs will probably run: start a local launcher now, while the process is small and it can
  // start up during planning (a fork of wf costs more once its heap holds a plan). At most two are
  // warmed, the second while the first job runs: each costs wf ~5 ms, and a run of a few jobs may
  // not use more; the others start on demand.
  const localRunner = opts.dryRun || slurm?.value ? undefined : createLauncherRunner();
  localRunner?.warm?.(workflow.root, Math.min(jobs.value!, 2));
  // Only stamps changed: plan just the jobs the changed files can affect (cli/partial-plan.ts).
  const partial: PartialRun | undefined = snapshotCheck.kind === 'changed' ? partialPlan(workflow, config, snapshotCheck) : undefined;
  let plan: Plan;
  // A dry run with no run history (no state database) compares no source stamp unless outputs made
  // elsewhere exist: planning checks sources with plain stats and keeps none of them; the executor
  // stats a source when it needs its stamp (planner/fs.ts). A real run keeps the stamps planning
  // saw: its records must not take a stamp read after a job ran.
  const statOf = opts.dryRun && !hasRunDb(workflow.root) ? laterStat(workflow.root) : memoizedStat(workflow.root, plannerStats);
  const recorder = recordingFileSystem(createNodeFileSystem(workflow.root, statOf));
  try {
    plan = partial?.plan ?? (await planLoaded(loaded, targets, recorder.fs)).plan;
  } catch (e) {
    localRunner?.close?.();
    if (lock) releaseLock(lock);
    throw e;
  }

  const controller = new AbortController();
  // Every running job listens for the abort: with -j 16 that is 16 listeners, not a leak.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    if (interrupts === 1) controller.abort();
    else runner.forceKill?.();
  };
  // --executor slurm: the shared executor hands every ready job over; the runner limits jobs in flight.
  const slurmRunner = slurm?.value ? await createSlurmRunnerFor(plan.root, slurm.value) : undefined;
  const runner = slurmRunner ?? localRunner ?? createLauncherRunner();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const reporter = await createReporter(plan, reportOptions);
  let store: RunStore;
  try {
    store = openRunStore(plan.root, { info: runInfo(workflow, config, targets), plan });
  } catch (e) {
    if (lock) releaseLock(lock);
    if (!(e instanceof RunDbError)) throw e;
    printDiagnostics([e.diagnostic], new Map(), opts.color, false);
    return EXIT.invalid;
  }
  try {
    if (slurmRunner && !opts.dryRun) {
      const found = await prepareCluster(slurmRunner, store);
      printDiagnostics(found, new Map(), opts.color, false);
      if (found.some((d) => d.severity === 'error')) return EXIT.invalid;
    }
    const summary = await execute(
      plan,
      {
        root: plan.root,
        jobs: slurmRunner && opts.jobs === undefined ? Number.MAX_SAFE_INTEGER : jobs.value!,
        keepGoing: opts.keepGoing,
        dryRun: opts.dryRun,
        force: opts.force,
        forceRules: opts.forcerun,
        rerunTriggers: triggers.value!,
        signal: controller.signal,
        ...(snapshotCheck.kind === 'changed'
          ? { priorStamps: partial?.priorStamps ?? snapshotCheck.stampOf, changedSince: snapshotCheck.changed }
          : {
              priorStamps: (path: string) => {
                const st = plannerStats.get(path);
                return st ? { mtimeNs: st.mtimeNs, size: st.size } : plannerStats.has(path) ? null : undefined;
              },
            }),
        ...(partial ? { upToDateOutside: partial.outside } : {}),
        onAllUpToDate: (stampOf, byLevel) =>
          writeSnapshot(
            plan.root,
            partial && snapshotCheck.kind === 'changed'
              ? refreshSnapshot(snapshotCheck, stampOf, partial.touchedFiles)
              : buildSnapshot(key, plan, byLevel, recorder.observed, stampOf),
          ),
      },
      { runner, store },
      reporter.onEvent,
    );
    if (!opts.dryRun) store.endRun(runOutcome(summary), summarizeRun(workflow, plan, summary, partial?.outsideByRule));
    reporter.finish(summary);
    if (slurmRunner && opts.dryRun) await printSbatchLines(plan, summary.notStarted, slurm!.value!);
    if (summary.interrupted) return EXIT.interrupted;
    return summary.failed.length > 0 ? EXIT.jobFailed : EXIT.ok;
  } finally {
    runner.close?.();
    if (slurmRunner) reportSlurmStats(slurmRunner);
    store.close();
    if (lock) releaseLock(lock);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
