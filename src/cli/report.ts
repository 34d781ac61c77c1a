/**
 * Renders executor events for a person or a machine (spec §5: progress on
 * stderr; a live status line on a TTY, plain lines otherwise; `--log-format
 * json` emits structured events through pino). The only place run progress
 * is printed. Holds no build logic.
 */
import type { createLogUpdate } from 'log-update';
import type pino from 'pino';
import type { ExecEvent, RunSummary } from '../executor/events.js';
import type { Plan } from '../ir/plan.js';
import { describeReason } from './explain.js';

type LevelProgress = { text: string; done: number; total: number };

/** How progress is shown: `tty` (live line), `plain` (one line per job), `json` (pino events). */
export type ReportMode = 'tty' | 'plain' | 'json';

/** Options of a {@link Reporter}. */
export interface ReporterOptions {
  readonly mode: ReportMode;
  readonly explain: boolean;
  readonly dryRun: boolean;
  readonly color: boolean;
}

const RENDER_INTERVAL_MS = 100;

/**
 * Receives every {@link ExecEvent} of one run and the final summary. The
 * TTY line is re-rendered at most every 100 ms, so a 60,000-job run does not
 * spend its time drawing.
 */
export class Reporter {
  readonly #opts: ReporterOptions;
  readonly #plan: Plan | undefined;
  /** Job id → level text, built on the first finished job (a dry run of 300,000 jobs never needs it). */
  #levelOf: Map<string, string> | undefined;
  readonly #levels = new Map<string, LevelProgress>();
  readonly #running = new Set<string>();
  readonly #logTails = new Map<string, readonly string[]>();
  readonly #json?: pino.Logger;
  readonly #live?: ReturnType<typeof createLogUpdate>;
  #total = 0;
  #done = 0;
  #lastRender = 0;
  #timer?: NodeJS.Timeout;

  /** Use {@link createReporter}, which loads only the output module the mode needs. */
  constructor(plan: Plan | undefined, opts: ReporterOptions, sinks: { json?: pino.Logger; live?: ReturnType<typeof createLogUpdate> }) {
    this.#opts = opts;
    this.#plan = plan;
    this.#json = sinks.json;
    this.#live = sinks.live;
  }

  /** Handle one event (bound, so it can be passed as a callback). */
  readonly onEvent = (e: ExecEvent): void => {
    if (this.#json) {
      this.#json.info({ event: e.kind, ...withoutKind(e) });
      return;
    }
    switch (e.kind) {
      case 'plan-decided':
        this.#onPlan(e);
        return;
      case 'job-started':
        this.#running.add(e.id);
        this.#tick();
        return;
      case 'job-retrying':
        this.#line(`${e.id}: ${e.reason}; retrying (attempt ${e.attempt} of ${e.maxAttempts})`);
        return;
      case 'job-succeeded':
        this.#finish(e.id);
        if (this.#opts.mode === 'plain') this.#line(`[${this.#done}/${this.#total}] ${e.id} done in ${seconds(e.durationMs)}`);
        this.#tick();
        return;
      case 'job-failed':
        this.#finish(e.id);
        this.#logTails.set(e.id, e.logTail);
        this.#line(`${this.#red('error')}[${e.code}]: ${e.id} failed: ${e.reason} (log: ${e.logPath})`);
        this.#tick();
        return;
      case 'job-skipped':
        this.#finish(e.id);
        if (this.#opts.mode === 'plain') this.#line(`${e.id} skipped: depends on failed job ${e.because}`);
        return;
      case 'temp-removed':
        return;
      case 'interrupted':
        this.#line(`wf: interrupted; stopping ${e.running.length} running job(s)`);
        return;
      case 'warning':
        this.#line(`${this.#yellow('warning')}[${e.diagnostic.code}]: ${e.diagnostic.message}${e.diagnostic.hint ? `\n  hint: ${e.diagnostic.hint}` : ''}`);
        return;
    }
  };

  /** Print the closing lines: failures with log tails, or a one-line result. */
  finish(summary: RunSummary): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#live?.clear();
    this.#live?.done();
    if (this.#json) {
      this.#json.info({ event: 'run-finished', ...summary });
      return;
    }
    if (this.#opts.dryRun) return;
    const ran = summary.succeeded.length;
    if (summary.interrupted) {
      process.stderr.write(
        `wf: interrupted after ${seconds(summary.durationMs)}: ${ran} job(s) done, ${summary.interruptedJobs.length} stopped (partial outputs removed); run again to resume\n`,
      );
      return;
    }
    if (summary.failed.length > 0) {
      const lines = [`wf: ${summary.failed.length} job(s) failed, ${summary.skipped.length} skipped, ${ran} done, ${summary.notStarted.length} not started`];
      for (const f of summary.failed) {
        lines.push(`  ${this.#red('failed')} ${f.id}: ${f.reason}`, `    log: ${f.logPath}`);
        for (const l of this.#logTails.get(f.id) ?? []) lines.push(`    | ${l}`);
      }
      process.stderr.write(`${lines.join('\n')}\n`);
      return;
    }
    if (ran > 0) process.stderr.write(`wf: ${ran} job(s) done in ${seconds(summary.durationMs)}${summary.upToDate > 0 ? `, ${summary.upToDate} up to date` : ''}\n`);
  }

  #onPlan(e: Extract<ExecEvent, { kind: 'plan-decided' }>): void {
    this.#total = e.toRun;
    for (const l of e.byLevel) if (l.toRun > 0) this.#levels.set(l.levelText, { text: l.levelText, done: 0, total: l.toRun });
    if (e.toRun === 0) {
      process.stderr.write(`wf: nothing to do (${e.total} job(s) up to date)\n`);
      return;
    }
    const perLevel = e.byLevel.filter((l) => l.toRun > 0).map((l) => `${l.levelText} ${l.toRun}`).join(', ');
    if (e.dryRun) {
      const lines = this.#opts.explain ? e.reasons.map((j) => `${j.id}: ${j.reasons.map(describeReason).join('; ')}`) : e.reasons.map((j) => j.id);
      process.stdout.write(`would run ${e.toRun} of ${e.total} job(s) (${perLevel}):\n  ${lines.join('\n  ')}\n`);
      return;
    }
    this.#line(`wf: running ${e.toRun} of ${e.total} job(s) (${perLevel})`);
    if (this.#opts.explain) for (const j of e.reasons) this.#line(`  ${j.id}: ${j.reasons.map(describeReason).join('; ')}`);
  }

  #finish(id: string): void {
    this.#running.delete(id);
    this.#done += 1;
    this.#levelOf ??= new Map(this.#plan?.jobs.map((j) => [j.id as string, j.levelText]));
    const level = this.#levels.get(this.#levelOf.get(id) ?? '');
    if (level) level.done += 1;
  }

  /** Print a permanent line above the live status line (or plainly). */
  #line(text: string): void {
    if (this.#live) {
      this.#live.clear();
      process.stderr.write(`${text}\n`);
      this.#render();
    } else {
      process.stderr.write(`${text}\n`);
    }
  }

  #tick(): void {
    if (!this.#live) return;
    const now = Date.now();
    if (now - this.#lastRender >= RENDER_INTERVAL_MS) {
      this.#render();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#render();
    }, RENDER_INTERVAL_MS);
  }

  #render(): void {
    if (!this.#live) return;
    this.#lastRender = Date.now();
    const levels = [...this.#levels.values()].map((l) => `${l.text} ${l.done}/${l.total}`).join('  ');
    this.#live(`wf: ${levels}  |  ${this.#done}/${this.#total} done, ${this.#running.size} running`);
  }

  #red(s: string): string {
    return this.#opts.color ? `\u001b[31m${s}\u001b[39m` : s;
  }

  #yellow(s: string): string {
    return this.#opts.color ? `\u001b[33m${s}\u001b[39m` : s;
  }
}

/**
 * A {@link Reporter} for `plan` (undefined: a run proven up to date without
 * planning, which reports no jobs); pino is loaded only in json mode,
 * log-update only on a TTY.
 */
export async function createReporter(plan: Plan | undefined, opts: ReporterOptions): Promise<Reporter> {
  if (opts.mode === 'json') {
    const { default: pino } = await import('pino');
    return new Reporter(plan, opts, { json: pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true })) });
  }
  if (opts.mode === 'tty') {
    const { createLogUpdate } = await import('log-update');
    return new Reporter(plan, opts, { live: createLogUpdate(process.stderr, { showCursor: true }) });
  }
  return new Reporter(plan, opts, {});
}

function withoutKind(e: ExecEvent): Record<string, unknown> {
  const { kind: _kind, ...rest } = e;
  return rest;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
