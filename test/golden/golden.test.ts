/**
 * Golden tests of `wf check` diagnostics (STYLE §5).
 *
 * Every `test/golden/**\/<case>.wf` is loaded and checked; its diagnostics,
 * rendered as colourless text, must equal `<case>.expected` next to it.
 * Span files are relative to `test/golden/` (e.g. `check/unknown-product.wf`),
 * so results do not depend on the cwd.
 *
 * Files under a directory whose name starts with `_` (e.g.
 * `check/_lib/calib.wf`) are helpers included by cases, not cases.
 *
 * Regenerate the `.expected` files with either
 *   UPDATE_GOLDEN=1 npx vitest run test/golden
 * or
 *   npx vitest run test/golden -u
 * and review the diff before committing.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../src/checker/index.js';
import { renderText } from '../../src/diagnostics/render.js';
import { loadWorkflow } from '../../src/loader/index.js';

const goldenDir = path.dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function findCases(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('_')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findCases(full));
    else if (entry.name.endsWith('.wf')) out.push(full);
  }
  return out;
}

/** Rendered diagnostics of one case, as `wf check` would print them without colour. */
function renderCase(file: string): string {
  const load = loadWorkflow(file, { displayRoot: goldenDir });
  const result = checkWorkflow(load);
  return renderText(result.diagnostics, load.sources, { color: false });
}

describe('golden diagnostics', () => {
  for (const file of findCases(goldenDir)) {
    const name = path.relative(goldenDir, file);
    const expectedFile = file.replace(/\.wf$/, '.expected');
    it(`${name} renders as ${path.basename(expectedFile)}`, async () => {
      const actual = renderCase(file);
      if (update) writeFileSync(expectedFile, actual);
      await expect(actual).toMatchFileSnapshot(expectedFile);
    });
  }
});
