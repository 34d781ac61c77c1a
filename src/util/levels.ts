/**
 * Processing levels are data (`L0`, `L0.5`, `L1` …), declared by authors.
 * This is the one place they are parsed and compared.
 *
 * Guarantee enforced by the checker (spec §3 "Levels"): a rule reads only
 * products of a level at or below its own and writes products of exactly
 * its own level, so the rule graph never goes down in level.
 */

/** Parse `L` + number (`"L1.5"` → 1.5); undefined when the text is not a level. */
export function parseLevel(text: string): number | undefined {
  const m = /^L(\d+(?:\.\d+)?)$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Negative when `a` is below `b`, 0 when equal, positive when above. */
export function compareLevels(a: number, b: number): number {
  return a - b;
}

/** Format a numeric level back as text (`1.5` → `"L1.5"`). */
export function formatLevel(level: number): string {
  return `L${level}`;
}
