/**
 * The job order (`planner/graph.ts`, spec §3): deps first, ties by rule
 * declaration index, then id by plain `<`. When every dep already ranks
 * before its job the rank order is returned as it is; otherwise the heap
 * gives the same kind of order; jobs on a cycle are returned apart.
 */
import { describe, expect, it } from 'vitest';
import { topologicalJobOrder } from '../../../src/planner/graph.js';

/** Jobs 0..n-1 with a rule index and an id each; `deps[j]` as the planner gives them. */
function order(rule: number[], id: string[], deps: (number[] | undefined)[], nodes = rule.map((_, j) => j)) {
  return topologicalJobOrder(nodes, rule.length, deps, (j) => rule[j]!, (j) => id[j]!);
}

/** True when every job follows all of its deps in `o`. */
function depsFirst(o: number[], deps: (number[] | undefined)[]): boolean {
  const at = new Map(o.map((j, i) => [j, i]));
  return o.every((j) => (deps[j] ?? []).every((d) => at.get(d)! < at.get(j)!));
}

describe('topologicalJobOrder', () => {
  it('orders by rule, then id, when rules are declared producers first', () => {
    // rule 0: b, a (ids out of order); rule 1: d needs a, c needs b.
    const rule = [0, 0, 1, 1];
    const id = ['b', 'a', 'd', 'c'];
    const deps = [[], [], [1], [0]];
    const { order: o, cyclic } = order(rule, id, deps, [3, 2, 0, 1]);
    expect(o.map((j) => id[j])).toEqual(['a', 'b', 'c', 'd']);
    expect(cyclic).toEqual([]);
  });

  it('puts deps first when a rule declared earlier reads a later rule', () => {
    // rule 0 (declared first) reads rule 1's outputs: x needs q, y needs p; p, q have no deps.
    const rule = [0, 0, 1, 1];
    const id = ['x', 'y', 'p', 'q'];
    const deps = [[3], [2], [], []];
    const { order: o, cyclic } = order(rule, id, deps);
    expect(depsFirst(o, deps)).toBe(true);
    expect(o.map((j) => id[j])).toEqual(['p', 'y', 'q', 'x']);
    expect(cyclic).toEqual([]);
  });

  it('returns the jobs on a cycle apart', () => {
    const rule = [0, 0, 0];
    const id = ['a', 'b', 'c'];
    const deps = [[], [2], [1]];
    const { order: o, cyclic } = order(rule, id, deps);
    expect(o.map((j) => id[j])).toEqual(['a']);
    expect(cyclic.map((j) => id[j]).sort()).toEqual(['b', 'c']);
  });
});
