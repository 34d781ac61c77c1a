/**
 * The planner's memoizing stat (`planner/fs.ts`): with `stamps: 'when-read'`
 * a file's stamp is read by a second stat the first time it is asked, and it
 * is the same stamp an immediate stat gives; missing paths and directories
 * are answered by the first stat alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoizedStat, type PathStat } from '../../../src/planner/fs.js';
import { tempRoot } from '../../helpers/fs.js';

describe('memoizedStat', () => {
  it('gives the same answers whether stamps are read now or when first read', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'twelve bytes');
    execFileSync('touch', ['-d', '@1700000000.123456789', join(root, 'a.dat')]);
    mkdirSync(join(root, 'dir'));
    const now = new Map<string, PathStat | undefined>();
    const later = new Map<string, PathStat | undefined>();
    const eager = memoizedStat(root, now, 'now');
    const lazy = memoizedStat(root, later, 'when-read');
    for (const path of ['a.dat', 'dir', 'missing.dat']) {
      const a = eager(path);
      const b = lazy(path);
      expect(b?.isFile).toBe(a?.isFile);
      expect(b === undefined).toBe(a === undefined);
      if (a && b) expect([b.mtimeNs, b.size]).toEqual([a.mtimeNs, a.size]);
    }
    expect(now.get('a.dat')?.mtimeNs).toBe('1700000000123456789');
    expect(later.has('missing.dat') && later.get('missing.dat') === undefined).toBe(true);
  });

  it('reads the stamp once, when first asked, and keeps it', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'x');
    const memo = new Map<string, PathStat | undefined>();
    const stat = memoizedStat(root, memo, 'when-read');
    const found = stat('a.dat')!;
    writeFileSync(join(root, 'a.dat'), 'longer now');
    execFileSync('touch', ['-d', '@1700000000.5', join(root, 'a.dat')]);
    expect([found.mtimeNs, found.size]).toEqual(['1700000000500000000', 10]);
    writeFileSync(join(root, 'a.dat'), 'y');
    expect([found.mtimeNs, found.size]).toEqual(['1700000000500000000', 10]);
    expect(stat('a.dat')).toBe(found);
  });

  it('keeps what the first stat saw when the file is gone before its stamp is read', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'seven b');
    execFileSync('touch', ['-d', '@1700000000.5', join(root, 'a.dat')]);
    const found = memoizedStat(root, new Map(), 'when-read')('a.dat')!;
    rmSync(join(root, 'a.dat'));
    expect([found.isFile, found.mtimeNs, found.size]).toEqual([true, '1700000000500000000', 7]);
  });
});
