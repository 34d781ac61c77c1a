import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../../src/checker/values.js';
import { suggest } from '../../../src/diagnostics/spellcheck.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
  ])('reads %s as %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '10', '10 minutes', '0s', '30m1h', '1m1m', 'm'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('parseSize', () => {
  it.each([
    ['2GiB', 2_147_483_648],
    ['512MiB', 536_870_912],
    ['1.5GB', 1_500_000_000],
    ['100M', 100_000_000],
    ['4096', 4096],
    ['1kib', 1024],
  ])('reads %s as %i bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it.each(['', 'GiB', '2 parsecs', '0MiB', '-1G'])('rejects %j', (text) => expect(parseSize(text)).toBeUndefined());
});

describe('suggest', () => {
  it('finds a close candidate and ignores far ones', () => {
    expect(suggest('evt', ['evt1', 'evt2', 'catalog'])).toBe('evt1');
    expect(suggest('Catalog', ['catalog'])).toBe('catalog');
    expect(suggest('xyz', ['catalog', 'evt1'])).toBeUndefined();
  });
});
