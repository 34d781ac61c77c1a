/**
 * Turns command-line target words into {@link TargetSpec}s (spec §5 `wf run
 * [TARGET…]`): a level (`L2`), a product or rule name, or a file path.
 */
import type { TargetSpec, Workflow } from '../ir/model.js';
import { parseLevel } from '../util/levels.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Classify each word: `L` + number is a level; a declared product or rule
 * name is a name; any other identifier is a name too (so a typo gets a
 * "did you mean" from the planner); everything else is a path.
 */
export function toTargetSpecs(words: readonly string[], workflow: Workflow): TargetSpec[] {
  return words.map((word): TargetSpec => {
    const level = parseLevel(word);
    if (level !== undefined) return { kind: 'level', level, text: word };
    if (workflow.products.has(word) || workflow.rules.has(word)) return { kind: 'name', name: word };
    if (IDENT.test(word)) return { kind: 'name', name: word };
    return { kind: 'path', path: word.replace(/^(\.\/)+/, '') };
  });
}
