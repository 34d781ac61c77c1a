import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse, parseLiteral } from '../../../src/parser/index.js';

const example = readFileSync(new URL('./fixtures/spec-example.wf', import.meta.url), 'utf8');
const PIECES = ['{', '}', '[', ']', '(', ')', '"', '"""', '/', '\\', '\n', ',', '=', '#', 'rule', 'input', 'all', 'L1', '-', '.', ' ', 'when', 'not', 'in'];

/** Every diagnostic lies inside the text: 1-based, within its line count, end not before start. */
function expectWellPlaced(text: string): void {
  const { ast, diagnostics } = parse(text, 'fuzz.wf');
  expect(ast).toBeDefined();
  const lineCount = text.split('\n').length;
  for (const d of diagnostics) {
    const s = d.span!;
    expect(d.code).toMatch(/^WF100[1-7]$/);
    expect(s.line).toBeGreaterThanOrEqual(1);
    expect(s.column).toBeGreaterThanOrEqual(1);
    expect(s.line).toBeLessThanOrEqual(lineCount);
    expect(s.endLine).toBeLessThanOrEqual(lineCount);
    expect(s.endLine > s.line || s.endColumn >= s.column).toBe(true);
    expect(d.message).not.toMatch(/NaN|undefined/);
  }
}

/** One edit of the text: delete, insert or duplicate a slice, or insert a grammar-significant piece. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })) }),
);

type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function apply(text: string, edits: readonly Edit[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % t.length;
    if (e.kind === 'delete') t = t.slice(0, at) + t.slice(at + e.len);
    else if (e.kind === 'duplicate') t = t.slice(0, at) + t.slice(at, at + e.len) + t.slice(at);
    else t = t.slice(0, at) + e.text + t.slice(at);
  }
  return t;
}

describe('the parser on arbitrary input', () => {
  test('never throws and places diagnostics inside random strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join(''))), (text) => {
        expectWellPlaced(text);
        parseLiteral(text);
      }),
      { numRuns: 600 },
    );
  });

  test('never throws and places diagnostics inside mutations of a valid workflow', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        expectWellPlaced(apply(example, edits));
      }),
      { numRuns: 400 },
    );
  });

  test('still parses the valid workflow cleanly after many broken ones', () => {
    expect(parse(example, 'f.wf').diagnostics).toEqual([]);
  });
});
