/**
 * Array helpers for the planner and the executor, which keep a few short
 * lists per job for a whole run (STYLE §7: 60,000–300,000 jobs).
 */

/**
 * A list reused for every job of a pass, from which each job keeps an
 * exact-size copy ({@link ScratchList.take}). An array that grows from empty
 * by `push` gets room for at least 17 elements in V8 (~150 bytes), and
 * setting an array's `length` to 0 frees its storage, so a fresh or reset
 * array per job costs a backing store that is copied or dropped at once;
 * a plan keeps several one- or two-element lists per job (inputs, producers,
 * dependencies, dirty reasons). docs/performance.md, "2026-12-04, evening".
 */
export class ScratchList<T> {
  readonly #items: T[] = [];
  /** Items added since the last {@link reset}. */
  length = 0;

  /** Append `item`. */
  push(item: T): void {
    this.#items[this.length++] = item;
  }

  /** Forget the items (the storage stays for the next job). */
  reset(): void {
    this.length = 0;
  }

  /** A new array of the current items, in the order pushed (a distinct empty array when none). */
  take(): T[] {
    return this.#items.slice(0, this.length);
  }
}
