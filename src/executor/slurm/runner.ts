/**
 * The SLURM {@link JobRunner}: one `sbatch` per job the executor hands over
 * (or one job array for ≥ `arrayThreshold` jobs of one rule handed over in
 * the same tick), at most `maxInFlight` jobs submitted at once, all followed
 * by one shared {@link Poller}. On abort it `scancel`s what it submitted and
 * reports the job as aborted only once SLURM says it is gone, so that the
 * executor removes partial outputs after the last write. Also: a preflight
 * check of the cluster and the cancellation of a killed run's leftover jobs.
 * Never touches outputs or state; scheduling stays in `executor.ts`.
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { JobOutcome, JobRunner, JobSpec, RunControl } from '../job-runner.js';
import { writeLogHeader } from '../outputs.js';
import { createExecaCommands, type SlurmCommands, type SlurmProgram } from './commands.js';
import { createPoller } from './poller.js';
import { outcomeOf } from './states.js';
import { arrayArgs, arrayKey, arrayScript, JOB_NAME_PREFIX, jobScript, parseSbatchId, sbatchArgs, slurmLogDir, type SlurmDefaults } from './submit.js';

/** Options of {@link createSlurmRunner}. */
export interface SlurmRunnerOptions {
  /** Absolute workflow root (array logs go to `root/.wf/logs/slurm/`). */
  readonly root: string;
  /** Command-line cluster options; a rule's `slurm { … }` overrides them. */
  readonly defaults: SlurmDefaults;
  /** ms between polls (default 2000). */
  readonly pollIntervalMs?: number;
  /** Jobs of one rule handed over together form an array when at least this many (0 = never; default 20). */
  readonly arrayThreshold?: number;
  /** At most this many jobs submitted and not yet finished (default 1000). */
  readonly maxInFlight?: number;
  /** sbatch calls run at once (default 8). */
  readonly submitConcurrency?: number;
  /** The client-command port (default: the real commands via execa). */
  readonly commands?: SlurmCommands;
}

/** Figures for `WF_SLURM_STATS` and the benchmark. Times epoch ms. */
export interface SlurmStats {
  readonly submittedJobs: number;
  readonly arrays: number;
  readonly finishedJobs: number;
  readonly polls: number;
  readonly pollIntervalMs: number;
  readonly calls: Readonly<Record<SlurmProgram, number>>;
  readonly firstSubmitAt: number | null;
  readonly lastSubmitAt: number | null;
  readonly lastFinishAt: number | null;
  readonly pollsPerMinute: number | null;
}

/** Outcome of the preflight check. */
export type PreflightResult = { readonly ok: true } | { readonly ok: false; readonly code: 'WF3020' | 'WF3021'; readonly message: string; readonly hint: string };

/** The SLURM runner: a {@link JobRunner} plus cluster-level operations. */
export interface SlurmRunner extends JobRunner {
  /** Can we reach slurmctld? (one `scontrol ping`) */
  preflight(): Promise<PreflightResult>;
  /**
   * Cancel the live jobs of a killed run of this workflow — jobs named `wf-…`
   * with working directory `root`, or whose id is in `recordedIds` — with one
   * `squeue` and one `scancel`, and wait until they are gone. Returns their ids.
   */
  cancelLeftovers(recordedIds: readonly string[]): Promise<string[]>;
  /** Stop polling. */
  close(): void;
  stats(): SlurmStats;
}

interface Entry {
  readonly spec: JobSpec;
  readonly control: RunControl;
  readonly resolve: (o: JobOutcome) => void;
  phase: 'queued' | 'submitting' | 'submitted' | 'done';
  key?: string;
  cancel: boolean;
}

const fail = (error: string): JobOutcome => ({ exitCode: null, signal: null, timedOut: false, aborted: false, error });
const ABORTED: JobOutcome = { exitCode: null, signal: null, timedOut: false, aborted: true };

/** Create the SLURM runner. `run` never rejects. */
export function createSlurmRunner(options: SlurmRunnerOptions): SlurmRunner {
  const cmds = options.commands ?? createExecaCommands();
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const threshold = options.arrayThreshold ?? 20;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 1000);
  const concurrency = Math.max(1, options.submitConcurrency ?? 8);
  const poller = createPoller(cmds, { intervalMs: pollIntervalMs });
  const queue: Entry[] = [];
  const live = new Map<string, Entry>(); // submitted, by SLURM key
  const toCancel = new Set<string>();
  let inFlight = 0;
  let flushScheduled = false;
  let cancelScheduled = false;
  let submittedJobs = 0;
  let arrays = 0;
  let finishedJobs = 0;
  let firstSubmitAt: number | null = null;
  let lastSubmitAt: number | null = null;
  let lastFinishAt: number | null = null;

  const finish = (e: Entry, o: JobOutcome): void => {
    if (e.phase === 'done') return;
    const wasInFlight = e.phase !== 'queued';
    e.phase = 'done';
    if (e.key !== undefined) live.delete(e.key);
    if (wasInFlight) {
      inFlight--;
      finishedJobs++;
      lastFinishAt = Date.now();
      scheduleFlush();
    }
    e.resolve(o);
  };

  const scheduleCancel = (): void => {
    if (cancelScheduled) return;
    cancelScheduled = true;
    setImmediate(() => {
      cancelScheduled = false;
      const keys = [...toCancel];
      toCancel.clear();
      void (async () => {
        for (let i = 0; i < keys.length; i += 500) await cmds.exec('scancel', keys.slice(i, i + 500));
        poller.hurry();
      })();
    });
  };

  const follow = (e: Entry, key: string, baseId: string): void => {
    e.key = key;
    e.phase = 'submitted';
    live.set(key, e);
    e.control.onSubmit?.(key);
    if (e.cancel) {
      toCancel.add(key);
      scheduleCancel();
    }
    void poller.watch(key, baseId).then((row) => finish(e, outcomeOf(row.state, row.waitStatus, row.reason, e.cancel)));
  };

  async function submitOne(e: Entry): Promise<void> {
    const r = await cmds.exec('sbatch', sbatchArgs(e.spec, options.defaults), { input: jobScript(e.spec), cwd: e.spec.cwd });
    const id = r.exitCode === 0 ? parseSbatchId(r.stdout) : null;
    if (id === null) return finish(e, fail(`sbatch failed: ${(r.error ?? r.stderr).trim() || `exit ${r.exitCode}`}`));
    submittedJobs++;
    lastSubmitAt = Date.now();
    firstSubmitAt ??= lastSubmitAt;
    follow(e, id, id);
  }

  async function submitArray(group: Entry[]): Promise<void> {
    const specs = group.map((e) => e.spec);
    const dir = slurmLogDir(options.root);
    mkdirSync(dir, { recursive: true });
    const r = await cmds.exec('sbatch', arrayArgs(specs, options.defaults, dir), { input: arrayScript(specs), cwd: specs[0]!.cwd });
    const id = r.exitCode === 0 ? parseSbatchId(r.stdout) : null;
    if (id === null) {
      const why = `sbatch failed: ${(r.error ?? r.stderr).trim() || `exit ${r.exitCode}`}`;
      for (const e of group) finish(e, fail(why));
      return;
    }
    submittedJobs += group.length;
    arrays++;
    lastSubmitAt = Date.now();
    firstSubmitAt ??= lastSubmitAt;
    group.forEach((e, i) => follow(e, `${id}_${i}`, id));
  }

  /** Submit what the in-flight limit allows, grouping same-rule jobs into arrays. */
  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    // setImmediate: every job the executor starts in one scheduling pass is queued by then.
    setImmediate(() => {
      flushScheduled = false;
      const take = queue.splice(0, Math.max(0, maxInFlight - inFlight));
      if (take.length === 0) return;
      for (const e of take) {
        e.phase = 'submitting';
        inFlight++;
      }
      const units: (() => Promise<void>)[] = [];
      const groups = new Map<string, Entry[]>();
      for (const e of take) {
        const k = arrayKey(e.spec, options.defaults);
        let g = groups.get(k);
        if (!g) groups.set(k, (g = []));
        g.push(e);
      }
      for (const g of groups.values()) {
        if (threshold > 0 && g.length >= threshold) {
          for (let i = 0; i < g.length; i += 1000) {
            const chunk = g.slice(i, i + 1000);
            units.push(() => submitArray(chunk));
          }
        } else for (const e of g) units.push(() => submitOne(e));
      }
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < units.length) await units[next++]!();
      };
      void Promise.all(Array.from({ length: Math.min(concurrency, units.length) }, worker));
    });
  }

  return {
    run(spec, control) {
      return new Promise<JobOutcome>((resolve) => {
        const e: Entry = { spec, control, resolve, phase: 'queued', cancel: false };
        if (control.signal.aborted) return resolve(ABORTED);
        try {
          // The log starts here; the job's output is appended to it (--open-mode=append).
          writeLogHeader(spec.logFile, spec.logHeader, spec.logTruncate);
        } catch (err) {
          return resolve(fail(`could not start its log ${spec.logFile}: ${(err as Error).message}`));
        }
        control.signal.addEventListener(
          'abort',
          () => {
            e.cancel = true;
            if (e.phase === 'queued') {
              const i = queue.indexOf(e);
              if (i >= 0) queue.splice(i, 1);
              finish(e, ABORTED);
            } else if (e.phase === 'submitted' && e.key !== undefined) {
              toCancel.add(e.key);
              scheduleCancel();
            } // 'submitting': follow() cancels it once the id is known
          },
          { once: true },
        );
        queue.push(e);
        scheduleFlush();
      });
    },
    forceKill() {
      const keys = [...live.keys()];
      if (keys.length > 0) cmds.execDetached('scancel', keys);
    },
    async preflight() {
      const r = await cmds.exec('scontrol', ['ping']);
      if (r.exitCode === null) {
        return { ok: false, code: 'WF3020', message: 'SLURM client commands not found (scontrol, sbatch, squeue)', hint: 'install slurm-client, or run with --executor local' };
      }
      if (r.exitCode !== 0 || !/\bUP\b/.test(r.stdout)) {
        const detail = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
        return { ok: false, code: 'WF3021', message: `the SLURM controller does not answer${detail ? `: ${detail}` : ''}`, hint: 'check `scontrol ping` and slurm.conf, or start a local cluster with scripts/slurm/start-local-slurm.sh' };
      }
      return { ok: true };
    },
    async cancelLeftovers(recordedIds) {
      const user = userInfo().username;
      const r = await cmds.exec('squeue', ['-h', '-u', user, '-O', 'JobID:|,ArrayJobID:|,State:|,WorkDir:|,Name:']);
      if (r.exitCode !== 0) return [];
      const recorded = new Set(recordedIds.map((id) => id.split('_')[0]!));
      const ids = new Set<string>();
      for (const line of r.stdout.split('\n')) {
        const [jobId, arrayJobId, , workDir, ...name] = line.split('|').map((s) => s.trim());
        if (!jobId || !arrayJobId) continue;
        const base = /^\d+$/.test(arrayJobId) ? arrayJobId : jobId;
        const mine = name.join('|').startsWith(JOB_NAME_PREFIX) && workDir === options.root;
        if (mine || recorded.has(base)) ids.add(base);
      }
      if (ids.size === 0) return [];
      const list = [...ids];
      await cmds.exec('scancel', list);
      // Wait (≤ 60 s) until none of them is queued or running, so no job is ever run twice at once.
      for (let i = 0; i < 300; i++) {
        const q = await cmds.exec('squeue', ['-h', '-j', list.join(','), '-o', '%i']);
        if (q.exitCode !== 0 || q.stdout.trim() === '') break;
        await new Promise((res) => setTimeout(res, 200));
      }
      return list;
    },
    close() {
      poller.stop();
    },
    stats() {
      const span = firstSubmitAt !== null && lastFinishAt !== null ? lastFinishAt - firstSubmitAt : null;
      return {
        submittedJobs,
        arrays,
        finishedJobs,
        polls: poller.polls,
        pollIntervalMs,
        calls: { ...cmds.calls },
        firstSubmitAt,
        lastSubmitAt,
        lastFinishAt,
        pollsPerMinute: span !== null && span > 0 ? Math.round((poller.polls / span) * 60_000 * 10) / 10 : null,
      };
    },
  };
}
