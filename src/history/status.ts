/**
 * The view of one run that `wf status` prints and `wf report` draws: counts per
 * level and rule, durations, failed attempts with reasons and log tails, and
 * QC metrics aggregated per rule. Pure: built from database rows only.
 */
import type { JobRow, RunRow, RunSummaryRow } from '../store/schema.js';
import { RunSummaryRowSchema } from '../store/schema.js';

/** One rule's line. Durations in ms over the attempts this run made. */
export interface RuleStatus {
  readonly rule: string;
  readonly level: number;
  readonly levelText: string;
  /** Planned jobs (from the run summary; attempts seen when the run never finished). */
  readonly planned: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** Planned but never started (stopped after a failure or an interrupt). */
  readonly pending: number;
  readonly interrupted: number;
  readonly upToDate: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

/** A failed job of the run (its last attempt). */
export interface FailedStatus {
  readonly id: string;
  readonly rule: string;
  readonly code: string;
  readonly reason: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly attempts: number;
  readonly logPath: string | null;
  readonly logTail: readonly string[];
}

/** One QC metric of one rule over the run's successful jobs. */
export interface MetricStatus {
  readonly rule: string;
  readonly name: string;
  readonly n: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
  /** Per job value, sorted by job id. */
  readonly values: readonly { readonly id: string; readonly value: number }[];
}

/** Everything `wf status` shows about one run. */
export interface RunStatus {
  readonly run: {
    readonly id: number;
    readonly outcome: string;
    readonly startedAt: number;
    readonly endedAt: number | null;
    readonly argv: readonly string[];
    readonly user: string;
    readonly host: string;
    readonly wfVersion: string;
  };
  /** Sorted by level, then rule. */
  readonly rules: readonly RuleStatus[];
  /** Per level: the rules' counts summed, sorted by level. */
  readonly levels: readonly (Omit<RuleStatus, 'rule'> & { readonly rules: number })[];
  readonly failed: readonly FailedStatus[];
  readonly metrics: readonly MetricStatus[];
}

/** Build the status of `run` from its attempt rows (in row-id order). */
export function buildRunStatus(run: RunRow, attempts: readonly JobRow[]): RunStatus {
  const summary: RunSummaryRow | undefined = run.summary ? RunSummaryRowSchema.parse(JSON.parse(run.summary)) : undefined;
  type Mutable = { -readonly [K in keyof RuleStatus]: RuleStatus[K] };
  const rules = new Map<string, Mutable>();
  const ruleOf = (rule: string, level: number, levelText: string): Mutable => {
    let r = rules.get(rule);
    if (!r) rules.set(rule, (r = { rule, level, levelText, planned: 0, succeeded: 0, failed: 0, skipped: 0, pending: 0, interrupted: 0, upToDate: 0, totalMs: 0, maxMs: 0 }));
    return r;
  };
  for (const s of summary?.byRule ?? []) {
    Object.assign(ruleOf(s.rule, s.level, s.levelText), {
      planned: s.planned, succeeded: s.succeeded, failed: s.failed, skipped: s.skipped, pending: s.notStarted, interrupted: s.interrupted, upToDate: s.upToDate,
    });
  }
  // The last attempt per job decides its state when the run left no summary (crashed, running).
  const last = new Map<string, JobRow>();
  const attemptsOf = new Map<string, number>();
  for (const a of attempts) {
    if (a.adopted) continue;
    last.set(a.job, a);
    attemptsOf.set(a.job, (attemptsOf.get(a.job) ?? 0) + 1);
    const r = ruleOf(a.rule, a.level, a.level_text);
    const ms = a.duration_ms ?? (a.started_at !== null && a.status === 'started' ? 0 : 0);
    r.totalMs += ms;
    r.maxMs = Math.max(r.maxMs, ms);
  }
  if (!summary) {
    for (const a of last.values()) {
      const r = ruleOf(a.rule, a.level, a.level_text);
      r.planned++;
      if (a.status === 'done') r.succeeded++;
      else if (a.status === 'failed') r.failed++;
      else if (a.status === 'queued') r.pending++; // reserved ahead, not started
      else r.interrupted++;
    }
  }
  const failed: FailedStatus[] = [];
  for (const a of last.values()) {
    if (a.status !== 'failed') continue;
    failed.push({
      id: a.job, rule: a.rule, code: a.code ?? 'WF3001', reason: a.reason ?? '', exitCode: a.exit_code, signal: a.signal,
      attempts: attemptsOf.get(a.job) ?? 1, logPath: a.log_path, logTail: a.log_tail ? a.log_tail.split('\n') : [],
    });
  }
  failed.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const sortedRules = [...rules.values()].sort((a, b) => a.level - b.level || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const levels = new Map<number, Omit<Mutable, 'rule'> & { rules: number }>();
  for (const r of sortedRules) {
    let l = levels.get(r.level);
    if (!l) levels.set(r.level, (l = { level: r.level, levelText: r.levelText, planned: 0, succeeded: 0, failed: 0, skipped: 0, pending: 0, interrupted: 0, upToDate: 0, totalMs: 0, maxMs: 0, rules: 0 }));
    l.rules++;
    for (const k of ['planned', 'succeeded', 'failed', 'skipped', 'pending', 'interrupted', 'upToDate', 'totalMs'] as const) l[k] += r[k];
    l.maxMs = Math.max(l.maxMs, r.maxMs);
  }
  return {
    run: {
      id: run.id, outcome: run.outcome, startedAt: run.started_at, endedAt: run.ended_at,
      argv: JSON.parse(run.argv) as string[], user: run.user, host: run.host, wfVersion: run.wf_version,
    },
    rules: sortedRules,
    levels: [...levels.values()],
    failed,
    metrics: aggregateMetrics([...last.values()]),
  };
}

function aggregateMetrics(rows: readonly JobRow[]): MetricStatus[] {
  const by = new Map<string, { rule: string; name: string; values: { id: string; value: number }[] }>();
  for (const r of rows) {
    if (r.status !== 'done' || !r.metrics) continue;
    for (const [name, value] of Object.entries(JSON.parse(r.metrics) as Record<string, unknown>)) {
      if (typeof value !== 'number') continue;
      const key = `${r.rule}\0${name}`;
      let m = by.get(key);
      if (!m) by.set(key, (m = { rule: r.rule, name, values: [] }));
      m.values.push({ id: r.job, value });
    }
  }
  return [...by.values()]
    .map((m) => {
      const vs = m.values.map((v) => v.value);
      m.values.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { ...m, n: vs.length, min: Math.min(...vs), max: Math.max(...vs), mean: vs.reduce((a, b) => a + b, 0) / vs.length };
    })
    .sort((a, b) => (a.rule + '\0' + a.name < b.rule + '\0' + b.name ? -1 : 1));
}

/** `1.2 s`, `3 min 4 s`, `250 ms`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A local `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `wf status` as text lines (no colour). */
export function renderStatusText(s: RunStatus): string {
  const out: string[] = [];
  const r = s.run;
  const took = r.endedAt !== null ? `, took ${formatMs(r.endedAt - r.startedAt)}` : '';
  out.push(`run ${r.id}: ${r.outcome}, started ${formatTime(r.startedAt)}${took}, ${r.user}@${r.host}, wf ${r.wfVersion}`);
  out.push(`  wf ${r.argv.join(' ')}`);
  const head = ['level', 'rule', 'planned', 'done', 'failed', 'skipped', 'pending', 'up-to-date', 'time', 'longest'];
  const rows: string[][] = [];
  for (const l of s.levels) {
    for (const x of s.rules.filter((y) => y.level === l.level)) rows.push(line(x.levelText, x.rule, x));
    if (l.rules > 1) rows.push(line(l.levelText, '(all)', l));
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: readonly string[]): string => '  ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  out.push('', fmt(head), ...rows.map(fmt));
  if (s.failed.length > 0) {
    out.push('', `failed jobs (${s.failed.length}):`);
    for (const f of s.failed) {
      out.push(`  ${f.id}: ${f.reason} [${f.code}]${f.attempts > 1 ? ` after ${f.attempts} attempts` : ''}`);
      if (f.logPath) out.push(`    log: ${f.logPath}`);
      for (const t of f.logTail.slice(-5)) out.push(`    | ${t}`);
    }
  }
  if (s.metrics.length > 0) {
    out.push('', 'QC metrics (min / mean / max over n jobs):');
    for (const m of s.metrics) {
      const one = m.n === 1 ? `${fmtNum(m.values[0]!.value)} (${m.values[0]!.id})` : `${fmtNum(m.min)} / ${fmtNum(m.mean)} / ${fmtNum(m.max)}  n=${m.n}`;
      out.push(`  ${m.rule}.${m.name}: ${one}`);
    }
  }
  return out.join('\n') + '\n';
}

/** A number with at most 4 significant decimals. */
export function fmtNum(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function line(levelText: string, rule: string, x: Omit<RuleStatus, 'rule'>): string[] {
  return [levelText, rule, String(x.planned), String(x.succeeded), String(x.failed), String(x.skipped), String(x.pending + x.interrupted), String(x.upToDate), formatMs(x.totalMs), formatMs(x.maxMs)];
}
