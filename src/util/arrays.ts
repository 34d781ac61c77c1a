/**
 * Array helpers for the planner and the executor, which keep a few short
 * lists per job for a whole run (STYLE §7: 60,000–300,000 jobs).
 */

/**
 * A copy of `items` whose backing store holds exactly its elements. An
 * array that grew from empty by `push` has room for at least 16 elements
 * in V8 (~150 bytes), so a plan's one- or two-element lists per job (inputs,
 * dependencies, dependents, dirty reasons) cost several times their size,
 * and the scavenger copies all of it while the heap grows: compacted, a dry
 * run's peak memory falls by about a fifth (N=20,000: ~200 → ~157 MB;
 * docs/performance.md, "late night"). Ordering and contents are unchanged.
 */
export function compact<T>(items: readonly T[]): T[] {
  return items.slice();
}
