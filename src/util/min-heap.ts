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
