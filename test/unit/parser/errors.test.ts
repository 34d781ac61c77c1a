import { describe, expect, test } from 'vitest';
import { parse } from '../../../src/parser/index.js';

/** The diagnostics of `text` as `line:column code message` strings. */
function problems(text: string): string[] {
  return parse(text, 'f.wf').diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.code} ${d.message}`);
}

function only(text: string) {
  const { diagnostics } = parse(text, 'f.wf');
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!;
}

describe('lexical errors', () => {
  test('an unexpected character is WF1001 at its position', () => {
    expect(problems('workflow "a"\nconfig { a = 1 } $')).toEqual(['2:18 WF1001 unexpected character `$`']);
  });

  test('a single-quoted string gets a hint to use double quotes', () => {
    const d = parse("include 'x.wf'", 'f.wf').diagnostics[0];
    expect(d).toMatchObject({ code: 'WF1001', span: { line: 1, column: 9 }, hint: 'strings are written in double quotes: "…"' });
  });

  test('an unterminated string is WF1002 spanning to the end of the line', () => {
    expect(only('workflow "abc\n')).toMatchObject({ code: 'WF1002', span: { line: 1, column: 10, endLine: 1, endColumn: 13 } });
  });

  test('an unterminated triple-quoted string is WF1002 at its opening quotes', () => {
    const { diagnostics } = parse('rule r {\n  shell """\n  echo\n', 'f.wf');
    expect(diagnostics[0]).toMatchObject({ code: 'WF1002', span: { line: 2, column: 9, endColumn: 11 } });
  });

  test('an unknown escape is WF1004 at the backslash', () => {
    expect(only('workflow "a\\qb"')).toMatchObject({
      code: 'WF1004', message: 'invalid escape sequence `\\q` in a string', span: { line: 1, column: 12, endColumn: 13 },
    });
  });

  test('an invalid regex is WF1005', () => {
    expect(only('wildcard x = /a(b/')).toMatchObject({ code: 'WF1005', span: { line: 1, column: 14, endColumn: 18 } });
    expect(only('wildcard x = /a(b/').message).toMatch(/^invalid regular expression \/a\(b\/: /);
  });

  test('an unterminated or empty regex is WF1005', () => {
    expect(only('wildcard x = /[0-9]').message).toBe('unterminated regular expression: expected a closing `/` on the same line');
    expect(only('wildcard x = //').message).toBe('empty regular expression');
  });

  test('a malformed level or number is WF1007', () => {
    expect(only('product p L1x "x"')).toMatchObject({ code: 'WF1007', message: '`L1x` is not a valid level', span: { line: 1, column: 11 } });
    expect(only('rule r {\n  retries 1.2.3\n}')).toMatchObject({ code: 'WF1007', message: '`1.2.3` is not a valid number', span: { line: 2, column: 11 } });
  });
});

describe('syntax errors', () => {
  test('a product without a level says a level was expected, with a hint', () => {
    expect(only('product evt1 "L1/{obsid}/evt1.dat"')).toMatchObject({
      code: 'WF1003',
      message: 'expected a level such as L1 after the product name, found the string "L1/{obsid}/evt1.dat"',
      span: { line: 1, column: 14 },
      hint: 'write e.g. product evt1 L1 "L1/{obsid}/evt1.dat"',
    });
  });

  test('a reserved word naming a product is WF1006 and the product is still read', () => {
    const { ast, diagnostics } = parse('product rule L1 "x"', 'f.wf');
    expect(diagnostics).toMatchObject([
      { code: 'WF1006', message: '`rule` is a reserved word and cannot name a product', span: { line: 1, column: 9, endColumn: 12 } },
    ]);
    expect(diagnostics[0]?.hint).toBeDefined();
    expect(ast?.statements[0]).toMatchObject({ kind: 'product', name: 'rule' });
  });

  test('a reserved word naming an input is WF1006', () => {
    expect(only('rule r {\n  input log = x\n}')).toMatchObject({ code: 'WF1006', message: '`log` is a reserved word and cannot name an input' });
  });

  test('an input without a reference names what may follow `input`', () => {
    expect(problems('rule r {\n  input\n}')).toEqual([
      '2:8 WF1003 expected a product name, a quoted path or `all PRODUCT` after `input`, found the end of the line',
    ]);
  });

  test('a missing closing brace names the rule and points at the next statement', () => {
    const d = only('rule calibrate L1 {\n  shell "x"\nrule b L2 {\n  shell "y"\n}');
    expect(d).toMatchObject({ code: 'WF1003', message: 'expected `}` to close the rule `calibrate`, found `rule`', span: { line: 3, column: 1 } });
    expect(d.hint).toBe('the rule `calibrate` opens on line 1');
  });

  test('a rule body opened on the next line is one error, not a cascade', () => {
    expect(problems('rule a L1\n{\n  shell "x"\n}')).toEqual(['1:10 WF1003 expected `{` to open the rule `a`, found the end of the line']);
  });

  test('a missing closing brace at the end of the file points past the last line', () => {
    expect(problems('rule r {\n  shell "x"')).toEqual(['2:12 WF1003 expected `}` to close the rule `r`, found the end of the file']);
  });

  test('a stray token after a statement is unexpected', () => {
    expect(problems('workflow "a" = "b"')).toEqual(['1:14 WF1003 unexpected `=`']);
  });

  test('two entries on one line without a comma are reported', () => {
    expect(problems('config { a = 1 b = 2 }')).toEqual(['1:16 WF1003 unexpected `b`']);
  });

  test('a misspelt statement keyword gets a did-you-mean hint', () => {
    expect(only('rul a L1 {}')).toMatchObject({ code: 'WF1003', span: { line: 1, column: 1 }, hint: 'did you mean `rule`?' });
  });

  test('a misspelt rule item gets a did-you-mean hint', () => {
    expect(only('rule a {\n  shel "x"\n}')).toMatchObject({ message: 'unexpected `shel` in the rule `a`', hint: 'did you mean `shell`?' });
  });

  test('a rule item outside a rule says so', () => {
    expect(only('shell "x"').message).toBe('`shell` must be inside a rule');
  });

  test('a dotted name with an unknown scope in when is reported', () => {
    expect(only('rule a {\n  when foo.bar == 1\n}')).toMatchObject({ code: 'WF1003', span: { line: 2, column: 8, endColumn: 14 } });
  });

  test('an incomplete comparison names what may follow the operator', () => {
    expect(problems('rule a {\n  when obsid ==\n}')).toEqual([
      '2:16 WF1003 expected a value, a wildcard name, `config.NAME`, a function call or `(` after `==`, found the end of the line',
    ]);
  });

  test('an unclosed list does not swallow the next statement', () => {
    const { ast, diagnostics } = parse('config { a = [1, 2 }\nproduct x L1 "y"', 'f.wf');
    expect(diagnostics).toHaveLength(1);
    expect(ast?.statements.map((s) => s.kind)).toContain('product');
  });

  test('messages never mention token type names', () => {
    const texts = ['product', 'rule', 'rule r L1', 'wildcard', 'wildcard x', 'config', 'default', 'rule r { input all }', 'rule r { when ( }', 'rule r { retries "x" }'];
    for (const t of texts) {
      for (const d of parse(t, 'f.wf').diagnostics) {
        expect(d.message).not.toMatch(/StringLit|NumberLit|RegexLit|Identifier|LCurly|RCurly|Newline|EOF|Word|-->/);
      }
    }
  });
});

describe('error recovery', () => {
  test('two broken rules give two diagnostics and the good statements survive', () => {
    const text = [
      'product a L1 "a/{x}"',
      'rule one L1 {',
      '  input = ',
      '  output a',
      '  shell "x"',
      '}',
      'rule two L1 {',
      '  output',
      '  shell "y"',
      '}',
      'product b L2 "b/{x}"',
    ].join('\n');
    const { ast, diagnostics } = parse(text, 'f.wf');
    expect(diagnostics.map((d) => [d.code, d.span?.line])).toEqual([['WF1003', 3], ['WF1003', 8]]);
    expect(ast?.statements.map((s) => s.kind)).toEqual(['product', 'rule', 'rule', 'product']);
    const one = ast?.statements[1];
    expect(one?.kind === 'rule' && one.items.map((i) => i.kind)).toEqual(['output', 'shell']);
  });

  test('errors of different kinds in one file are all reported in source order', () => {
    const text = 'workflow "x\nproduct p "x"\nwildcard w = /(/\nproduct in L1 "y"\n';
    expect(parse(text, 'f.wf').diagnostics.map((d) => d.code)).toEqual(['WF1002', 'WF1003', 'WF1005', 'WF1006']);
  });

  test('at most one syntax error is reported per line', () => {
    const lines = parse('rule r { input = = = , output = = }', 'f.wf').diagnostics.map((d) => d.span?.line);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
