import { describe, expect, test } from 'vitest';
import { parseLiteral } from '../../../src/parser/index.js';

describe('parseLiteral', () => {
  test.each([
    ['1.5', 1.5],
    ['-3', -3],
    ['true', true],
    ['false', false],
    ['"x"', 'x'],
    ['"a\\"b"', 'a"b'],
    ['[1, "a"]', [1, 'a']],
    ['[]', []],
    ['{ a = 1, b = [true] }', { a: 1, b: [true] }],
    ['  42  ', 42],
  ])('reads %s as a .wf literal', (text, value) => {
    expect(parseLiteral(text)).toEqual(value);
  });

  test.each(['abc', '', '1 2', 'config.x', '"unterminated', '[1,', '1.2.3', 'L1', '/x/', '{ a = config.b }', 'x y'])(
    'returns undefined for %j, which is not one literal',
    (text) => {
      expect(parseLiteral(text)).toBeUndefined();
    },
  );

  test('parsing a literal does not disturb a later parse', async () => {
    const { parse } = await import('../../../src/parser/index.js');
    parseLiteral('[1,');
    expect(parse('workflow "a"', 'f.wf').diagnostics).toEqual([]);
  });
});
