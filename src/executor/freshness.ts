/**
 * The dirty decision (spec §3 "Up to date", §6 "Up to date"): for every
 * planned job, in topological order, the reasons it must run — a ladder,
 * cheapest rung first (STYLE §7, ninja's RecomputeDirty, wireit's fresh
 * check): forced → last run cut off or failed → upstream → output missing →
 * rule/command/params changed → input stamps → (only then) content hashes.
 *
 * Reads state and stats files through {@link StampCache}; writes nothing.
 */
import type { ConfigValue } from '../ir/model.js';
import type { Job, Plan } from '../ir/plan.js';
import type { RelPath } from '../ir/ids.js';
import { ScratchList } from '../util/arrays.js';
import type { DirtyReason } from './events.js';
import type { PlanIndex } from './plan-index.js';
import { compareMtime, sameStamp, type StampCache } from './stamps.js';
import type { DoneRecord, FileEntry, StateStore } from './state-store.js';

/** A `--rerun-triggers` value (spec §6). */
export type RerunTrigger = 'mtime' | 'content' | 'command' | 'params' | 'rule';

/** All five triggers: the default. */
export const ALL_TRIGGERS: ReadonlySet<RerunTrigger> = new Set<RerunTrigger>(['mtime', 'content', 'command', 'params', 'rule']);

/** The knobs of the decision (a subset of `ExecOptions`). */
export interface FreshnessOptions {
  readonly force: boolean;
  readonly forceRules: readonly string[];
  readonly rerunTriggers: ReadonlySet<RerunTrigger>;
  /** See `ExecOptions.changedSince`: only jobs touching these paths (and their dependents) are checked. */
  readonly changedSince?: ReadonlySet<string>;
}

/** The outcome for a whole plan; arrays are indexed like `plan.jobs`. */
export interface Decision {
  /** Reasons per job; empty = up to date. */
  readonly reasons: readonly (readonly DirtyReason[])[];
  /** 1 when the job runs. */
  readonly dirty: Uint8Array;
  /**
   * Up-to-date jobs whose record should be (re)written from the files on disk:
   * adopted (no record, outputs present and newer than inputs) or refreshed
   * (an input stamp changed, its content did not). Ascending.
   */
  readonly reRecord: readonly number[];
}

/** JSON with object keys sorted at every depth: the `params` fingerprint. */
export function stableJson(value: ConfigValue): string {
  if (Array.isArray(value)) return `[${value.map((v: ConfigValue) => stableJson(v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as Readonly<Record<string, ConfigValue>>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The unique input paths of a job, in declaration order. */
export function inputPaths(job: Job): RelPath[] {
  return [...new Set(job.inputPaths)];
}

/**
 * Decide every job of `plan`. Each path is stat'ed at most once (memo in
 * `stamps`); a file is hashed only when its stamp differs from the record,
 * the `content` trigger is on, and no cheaper rung already made the job dirty.
 * Rejects only on I/O errors other than a missing file.
 */
export async function decide(plan: Plan, index: PlanIndex, options: FreshnessOptions, store: StateStore, stamps: StampCache): Promise<Decision> {
  const n = plan.jobs.length;
  const reasons: DirtyReason[][] = new Array(n);
  const dirty = new Uint8Array(n);
  const reRecord: number[] = [];
  const missingTemps: (RelPath[] | undefined)[] = new Array(n);
  // One 'upstream' reason per dependency, shared by its dependents (reasons are never mutated).
  const upstream: (DirtyReason | undefined)[] = new Array(n);
  const forced = new Set(options.forceRules);
  const t = options.rerunTriggers;

  const changed = options.changedSince;
  const touchesChanged = (job: Job): boolean => job.outputPaths.some((p) => changed!.has(p)) || job.inputPaths.some((p) => changed!.has(p));

  const rs = new ScratchList<DirtyReason>(); // reused for every job; each keeps an exact copy
  for (let i = 0; i < n; i++) {
    const job = plan.jobs[i]!;
    rs.reset();
    if (changed && !options.force && forced.size === 0 && !touchesChanged(job)) {
      // Up to date at the snapshot, and nothing it reads or writes changed since: only upstream can make it run.
      // Indexed loops here and below: this pass runs once, much of it before V8 optimizes it, and an
      // unoptimized `for…of` allocates an iterator and a result per step.
      const ds = index.deps[i]!;
      for (let k = 0; k < ds.length; k++) {
        const d = ds[k]!;
        if (dirty[d]) {
          rs.push((upstream[d] ??= { kind: 'upstream', id: plan.jobs[d]!.id }));
          break;
        }
      }
      if (job.hasTempOutput) {
        for (const o of job.outputs) {
          if (o.temp && stamps.stat(o.path) === null && (index.readers.get(o.path)?.length ?? 0) > 0) (missingTemps[i] ??= []).push(o.path);
        }
      }
      reasons[i] = rs.take(); // kept for the whole run
      if (rs.length > 0) dirty[i] = 1;
      continue;
    }
    if (options.force) rs.push({ kind: 'forced' });
    else if (forced.has(job.rule)) rs.push({ kind: 'forced', rule: job.rule });
    const rec = store.get(job.id);
    if (rec && rec.t !== 'done') {
      rs.push(rec.t === 'failed' ? { kind: 'failed-last-run', reason: rec.reason } : { kind: 'interrupted-last-run' });
    }
    const ds = index.deps[i]!;
    for (let k = 0; k < ds.length; k++) {
      const d = ds[k]!;
      if (dirty[d]) {
        rs.push((upstream[d] ??= { kind: 'upstream', id: plan.jobs[d]!.id }));
        break;
      }
    }
    let oldestOutput: string | undefined;
    const outs = job.outputPaths;
    const temp = job.hasTempOutput ? job.outputs : undefined; // the flags, only for a rule with temp outputs
    for (let k = 0; k < outs.length; k++) {
      const path = outs[k]!;
      const st = stamps.stat(path);
      if (st === null) {
        // A missing temp output matters only if a reader runs (resolved below) or nobody reads it.
        if (temp?.[k]!.temp && (index.readers.get(path)?.length ?? 0) > 0) (missingTemps[i] ??= []).push(path);
        else rs.push({ kind: 'output-missing', path });
      } else if (oldestOutput === undefined || compareMtime(st.mtimeNs, oldestOutput) < 0) {
        oldestOutput = st.mtimeNs;
      }
    }
    if (rec?.t === 'done') {
      if (t.has('rule') && rec.ruleDigest !== job.ruleDigest) rs.push({ kind: 'rule-changed' });
      if (t.has('command') && rec.command !== job.command) rs.push({ kind: 'command-changed' });
      if (t.has('params') && rec.params !== stableJson(job.params)) rs.push({ kind: 'params-changed' });
      if (rs.length === 0) {
        const refresh = await checkInputs(job, rec, t, stamps, rs);
        if (rs.length === 0 && refresh) reRecord.push(i);
      }
    } else if (rec === undefined && rs.length === 0 && outs.length === 0) {
      rs.push({ kind: 'no-record' });
    } else if (rec === undefined && rs.length === 0 && oldestOutput !== undefined) {
      // No record (outputs made outside wf, or state lost): make's rule.
      for (const p of inputPaths(job)) {
        const st = stamps.stat(p);
        if (st !== null && compareMtime(st.mtimeNs, oldestOutput) > 0) {
          rs.push({ kind: 'input-newer', path: p });
          break;
        }
      }
      if (rs.length === 0) reRecord.push(i);
    }
    reasons[i] = rs.take(); // kept for the whole run
    if (rs.length > 0) dirty[i] = 1;
  }

  propagateTempNeeds(plan, index, reasons, dirty, missingTemps);
  return { reasons, dirty, reRecord: reRecord.filter((i) => !dirty[i]) };
}

/** The input rung. Appends reasons to `rs`; returns true when a stamp changed but content did not (refresh the record). */
async function checkInputs(job: Job, rec: DoneRecord, t: ReadonlySet<RerunTrigger>, stamps: StampCache, rs: ScratchList<DirtyReason>): Promise<boolean> {
  if (!t.has('mtime') && !t.has('content')) return false;
  const recorded = new Map<string, FileEntry>();
  for (const e of rec.inputs) recorded.set(e[0], e);
  let refresh = false;
  for (const p of inputPaths(job)) {
    const st = stamps.stat(p);
    if (st === null) continue; // a deleted temp input, or a missing source the planner reports
    const e = recorded.get(p);
    if (!e) {
      rs.push({ kind: 'input-changed', path: p, detail: 'new-input' });
      return false;
    }
    if (sameStamp(st, { mtimeNs: e[1], size: e[2] })) continue;
    if (t.has('content') && e[3] !== null && st.size === e[2]) {
      if ((await stamps.hash(p)) === e[3]) {
        refresh = true;
        continue;
      }
      rs.push({ kind: 'input-changed', path: p, detail: 'content' });
      return false;
    }
    rs.push({ kind: 'input-changed', path: p, detail: t.has('content') && e[3] !== null ? 'content' : 'stamp' });
    return false;
  }
  return refresh;
}

/**
 * A clean job whose missing temp output is read by a dirty job must run
 * after all; that makes its dependents dirty too. Worklist to a fixed
 * point; each job is marked at most once, so O(jobs + edges + inputs).
 */
function propagateTempNeeds(plan: Plan, index: PlanIndex, reasons: DirtyReason[][], dirty: Uint8Array, missingTemps: (RelPath[] | undefined)[]): void {
  if (!missingTemps.some((m) => m !== undefined)) return;
  const work: number[] = [];
  for (let i = 0; i < dirty.length; i++) if (dirty[i]) work.push(i);
  const mark = (i: number, reason: DirtyReason): void => {
    reasons[i]!.push(reason);
    dirty[i] = 1;
    work.push(i);
  };
  while (work.length > 0) {
    const r = work.pop()!;
    const reader = plan.jobs[r]!;
    for (const path of reader.inputPaths) {
      const p = index.producer.get(path);
      if (p === undefined || dirty[p] || !missingTemps[p]?.includes(path)) continue;
      mark(p, { kind: 'temp-needed', path, by: reader.id });
      // Forward: everything downstream of the producer now runs as well.
      const stack = [p];
      while (stack.length > 0) {
        const x = stack.pop()!;
        for (const d of index.dependents[x]!) {
          if (dirty[d]) continue;
          mark(d, { kind: 'upstream', id: plan.jobs[x]!.id });
          stack.push(d);
        }
      }
    }
  }
}
