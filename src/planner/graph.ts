/**
 * Graphs of the plan: the rule graph (which rule feeds which), the job DAG
 * and its topological order (spec §3; STYLE §8 "Graph and dirty scan").
 *
 * Both graphs are @dagrejs/graphlib `Graph`s. The rule graph is small and
 * uses graphlib throughout. For the job DAG (300,000 nodes in the benchmark)
 * graphlib holds the structure and finds cycles, but the order itself comes
 * from a Kahn pass over integer arrays with a binary heap: graphlib's
 * `topsort` is a recursive DFS with no tie-break, and per-node
 * `Object.keys()` calls dominate at that scale.
 */
import { alg, Graph } from '@dagrejs/graphlib';
import type { Job, Plan } from '../ir/plan.js';
import type { PlanState, RuleInfo } from './context.js';
import { matchPattern } from './patterns.js';
import { MinHeap } from '../util/min-heap.js';

/**
 * Rules in a topological order of the rule graph (producers first), ties by
 * declaration order. An edge S → R exists when R reads a product S writes,
 * or a quoted path equal to an output pattern of S (or, for a path without
 * wildcards, matching one). A cycle (the checker's WF2012) cannot stop the
 * planner: rules on it follow in declaration order.
 */
export function ruleOrder(state: PlanState): RuleInfo[] {
  const g = ruleGraph(state);
  const indegree = new Map<string, number>(state.rules.map((r) => [r.model.name, g.predecessors(r.model.name)?.length ?? 0]));
  const order: RuleInfo[] = [];
  const done = new Set<string>();
  while (order.length < state.rules.length) {
    const next = state.rules.find((r) => !done.has(r.model.name) && indegree.get(r.model.name) === 0)
      ?? state.rules.find((r) => !done.has(r.model.name))!;
    done.add(next.model.name);
    order.push(next);
    for (const s of g.successors(next.model.name) ?? []) indegree.set(s, (indegree.get(s) ?? 1) - 1);
  }
  return order;
}

/** The rule graph: nodes are rule names, an edge S → R when R reads something S writes. */
export function ruleGraph(state: PlanState): Graph {
  const g = new Graph();
  for (const r of state.rules) g.setNode(r.model.name, r.index);
  for (const r of state.rules) {
    for (const input of r.inputs) {
      const product = input.model.product;
      const producer = product !== undefined ? state.producerRule.get(product) : undefined;
      if (producer) {
        if (producer !== r) g.setEdge(producer.model.name, r.model.name);
        continue;
      }
      if (input.model.kind !== 'path') continue;
      for (const s of state.rules) {
        if (s === r) continue;
        const hit = s.outputs.some((o) =>
          o.pattern.source === input.pattern.source || (input.pattern.isLiteral && matchPattern(o.pattern, input.pattern.source) !== undefined));
        if (hit) g.setEdge(s.model.name, r.model.name);
      }
    }
  }
  return g;
}

/**
 * Order `nodes` (job indices below `total`) so that every job follows its
 * deps; ties go to the lower rule declaration index, then the smaller id
 * (plain `<`). `deps[j]` lists the job indices job `j` depends on (all
 * within `nodes`). Returns the order, and the jobs left over on a cycle.
 * O(n log n): ranks are computed by one sort, the heap compares integers;
 * when every dep already ranks before its job, the ranks are the order and
 * no heap is built.
 */
export function topologicalJobOrder(
  nodes: readonly number[],
  total: number,
  deps: readonly (readonly number[] | undefined)[],
  ruleIndex: (job: number) => number,
  id: (job: number) => string,
): { order: number[]; cyclic: number[] } {
  // Rank = position in (rule order, id byte order); sorted as plain indices, no object per job.
  // Indexed loops throughout: this runs once per plan, largely before V8 optimizes it, and an
  // unoptimized `for…of` allocates an iterator and a result object per step.
  const ruleOf = new Int32Array(total);
  for (let i = 0; i < nodes.length; i += 1) ruleOf[nodes[i]!] = ruleIndex(nodes[i]!);
  const sorted = nodes.slice().sort((a, b) => {
    if (ruleOf[a] !== ruleOf[b]) return ruleOf[a]! - ruleOf[b]!;
    const x = id(a);
    const y = id(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const rank = new Int32Array(total);
  for (let i = 0; i < sorted.length; i += 1) rank[sorted[i]!] = i;
  // Rules declared producers first (the usual case): every dep ranks before its job, so the rank
  // order is already the order the heap below would give (the lowest-ranked job left is always
  // ready), and one pass over the edges replaces the heap.
  if (ranksFollowDeps(nodes, deps, rank)) return { order: sorted, cyclic: [] };
  // Dependents in compressed-sparse-row form.
  const indegree = new Int32Array(total);
  const outCount = new Int32Array(total + 1);
  for (let i = 0; i < nodes.length; i += 1) {
    const j = nodes[i]!;
    const ds = deps[j];
    if (ds === undefined) continue;
    indegree[j] = ds.length;
    for (let k = 0; k < ds.length; k += 1) outCount[ds[k]! + 1]! += 1;
  }
  for (let i = 0; i < total; i += 1) outCount[i + 1]! += outCount[i]!;
  const fillAt = outCount.slice(0, total);
  const dependents = new Int32Array(outCount[total]!);
  for (let i = 0; i < nodes.length; i += 1) {
    const j = nodes[i]!;
    const ds = deps[j];
    if (ds !== undefined) for (let k = 0; k < ds.length; k += 1) dependents[fillAt[ds[k]!]!++] = j;
  }

  const heap = new MinHeap(rank);
  for (let i = 0; i < nodes.length; i += 1) if (indegree[nodes[i]!] === 0) heap.push(nodes[i]!);
  const order: number[] = new Array<number>(nodes.length); // at its final size; trimmed on a cycle
  let placed = 0;
  while (heap.size > 0) {
    const j = heap.pop();
    order[placed++] = j;
    for (let e = outCount[j]!; e < outCount[j + 1]!; e += 1) {
      const k = dependents[e]!;
      indegree[k]! -= 1;
      if (indegree[k] === 0) heap.push(k);
    }
  }
  order.length = placed;
  const cyclic = placed === nodes.length ? [] : nodes.filter((j) => indegree[j]! > 0);
  return { order, cyclic };
}

/** True when every dep of every job in `nodes` has a lower `rank` than the job (then no job is on a cycle). */
function ranksFollowDeps(nodes: readonly number[], deps: readonly (readonly number[] | undefined)[], rank: Int32Array): boolean {
  for (let i = 0; i < nodes.length; i += 1) {
    const j = nodes[i]!;
    const ds = deps[j];
    if (ds === undefined) continue;
    const r = rank[j]!;
    for (let k = 0; k < ds.length; k += 1) if (rank[ds[k]!]! >= r) return false;
  }
  return true;
}

/**
 * The job DAG of a plan as a graphlib `Graph`: node = job id (label: the
 * {@link Job}), edge dep → dependent. Built on demand (e.g. `wf graph`);
 * the plan itself stays plain data.
 */
export function buildJobGraph(plan: Plan): Graph<Record<string, unknown>, Job> {
  const g = new Graph<Record<string, unknown>, Job>();
  for (const job of plan.jobs) g.setNode(job.id, job);
  for (const job of plan.jobs) for (const d of job.deps) g.setEdge(d, job.id);
  return g;
}

/**
 * The strongly connected components of a job graph that form cycles (graphlib's
 * Tarjan), each as `a -> b -> a` over its jobs, at most `limit` of them.
 */
export function describeCycles(edges: readonly (readonly [string, string])[], limit = 3): string[] {
  const g = new Graph();
  for (const [v, w] of edges) g.setEdge(v, w);
  return alg.findCycles(g).slice(0, limit).map((cycle) => {
    const names = [...cycle].reverse();
    return [...names, names[0]].join(' -> ');
  });
}
