/**
 * The one shared poller for every SLURM job in flight: at most one batched
 * `squeue -t all -j ID,ID,…` call per interval, whatever the number of jobs,
 * never one call per job. A job that reaches a final state resolves its
 * {@link Poller.watch} promise with its row. Jobs that slurmctld has already
 * forgotten (older than `MinJobAge`) are looked up once, batched, with
 * `sacct` when accounting is on, else `scontrol -o show job`.
 */
import type { SlurmCommands } from './commands.js';
import { isFinalState, parseSacct, parseScontrolJobs, parseSqueueLine, SQUEUE_FORMAT, type SqueueRow } from './states.js';

/** Options of {@link createPoller}. */
export interface PollerOptions {
  /** ms between two polls (≥ 50). */
  readonly intervalMs: number;
  /** Consecutive failed polls (cluster unreachable) after which every watched job fails; default 30. */
  readonly maxFailures?: number;
}

/** A watched job's final row, or the reason it could not be followed (state `UNKNOWN`). */
export type FinalRow = SqueueRow;

/** Follows jobs until they end. */
export interface Poller {
  /** Resolve with the final row of job `key` (`123` or `123_4`, array task of base job `baseId`). Never rejects. */
  watch(key: string, baseId: string): Promise<FinalRow>;
  /** Poll again soon (after a `scancel`), still never more than one call in flight. */
  hurry(): void;
  /** Stop the timer; pending watches stay pending. */
  stop(): void;
  /** Polls made so far (one scheduler call each, fallback lookups excluded). */
  readonly polls: number;
}

interface Watch {
  readonly baseId: string;
  readonly resolve: (row: FinalRow) => void;
  misses: number;
}

/** Create the poller. The timer runs only while at least one job is watched. */
export function createPoller(cmds: SlurmCommands, options: PollerOptions): Poller {
  const interval = Math.max(50, options.intervalMs);
  const maxFailures = options.maxFailures ?? 30;
  const watched = new Map<string, Watch>();
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let failures = 0;
  let polls = 0;
  let stopped = false;
  let accounting: boolean | undefined;

  const arm = (ms: number): void => {
    if (stopped || busy || watched.size === 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
  };

  const settle = (key: string, row: FinalRow): void => {
    const w = watched.get(key);
    if (!w) return;
    watched.delete(key);
    w.resolve(row);
  };

  const unknown = (key: string, baseId: string, reason: string): FinalRow => ({
    key,
    jobId: baseId,
    arrayJobId: baseId,
    arrayTask: null,
    state: 'UNKNOWN',
    reason,
    waitStatus: 0,
    name: '',
  });

  /** Jobs squeue no longer lists: ask accounting (one call) or scontrol (per base id; rare). */
  async function lookUpGone(keys: string[]): Promise<void> {
    if (accounting === undefined) {
      const r = await cmds.exec('scontrol', ['show', 'config']);
      accounting = r.exitCode === 0 && !/AccountingStorageType\s*=\s*accounting_storage\/none/.test(r.stdout);
    }
    const rows = new Map<string, SqueueRow>();
    const bases = [...new Set(keys.map((k) => watched.get(k)!.baseId))];
    if (accounting) {
      const r = await cmds.exec('sacct', ['-X', '-n', '-P', '-j', bases.join(','), '-o', 'JobID,State,ExitCode,Reason']);
      if (r.exitCode === 0) for (const row of parseSacct(r.stdout)) rows.set(row.key, row);
    } else {
      for (const b of bases) {
        const r = await cmds.exec('scontrol', ['-o', 'show', 'job', b]);
        if (r.exitCode === 0) for (const row of parseScontrolJobs(r.stdout)) rows.set(row.key, row);
      }
    }
    for (const k of keys) {
      const row = rows.get(k);
      if (row && isFinalState(row.state)) settle(k, row);
      else if (!row) settle(k, unknown(k, watched.get(k)!.baseId, 'the job vanished from the scheduler'));
    }
  }

  async function tick(): Promise<void> {
    timer = undefined;
    if (stopped || watched.size === 0) return;
    busy = true;
    try {
      const bases = [...new Set([...watched.values()].map((w) => w.baseId))];
      polls++;
      const r = await cmds.exec('squeue', ['-h', '-t', 'all', '-j', bases.join(','), '-O', SQUEUE_FORMAT]);
      const allUnknown = r.exitCode !== 0 && /Invalid job id/i.test(r.stderr);
      if (r.exitCode !== 0 && !allUnknown) {
        failures++;
        if (failures >= maxFailures) {
          const why = `cannot reach the SLURM controller: ${(r.error ?? r.stderr).trim() || `squeue exited with ${r.exitCode}`}`;
          for (const [k, w] of [...watched]) settle(k, unknown(k, w.baseId, why));
        }
        return;
      }
      failures = 0;
      const seen = new Set<string>();
      if (!allUnknown) {
        for (const line of r.stdout.split('\n')) {
          const row = parseSqueueLine(line);
          if (!row) continue;
          if (row.arrayTask !== null && !/^\d+$/.test(row.arrayTask)) {
            // Unsplit pending tasks (`0-9%4`): still queued.
            for (const k of watched.keys()) if (k.startsWith(`${row.arrayJobId}_`)) seen.add(k);
            continue;
          }
          seen.add(row.key);
          if (isFinalState(row.state)) settle(row.key, row);
        }
      }
      const gone: string[] = [];
      for (const [k, w] of watched) {
        if (seen.has(k)) w.misses = 0;
        else if (++w.misses >= 2) gone.push(k);
      }
      if (gone.length > 0) await lookUpGone(gone);
    } finally {
      busy = false;
      arm(interval);
    }
  }

  return {
    watch(key, baseId) {
      return new Promise<FinalRow>((resolve) => {
        watched.set(key, { baseId, resolve, misses: 0 });
        if (!timer && !busy) arm(interval);
      });
    },
    hurry() {
      if (!busy) arm(Math.min(interval, 200));
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    get polls() {
      return polls;
    },
  };
}
