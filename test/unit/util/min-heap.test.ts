/**
 * The binary min-heap (src/util/min-heap.ts): pops in key order, and
 * `smallest(k)` lists the next k pops without removing anything.
 */
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../src/util/min-heap.js';

/** A deterministic shuffle of 0..n-1. */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let seed = 7;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('MinHeap', () => {
  it('lists the k smallest items in pop order without removing them, by rank when given', () => {
    const n = 200;
    const rank = shuffled(n); // item i pops at position rank[i]
    const heap = new MinHeap(rank);
    for (const v of shuffled(n).reverse()) heap.push(v);
    const byRank = Array.from({ length: n }, (_, i) => i).sort((x, y) => rank[x]! - rank[y]!);
    for (const k of [0, 1, 2, 8, 50, n, n + 5]) expect(heap.smallest(k)).toEqual(byRank.slice(0, k));
    expect(heap.size).toBe(n);
    const popped: number[] = [];
    while (heap.size > 0) {
      expect(heap.smallest(3)).toEqual(byRank.slice(popped.length, popped.length + 3));
      popped.push(heap.pop());
    }
    expect(popped).toEqual(byRank);
    expect(heap.smallest(4)).toEqual([]);
  });
});
