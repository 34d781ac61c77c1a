/**
 * "Did you mean" suggestions for unknown names (STYLE §4), by edit distance.
 *
 * Pure and dependency-free; every checker hint about an unknown name goes
 * through {@link suggest} so suggestions are consistent.
 */

/**
 * Edit distance between two strings (Levenshtein plus adjacent
 * transpositions, "optimal string alignment"): insertions, deletions,
 * substitutions and swaps of two neighbours each cost 1. Counted in UTF-16
 * code units.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `name`, or undefined when none is close enough.
 *
 * Close enough: distance ≤ max(1, ⌊len/3⌋) where len is the longer of the
 * two names, or a case-insensitive exact match. Ties go to the candidate
 * listed first, so pass candidates in a stable (declaration) order.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(name, candidate);
    const limit = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** A hint sentence for {@link suggest}'s result: "did you mean `x`?", or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  return s === undefined ? undefined : `did you mean \`${s}\`?`;
}
