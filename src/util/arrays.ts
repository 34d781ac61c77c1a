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

/**
 * Appending many items to a long list at once. A list that grows by `push`
 * is copied into a new store half again as large each time it fills: a
 * 300,000-item list is allocated about three times over, in memory touched
 * for the first time (costly on a VM, docs/performance.md). The room for
 * `extra` more items is made once, up front; {@link Appender.end} gives back
 * what was not used (V8 trims the store in place).
 */
export class Appender<T> {
  readonly #list: T[];
  #next: number;

  /** Make room in `list` for `extra` more items; until {@link end}, add to it only through this appender. */
  constructor(list: T[], extra: number) {
    this.#list = list;
    this.#next = list.length;
    list.length = list.length + extra;
  }

  /** Index the next item will get (the list's length once {@link end} is called). */
  get length(): number {
    return this.#next;
  }

  /** Append `item`; beyond the room made, the list grows as with `push`. */
  push(item: T): void {
    this.#list[this.#next++] = item;
  }

  /** Trim the list to the items appended. */
  end(): void {
    this.#list.length = this.#next;
  }
}
