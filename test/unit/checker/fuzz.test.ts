/**
 * The checker on arbitrary input (issue: never throw, never hang, diagnostics
 * with valid positions): mutated workflows go through the parser and then the
 * full semantic analysis.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from '../../../src/parser/index.js';
import { checkWorkflow } from '../../../src/checker/index.js';
import type { LoadResult } from '../../../src/loader/index.js';

const example = readFileSync(new URL('../parser/fixtures/spec-example.wf', import.meta.url), 'utf8');
const PIECES = ['{', '}', '"', '\n', '=', 'rule r L1 {\n', 'input all evt1\n', 'output temp x\n', '{input.nope}', '{obsid}', 'L0', 'L9', 'when obsid in config.exclude\n', 'product p L2 "a/{x}"\n', '}\n'];

const edit = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...PIECES) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(text: string, edits: readonly (typeof edit extends fc.Arbitrary<infer E> ? E : never)[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % t.length;
    if (e.kind === 'delete') t = t.slice(0, at) + t.slice(at + e.len);
    else if (e.kind === 'insert') t = t.slice(0, at) + e.text + t.slice(at);
    else t = t.slice(at, at + e.len) + t.slice(0, at) + t.slice(at + e.len);
  }
  return t;
}

/** Parse `text` as the only file of a workflow and check it. */
function checkText(text: string): ReturnType<typeof checkWorkflow> {
  const { ast, diagnostics } = parse(text, 'fuzz.wf');
  const load: LoadResult = { files: [{ path: '/tmp/fuzz.wf', displayPath: 'fuzz.wf', ast: ast! }], sources: new Map([['fuzz.wf', text]]), diagnostics };
  return checkWorkflow(load);
}

describe('the checker on mutated workflows', () => {
  test('never throws, and every diagnostic lies inside the file', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
        const text = mutate(example, edits);
        const result = checkText(text);
        const lines = text.split('\n').length;
        for (const d of result.diagnostics) {
          expect(d.code).toMatch(/^WF[12]\d{3}$/);
          if (!d.span) continue;
          expect(d.span.line).toBeGreaterThanOrEqual(1);
          expect(d.span.column).toBeGreaterThanOrEqual(1);
          expect(d.span.line).toBeLessThanOrEqual(lines);
        }
        // a workflow comes back exactly when there is no error
        expect(result.workflow !== undefined).toBe(!result.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 400 },
    );
  });
});
