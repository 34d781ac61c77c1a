/**
 * The planner's stats (`planner/fs.ts`): `memoizedStat` reads each stamp with
 * the stat that finds the file and keeps every answer; `laterStat` keeps
 * nothing and reads a file's stamp by a second stat the first time it is
 * asked, the same stamp an immediate stat gives; missing paths and
 * directories are answered by the first stat alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { laterStat, memoizedStat, type PathStat } from '../../../src/planner/fs.js';
import { tempRoot } from '../../helpers/fs.js';

describe('memoizedStat and laterStat', () => {
  it('give the same answers whether stamps are read now or when first read', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'twelve bytes');
    execFileSync('touch', ['-d', '@1700000000.123456789', join(root, 'a.dat')]);
    mkdirSync(join(root, 'dir'));
    const memo = new Map<string, PathStat | undefined>();
    const eager = memoizedStat(root, memo);
    const lazy = laterStat(root);
    for (const path of ['a.dat', 'dir', 'missing.dat']) {
      const a = eager(path);
      const b = lazy(path);
      expect(b?.isFile).toBe(a?.isFile);
      expect(b === undefined).toBe(a === undefined);
      if (a && b) expect([b.mtimeNs, b.size]).toEqual([a.mtimeNs, a.size]);
    }
    expect(memo.get('a.dat')?.mtimeNs).toBe('1700000000123456789');
    expect(memo.has('missing.dat') && memo.get('missing.dat') === undefined).toBe(true);
  });

  it('memoizedStat reads the stamp when it finds the file and stats it once', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'x');
    execFileSync('touch', ['-d', '@1700000000.25', join(root, 'a.dat')]);
    const stat = memoizedStat(root, new Map());
    const found = stat('a.dat')!;
    writeFileSync(join(root, 'a.dat'), 'longer now');
    expect([found.mtimeNs, found.size]).toEqual(['1700000000250000000', 1]);
    expect(stat('a.dat')).toBe(found);
  });

  it('laterStat reads the stamp once, when first asked, keeps it in the answer, and keeps no answer', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'x');
    const stat = laterStat(root);
    const found = stat('a.dat')!;
    writeFileSync(join(root, 'a.dat'), 'longer now');
    execFileSync('touch', ['-d', '@1700000000.5', join(root, 'a.dat')]);
    expect([found.mtimeNs, found.size]).toEqual(['1700000000500000000', 10]);
    writeFileSync(join(root, 'a.dat'), 'y');
    expect([found.mtimeNs, found.size]).toEqual(['1700000000500000000', 10]);
    const again = stat('a.dat')!;
    expect(again).not.toBe(found);
    expect(again.size).toBe(1);
  });

  it('laterStat keeps what the first stat saw when the file is gone before its stamp is read', () => {
    const root = tempRoot('wf-fs-');
    writeFileSync(join(root, 'a.dat'), 'seven b');
    execFileSync('touch', ['-d', '@1700000000.5', join(root, 'a.dat')]);
    const found = laterStat(root)('a.dat')!;
    rmSync(join(root, 'a.dat'));
    expect([found.isFile, found.mtimeNs, found.size]).toEqual([true, '1700000000500000000', 7]);
  });
});
