/**
 * A binary min-heap of non-negative integers (job or plan indices), ordered
 * by the integers themselves or, when given, by `rank[item]`. Used by the
 * planner (topological order with stable tie-breaks) and the executor (the
 * ready queue, so jobs start in plan order whatever order they became ready
 * in). push/pop O(log n), peek O(1).
 */
export class MinHeap {
  readonly #a: number[] = [];
  readonly #rank: ArrayLike<number> | undefined;

  /** @param rank optional priority per item (smaller first); without it items order by value. */
  constructor(rank?: ArrayLike<number>) {
    this.#rank = rank;
  }

  /** Number of items. */
  get size(): number {
    return this.#a.length;
  }

  /**
   * The `k` smallest items in pop order (ties in any order), without
   * removing them: a best-first walk of the heap's tree whose open list
   * holds at most k + 1 nodes, O(k²) (meant for small `k`).
   */
  smallest(k: number): number[] {
    const a = this.#a;
    const out: number[] = [];
    if (a.length === 0 || k <= 0) return out;
    const open = [0];
    while (out.length < k && open.length > 0) {
      let best = 0;
      for (let j = 1; j < open.length; j++) if (this.#key(a[open[j]!]!) < this.#key(a[open[best]!]!)) best = j;
      const at = open[best]!;
      open[best] = open[open.length - 1]!;
      open.pop();
      out.push(a[at]!);
      if (2 * at + 1 < a.length) open.push(2 * at + 1);
      if (2 * at + 2 < a.length) open.push(2 * at + 2);
    }
    return out;
  }

  /** The smallest item; throws (internal error) when empty. */
  peek(): number {
    const v = this.#a[0];
    if (v === undefined) throw new Error('internal error: peek on an empty heap');
    return v;
  }

  /** Add an item. */
  push(v: number): void {
    const a = this.#a;
    const kv = this.#key(v);
    let i = a.length;
    a.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.#key(a[p]!) <= kv) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  /** Remove and return the smallest item; throws (internal error) when empty. */
  pop(): number {
    const a = this.#a;
    const top = this.peek();
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      const kl = this.#key(last);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.#key(a[r]!) < this.#key(a[l]!) ? r : l;
        if (this.#key(a[c]!) >= kl) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  #key(v: number): number {
    return this.#rank === undefined ? v : this.#rank[v]!;
  }
}
