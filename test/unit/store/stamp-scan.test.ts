/**
 * The worker-thread half of the snapshot check (`store/stamp-scan.ts`): it
 * reports exactly the files whose stamp differs from the record, missing
 * ones included, with their indices in the whole list.
 */
import { appendFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInWorker } from '../../../src/store/stamp-scan.js';
import { put, tempRoot } from '../../helpers/fs.js';

describe('scanning stamps in a worker thread', () => {
  it('reports changed, touched and deleted files and nothing else, indexed in the whole list', async () => {
    const root = tempRoot('wf-scan-');
    const paths = Array.from({ length: 40 }, (_, i) => `d${i % 4}/f${i}.txt`);
    for (const p of paths) put(root, p, `file ${p}\n`);
    const stamp = (p: string) => statSync(join(root, p), { bigint: true });
    const mtimes: (string | null)[] = paths.map((p) => stamp(p).mtimeNs.toString());
    const sizes = paths.map((p) => Number(stamp(p).size));
    mtimes[39] = null; // recorded absent, still absent below: no change
    rmSync(join(root, paths[39]!));
    appendFileSync(join(root, paths[12]!), 'more\n'); // size and mtime
    utimesSync(join(root, paths[20]!), 1000, 1000); // mtime only
    rmSync(join(root, paths[30]!)); // recorded present, now absent
    appendFileSync(join(root, paths[3]!), 'before the scanned part\n'); // the caller's part: not reported
    const scan = scanInWorker(`${root}/`, { paths, mtimes, sizes }, 10);
    const changes = await scan.changes;
    expect(changes.map((c) => c.index)).toEqual([12, 20, 30]);
    expect(changes[0]!.stamp).toEqual({ mtimeNs: stamp(paths[12]!).mtimeNs.toString(), size: sizes[12]! + 5 });
    expect(changes[1]!.stamp!.mtimeNs).toBe('1000000000000');
    expect(changes[2]!.stamp).toBeNull();
  });
});
