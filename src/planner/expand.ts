/**
 * Forward propagation (spec §3 "Discovery", "Gather", "`when`"): wildcard
 * values flow from discovered sources through the rules, in a topological
 * order of the rule graph, creating candidate jobs and the product
 * instances they output.
 *
 * A rule's jobs are the natural join of the instances of its non-gather
 * product inputs on shared wildcards (hash joins keyed by the shared-value
 * tuple: linear in inputs plus output). Wildcards not fixed that way take the
 * distinct projections of gathered instances. A rule with no product input
 * and no wildcard is one job. A job whose gather is empty, whose `when` is
 * false, or that reads an output of such a job is recorded as unplanned and
 * outputs nothing, so its consumers never see it.
 */
import { error } from '../diagnostics/diagnostic.js';
import { asRelPath, type RelPath } from '../ir/ids.js';
import { jobName, type InputInfo, type PlanState, type ProductStore, type RuleInfo, type Unplanned } from './context.js';
import { byteOrder } from './fs.js';
import { jobInputs } from './job-files.js';
import { Appender, ScratchList } from '../util/arrays.js';
import { renderTemplate } from './patterns.js';
import { evaluateWhen } from './when.js';

/**
 * The bindings of a rule, column-wise (no object per binding): `values[b]`
 * in the rule's wildcard order (shared with the instance it came from when
 * the orders agree: value arrays are never mutated once built), and
 * `picks[d][b]` the instance of driver input `d` picked by binding `b`.
 */
interface Bindings {
  readonly values: readonly (readonly string[])[];
  readonly picks: readonly (readonly number[])[];
}

/** The most WF2110 errors reported (one duplicate usually means a whole rule). */
const MAX_DUPLICATE_ERRORS = 5;

/**
 * Create every candidate job of every rule, visiting rules in `order`
 * (producers first). Fills `state.jobs`, `state.outputs`, `state.unplanned`
 * and the derived products' instances. Emits WF2110 (two jobs write one file).
 */
export function expandRules(state: PlanState, order: readonly RuleInfo[]): void {
  const duplicates = { count: 0 };
  for (const rule of order) expandRule(state, rule, duplicates);
  if (duplicates.count > MAX_DUPLICATE_ERRORS) {
    state.diagnostics.push(error('WF2110', `${duplicates.count - MAX_DUPLICATE_ERRORS} more files are written by two jobs`));
  }
}

function keyOf(values: readonly string[], positions: readonly number[]): string {
  if (positions.length === 1) return values[positions[0]!]!;
  let key = '';
  for (let i = 0; i < positions.length; i += 1) key += (i > 0 ? '\u0000' : '') + values[positions[i]!]!;
  return key;
}

function bindRule(state: PlanState, rule: RuleInfo): { bindings: Bindings; drivers: InputInfo[] } {
  const n = rule.wildcards.length;
  const bound: boolean[] = new Array<boolean>(n).fill(false);
  let values: (readonly string[])[] = [new Array<string>(n)];
  let picks: number[][] = [];
  const drivers = rule.inputs.filter((i) => i.model.kind === 'product' && i.model.product !== undefined);

  // Hash join of one relation (tuples in the relation's own wildcard order) into the bindings.
  const join = (tuples: readonly (readonly string[])[], positions: readonly number[], pick: boolean): void => {
    const shared: number[] = []; // indices into the relation's tuple
    const fresh: number[] = [];
    positions.forEach((p, i) => {
      if (p < 0) return;
      if (bound[p]) shared.push(i);
      else if (!fresh.some((f) => positions[f] === p)) fresh.push(i);
    });
    // The first relation over exactly the rule's wildcards, in order: share its tuples.
    const identity = bound.every((b) => !b) && positions.length === n && positions.every((p, i) => p === i);
    const index = new Map<string, number[]>();
    const all: number[] = [];
    tuples.forEach((t, idx) => {
      if (shared.length === 0) return void all.push(idx);
      const key = keyOf(t, shared);
      const list = index.get(key);
      if (list) list.push(idx);
      else index.set(key, [idx]);
    });
    const sharedRule = shared.map((i) => positions[i]!);
    const nextValues: (readonly string[])[] = [];
    const nextPicks: number[][] = picks.map(() => []);
    const picked: number[] = [];
    for (let b = 0; b < values.length; b += 1) {
      const hits = shared.length === 0 ? all : index.get(keyOf(values[b]!, sharedRule));
      if (!hits) continue;
      for (let h = 0; h < hits.length; h += 1) {
        const idx = hits[h]!;
        const t = tuples[idx]!;
        if (identity) {
          nextValues.push(t);
        } else {
          const v = values[b]!.slice();
          for (const i of fresh) v[positions[i]!] = t[i]!;
          nextValues.push(v);
        }
        for (let d = 0; d < picks.length; d += 1) nextPicks[d]!.push(picks[d]![b]!);
        if (pick) picked.push(idx);
      }
    }
    for (const i of fresh) bound[positions[i]!] = true;
    values = nextValues;
    picks = pick ? [...nextPicks, picked] : nextPicks;
  };

  for (const d of drivers) join(state.products.get(d.model.product!)?.values ?? [], d.positions, true);
  for (const g of rule.inputs) {
    if (g.model.kind !== 'gather' || !g.positions.some((p) => p >= 0 && !bound[p])) continue;
    const store = state.products.get(g.model.product!);
    const distinct = new Map<string, string[]>();
    const used = g.positions.map((p, i) => (p >= 0 ? i : -1)).filter((i) => i >= 0);
    for (const t of store?.values ?? []) {
      const key = keyOf(t, used);
      if (!distinct.has(key)) distinct.set(key, t);
    }
    join([...distinct.values()], g.positions, false);
  }
  // A wildcard still unbound has no source of values (the checker's WF2015): no job.
  if (bound.some((b) => !b)) return { bindings: { values: [], picks: [] }, drivers };
  return { bindings: { values, picks }, drivers };
}

/** Per gather input: instance indices bucketed by the job's shared-wildcard key, each bucket in byte order of paths. */
function gatherIndex(state: PlanState, input: InputInfo): { positions: number[]; buckets: Map<string, number[]> } {
  const store = state.products.get(input.model.product!);
  const used = input.positions.map((p, i) => (p >= 0 ? i : -1)).filter((i) => i >= 0);
  const buckets = new Map<string, number[]>();
  if (store) {
    store.values.forEach((t, idx) => {
      const key = keyOf(t, used);
      const list = buckets.get(key);
      if (list) list.push(idx);
      else buckets.set(key, [idx]);
    });
    for (const list of buckets.values()) list.sort((a, b) => byteOrder(store.paths[a]!, store.paths[b]!));
  }
  return { positions: used.map((i) => input.positions[i]!), buckets };
}

function expandRule(state: PlanState, rule: RuleInfo, duplicates: { count: number }): void {
  const { bindings, drivers } = bindRule(state, rule);
  if (bindings.values.length === 0) return;
  const gathers = new Map<InputInfo, ReturnType<typeof gatherIndex>>();
  for (const input of rule.inputs) if (input.model.kind === 'gather') gathers.set(input, gatherIndex(state, input));
  // Room for one job per binding, and one instance per binding in each product the rule outputs.
  const bound = bindings.values.length;
  const jobs = new Appender(state.jobs, bound);
  const appenders = new Map<ProductStore, { values: Appender<string[]>; paths: Appender<string>; producers: Appender<number> }>();
  const outputStores = rule.outputs.map((o) => {
    const store = o.model.product !== undefined ? state.products.get(o.model.product) : undefined;
    if (!store) return undefined;
    const positions = store.pattern.wildcards.map((w) => rule.position.get(w)!);
    const same = positions.length === rule.wildcards.length && positions.every((p, i) => p === i);
    let add = appenders.get(store);
    if (!add) {
      add = { values: new Appender(store.values, bound), paths: new Appender(store.paths, bound), producers: new Appender(store.producers, bound) };
      appenders.set(store, add);
    }
    return { add, positions, same };
  });

  // Everything that does not depend on the binding, looked up once per rule.
  const steps = rule.inputs.map((info) => ({
    info,
    kind: info.model.kind,
    store: info.model.product !== undefined ? state.products.get(info.model.product) : undefined,
    driver: drivers.indexOf(info),
    gather: gathers.get(info),
  }));
  // Reused for every job; each job keeps exact-size copies (kept for the whole run).
  const pathList = new ScratchList<RelPath>();
  const producerList = new ScratchList<number>();
  const counts = rule.hasGather ? new Array<number>(steps.length) : undefined;
  const nOut = rule.outputs.length;
  for (let b = 0; b < bindings.values.length; b += 1) {
    const values = bindings.values[b]!;
    let skip: Omit<Unplanned, 'rule' | 'values'> | undefined;
    pathList.reset();
    producerList.reset();
    for (let k = 0; k < steps.length; k += 1) {
      const { info, kind, store, driver, gather } = steps[k]!;
      if (counts) counts[k] = 1;
      if (kind === 'product') {
        const idx = bindings.picks[driver]![b]!;
        pathList.push(asRelPath(store!.paths[idx]!));
        producerList.push(store!.producers[idx]!);
      } else if (kind === 'gather') {
        const hits = gather!.buckets.get(keyOf(values, gather!.positions));
        if (!hits || hits.length === 0) {
          skip ??= { reason: 'gather', detail: info.model.product! };
          continue;
        }
        counts![k] = hits.length;
        for (let h = 0; h < hits.length; h += 1) {
          pathList.push(asRelPath(store!.paths[hits[h]!]!));
          producerList.push(store!.producers[hits[h]!]!);
        }
      } else {
        if (!info.template) throw new Error(`internal error: input "${info.pattern.source}" of rule ${rule.model.name} has a wildcard the rule lacks`);
        const path = renderTemplate(info.template, values);
        if (state.unplanned.has(path)) skip ??= { reason: 'upstream', detail: path };
        pathList.push(asRelPath(path));
        producerList.push(state.outputs.get(path) ?? -2);
      }
    }
    const inputPaths = pathList.take();
    const inputCounts = counts?.slice();
    const outputPaths = new Array<RelPath>(nOut);
    for (let i = 0; i < nOut; i += 1) outputPaths[i] = asRelPath(renderTemplate(rule.outputs[i]!.template, values));
    let whenError;
    if (!skip && rule.model.when) {
      const outcome = evaluateWhen(rule.model.when, { state, rule, values, inputs: jobInputs(rule, inputPaths, inputCounts) });
      if (!outcome.ok) whenError = outcome.diagnostic;
      else if (!outcome.value) skip = { reason: 'when' };
    }
    if (skip) {
      const record: Unplanned = { rule, values, ...skip };
      for (let i = 0; i < nOut; i += 1) if (!state.unplanned.has(outputPaths[i]!)) state.unplanned.set(outputPaths[i]!, record);
      continue;
    }
    const job = jobs.length;
    // Kept for the whole run (the plan's Job keeps the path lists).
    const rec = { rule, values, inputPaths, inputCounts, producers: producerList.take(), outputPaths };
    jobs.push(whenError ? { ...rec, whenError } : rec);
    for (let i = 0; i < nOut; i += 1) {
      const path = outputPaths[i]!;
      const other = state.outputs.get(path);
      if (other !== undefined) {
        duplicates.count += 1;
        if (duplicates.count <= MAX_DUPLICATE_ERRORS) {
          const first = state.jobs[other]!;
          state.diagnostics.push(error('WF2110', `jobs ${jobName(first.rule, first.values)} and ${jobName(rule, values)} both write \`${path}\``, rule.model.outputs[i]!.span));
        }
        continue;
      }
      state.outputs.set(path, job);
      const out = outputStores[i];
      if (out) {
        out.add.values.push(out.same ? (values as string[]) : out.positions.map((p) => values[p]!));
        out.add.paths.push(path);
        out.add.producers.push(job);
      }
    }
  }
  jobs.end();
  for (const add of appenders.values()) {
    add.values.end();
    add.paths.end();
    add.producers.end();
  }
}
