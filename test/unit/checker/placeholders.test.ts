import { describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../../src/checker/index.js';
import { parse } from '../../../src/parser/index.js';
import type { LoadResult } from '../../../src/loader/index.js';

function check(text: string) {
  const { ast, diagnostics } = parse(text, 'p.wf');
  expect(diagnostics).toEqual([]);
  const load: LoadResult = { files: [{ path: '/w/p.wf', displayPath: 'p.wf', ast: ast! }], sources: new Map([['p.wf', text]]), diagnostics: [] };
  return checkWorkflow(load).diagnostics;
}

const HEAD = 'product a L0 "a/{x}.dat"\nproduct b L1 "b/{x}.dat"\n';

describe('placeholder spans', () => {
  it('points at the placeholder in a "…" string, counting escapes as two source characters', () => {
    const text = `${HEAD}rule r {\n  input a\n  output b\n  shell "echo \\"q\\"\\t{nope} > {output}"\n}\n`;
    const [d] = check(text);
    const line = text.split('\n')[5]!;
    expect(d).toMatchObject({ code: 'WF2007', span: { line: 6, column: line.indexOf('{nope}') + 1, endColumn: line.indexOf('{nope}') + 6 } });
  });

  it('points at the placeholder in a dedented """…""" string', () => {
    const text = `${HEAD}rule r {\n  input a\n  output b\n  shell """\n      cmd {input} \\\n        {outptu}\n  """\n}\n`;
    const [d] = check(text);
    expect(d).toMatchObject({ code: 'WF2007', span: { line: 8, column: 9 } });
    expect(d?.hint).toBe('did you mean `output`?');
  });
});
