import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from '../../../src/parser/index.js';
import type { RuleItem, Statement } from '../../../src/ir/nodes.js';

const example = readFileSync(new URL('./fixtures/spec-example.wf', import.meta.url), 'utf8');

function rule(statements: readonly Statement[], name: string): Extract<Statement, { kind: 'rule' }> {
  const r = statements.find((s) => s.kind === 'rule' && s.name === name);
  if (!r || r.kind !== 'rule') throw new Error(`no rule ${name}`);
  return r;
}

function item<K extends RuleItem['kind']>(items: readonly RuleItem[], kind: K): Extract<RuleItem, { kind: K }> {
  const found = items.find((i) => i.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as Extract<RuleItem, { kind: K }>;
}

describe('the spec §1 example', () => {
  const { ast, diagnostics } = parse(example, 'pipeline.wf');
  const statements = ast?.statements ?? [];

  test('parses with no diagnostics', () => {
    expect(diagnostics).toEqual([]);
    expect(statements.map((s) => s.kind)).toEqual([
      'workflow', 'include', 'config', 'wildcard',
      'product', 'product', 'product', 'product', 'product',
      'default', 'rule', 'rule', 'rule', 'rule',
    ]);
  });

  test('copies the file name into every span', () => {
    expect(ast?.file).toBe('pipeline.wf');
    expect(JSON.stringify(ast).match(/"file":"(?!pipeline\.wf")/g)).toBeNull();
  });

  test('reads config values, including a list and a decimal', () => {
    const config = statements[2];
    expect(config?.kind === 'config' && config.entries.map((e) => [e.key, e.value.kind])).toEqual([['gain', 'number'], ['exclude', 'list']]);
    expect(config?.kind === 'config' && config.entries[0]?.value).toMatchObject({ kind: 'number', value: 1.02 });
  });

  test('reads the wildcard regex between the slashes', () => {
    expect(statements[3]).toMatchObject({ kind: 'wildcard', name: 'obsid', regex: '[0-9]{4}', regexSpan: { line: 11, column: 18, endColumn: 27 } });
  });

  test('reads products with their level, pattern and keywords', () => {
    expect(statements[4]).toMatchObject({
      kind: 'product', name: 'telem', level: { text: 'L0', value: 0 }, pattern: 'raw/{obsid}/telem.dat', keywords: [],
      span: { line: 13, column: 1, endLine: 13, endColumn: 42 }, nameSpan: { line: 13, column: 9, endColumn: 13 },
    });
    const catalog = statements[8];
    expect(catalog).toMatchObject({ kind: 'product', name: 'catalog', level: { value: 3 } });
    expect(catalog?.kind === 'product' && catalog.keywords).toMatchObject([{ key: 'instrument', value: { kind: 'string', value: 'ACIS' } }]);
  });

  test('reads the default targets', () => {
    expect(statements[9]).toMatchObject({ kind: 'default', targets: [{ kind: 'name', name: 'catalog' }] });
  });

  test('reads named inputs, a path input, a temp output, params with a config reference and the shell', () => {
    const calibrate = rule(statements, 'calibrate');
    expect(calibrate.level).toMatchObject({ text: 'L1', value: 1 });
    expect(calibrate.span).toMatchObject({ line: 21, column: 1, endLine: 28, endColumn: 1 });
    expect(calibrate.items.map((i) => i.kind)).toEqual(['input', 'input', 'output', 'params', 'when', 'shell']);
    expect(calibrate.items[0]).toMatchObject({ name: 'raw', nameSpan: { line: 22, column: 10 }, ref: { kind: 'product', name: 'telem' } });
    expect(calibrate.items[1]).toMatchObject({ name: 'bias', ref: { kind: 'path', pattern: 'caldb/bias.dat' } });
    expect(calibrate.items[2]).toMatchObject({ kind: 'output', modifier: 'temp', ref: { kind: 'product', name: 'evt1' } });
    expect(item(calibrate.items, 'params').entries[0]).toMatchObject({ key: 'gain', value: { kind: 'config-ref', path: ['gain'] } });
    expect(item(calibrate.items, 'shell')).toMatchObject({
      value: 'calibrate --gain {params.gain} {input.raw} {input.bias} > {output}', triple: false, valueSpan: { line: 27, column: 10 },
    });
  });

  test('builds the when tree for `obsid not in config.exclude`', () => {
    const when = item(rule(statements, 'calibrate').items, 'when');
    expect(when.expr).toMatchObject({
      kind: 'binary', op: 'not-in',
      left: { kind: 'name', name: 'obsid', span: { line: 26, column: 10, endColumn: 14 } },
      right: { kind: 'member', scope: 'config', path: ['exclude'], span: { line: 26, column: 23, endColumn: 36 } },
      span: { line: 26, column: 10, endColumn: 36 },
    });
  });

  test('reads retries, timeout, resources and a dedented triple-quoted shell', () => {
    const filter = rule(statements, 'filter');
    expect(item(filter.items, 'retries').value).toBe(2);
    expect(item(filter.items, 'timeout').value).toBe('10m');
    expect(item(filter.items, 'resources').entries.map((e) => e.key)).toEqual(['cores', 'mem']);
    expect(item(filter.items, 'shell')).toMatchObject({ value: 'filter_events --in {input} --out {output}', triple: true, span: { line: 36, endLine: 38 } });
  });

  test('reads a gather input and a protected output', () => {
    const merge = rule(statements, 'merge');
    expect(merge.items[0]).toMatchObject({ kind: 'input', ref: { kind: 'gather', product: 'srclist', productSpan: { line: 48, column: 14 } } });
    expect(merge.items[1]).toMatchObject({ kind: 'output', modifier: 'protected', ref: { kind: 'product', name: 'catalog' } });
  });
});

describe('other statement forms', () => {
  test('a triple-quoted shell drops the first and last blank lines and the common indentation', () => {
    const text = ['rule r {', '  shell """', '      if true; then', '        echo "a \\n b"', '      fi', '', '      done', '  """', '}'].join('\n');
    const { ast, diagnostics } = parse(text, 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(item(rule(ast!.statements, 'r').items, 'shell').value).toBe('if true; then\n  echo "a \\n b"\nfi\n\ndone');
  });

  test('escapes in a quoted string are decoded', () => {
    const { ast } = parse('workflow "a\\"b\\\\c\\nd\\te"', 'f.wf');
    expect(ast?.statements[0]).toMatchObject({ name: 'a"b\\c\nd\te' });
  });

  test('default accepts names, levels and quoted paths', () => {
    const { ast, diagnostics } = parse('default catalog, L2, "L3/x.tsv"\n', 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(ast?.statements[0]).toMatchObject({
      targets: [{ kind: 'name', name: 'catalog' }, { kind: 'level', level: { text: 'L2', value: 2 } }, { kind: 'path', path: 'L3/x.tsv' }],
    });
  });

  test('a rule without a level, with comma-separated items on one line, parses', () => {
    const { ast, diagnostics } = parse('rule r { input a, output b, shell "x" }', 'f.wf');
    expect(diagnostics).toEqual([]);
    const r = rule(ast!.statements, 'r');
    expect(r.level).toBeUndefined();
    expect(r.items.map((i) => i.kind)).toEqual(['input', 'output', 'shell']);
  });

  test('lists and parentheses may span lines, and nested maps and negative numbers are values', () => {
    const text = 'config {\n  l = [\n    1,\n    -2.5, # c\n  ]\n  m = { a = true, b = { c = "x" } }\n}\nrule r {\n  when (a == 1\n    and b)\n}\n';
    const { ast, diagnostics } = parse(text, 'f.wf');
    expect(diagnostics).toEqual([]);
    const config = ast?.statements[0];
    expect(config?.kind === 'config' && config.entries[0]?.value).toMatchObject({ kind: 'list', items: [{ value: 1 }, { value: -2.5 }] });
    expect(config?.kind === 'config' && config.entries[1]?.value).toMatchObject({ kind: 'map', entries: [{ key: 'a' }, { key: 'b', value: { kind: 'map' } }] });
    expect(item(rule(ast!.statements, 'r').items, 'when').expr).toMatchObject({ kind: 'binary', op: 'and' });
  });

  test('when follows precedence: or < and < not < comparison, with calls and members', () => {
    const text = 'rule r {\n  when not a == 1 or exists("x/{a}") and header(input.raw, "K") >= -1.5 or wildcards.b in ["x", "y"]\n}';
    const { ast, diagnostics } = parse(text, 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(item(rule(ast!.statements, 'r').items, 'when').expr).toMatchObject({
      kind: 'binary', op: 'or',
      left: {
        kind: 'binary', op: 'or',
        left: { kind: 'not', operand: { kind: 'binary', op: '==', left: { kind: 'name', name: 'a' } } },
        right: {
          kind: 'binary', op: 'and',
          left: { kind: 'call', callee: 'exists', args: [{ kind: 'literal', value: { kind: 'string', value: 'x/{a}' } }] },
          right: { kind: 'binary', op: '>=', left: { kind: 'call', callee: 'header', args: [{ kind: 'member', scope: 'input', path: ['raw'] }, { kind: 'literal' }] }, right: { kind: 'literal', value: { value: -1.5 } } },
        },
      },
      right: { kind: 'binary', op: 'in', left: { kind: 'member', scope: 'wildcards', path: ['b'] }, right: { kind: 'literal', value: { kind: 'list' } } },
    });
  });

  test('reserved words may be keys inside blocks and names after a dot', () => {
    const { ast, diagnostics } = parse('config {\n  log = "x"\n  input = { rule = 1 }\n}\nrule r {\n  params { p = config.input.rule }\n  when config.log == "x"\n}', 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(ast?.statements[0]).toMatchObject({ kind: 'config', entries: [{ key: 'log' }, { key: 'input' }] });
    expect(item(rule(ast!.statements, 'r').items, 'params').entries[0]?.value).toMatchObject({ kind: 'config-ref', path: ['input', 'rule'] });
  });

  test('a regex may hold `/` inside a class or escaped', () => {
    const { ast, diagnostics } = parse('wildcard p = /[a/b]+\\/x/', 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(ast?.statements[0]).toMatchObject({ regex: '[a/b]+\\/x' });
  });

  test('comments may hold quotes and a `#` inside a string is not a comment', () => {
    const { ast, diagnostics } = parse('# "unterminated\nworkflow "a#b" # c "d\n', 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(ast?.statements[0]).toMatchObject({ name: 'a#b' });
  });

  test('CRLF line endings parse like LF', () => {
    const { ast, diagnostics } = parse('workflow "a"\r\nproduct p L1 "x"\r\n', 'f.wf');
    expect(diagnostics).toEqual([]);
    expect(ast?.statements).toHaveLength(2);
  });

  test('an empty file parses to no statements', () => {
    expect(parse('', 'f.wf')).toEqual({ ast: { file: 'f.wf', statements: [] }, diagnostics: [] });
  });
});
