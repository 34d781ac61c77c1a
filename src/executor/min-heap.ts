/**
 * A binary min-heap of non-negative integers (plan indices): the ready queue,
 * so jobs start in plan order whatever order they became ready in.
 * push/pop O(log n), peek O(1).
 */
export class MinHeap {
  #a: number[] = [];

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
    let i = a.length;
    a.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
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
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
