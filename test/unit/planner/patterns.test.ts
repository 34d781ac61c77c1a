import { describe, expect, it } from 'vitest';
import { compilePattern, matchPattern, renderPattern } from '../../../src/planner/patterns.js';

const none = new Map<string, string>();

describe('compiled patterns', () => {
  it('matches a path and returns the wildcard values', () => {
    const p = compilePattern('L2/{field}/{obsid}/img.fits', none)!;
    expect(matchPattern(p, 'L2/f1/0001/img.fits')).toEqual({ field: 'f1', obsid: '0001' });
    expect(matchPattern(p, 'L2/f1/a/b/img.fits')).toBeUndefined();
    expect(p.glob).toBe('L2/*/*/img.fits');
  });

  it('applies a declared constraint and requires a repeated wildcard to match the same value', () => {
    const p = compilePattern('raw/{obsid}/{obsid}.dat', new Map([['obsid', '[0-9]{4}']]))!;
    expect(matchPattern(p, 'raw/0001/0001.dat')).toEqual({ obsid: '0001' });
    expect(matchPattern(p, 'raw/0001/0002.dat')).toBeUndefined();
    expect(matchPattern(p, 'raw/abcd/abcd.dat')).toBeUndefined();
  });

  it('escapes glob metacharacters in literals and regex metacharacters in the match', () => {
    const p = compilePattern('data (v2)/[x] {id}+.txt', none)!;
    expect(p.glob).toBe('data \\(v2\\)/\\[x\\] *\\+.txt');
    expect(matchPattern(p, 'data (v2)/[x] 7+.txt')).toEqual({ id: '7' });
    expect(matchPattern(p, 'data (v2)/[x] 7+Xtxt')).toBeUndefined();
  });

  it('globs the whole literal prefix when a constraint can span directories', () => {
    const p = compilePattern('in/{path}/x.dat', new Map([['path', '.+']]))!;
    expect(p.glob).toBe('in/**');
    expect(matchPattern(p, 'in/a/b/x.dat')).toEqual({ path: 'a/b' });
  });

  it('renders with values', () => {
    const p = compilePattern('L1/{obsid}/evt.dat', none)!;
    expect(renderPattern(p, () => 'a b')).toBe('L1/a b/evt.dat');
  });
});
