/**
 * One `wf run` per workflow directory (spec §3 "Concurrency"): the lock file
 * `ROOT/.wf/lock` holds `{pid, host, startedAt}` and is created atomically
 * (written to a temp file, then hard-linked into place, which fails if the
 * lock exists). A lock of a live process → WF3005; of a dead process on this
 * host → its recorded job process groups are killed and the lock is taken
 * over with WF3006.
 */
import { hostname } from 'node:os';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { isProcessAlive, killGroup } from './process-group.js';
import { STATE_DIR } from './state-store.js';
import { openRunStore } from '../store/state.js';

/** Contents of the lock file. `startedAt`: ISO 8601 time the holder took it. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** A held lock; pass it to {@link releaseLock}. `path` is absolute. */
export interface Lock {
  readonly path: string;
  readonly info: LockInfo;
}

/** The outcome of {@link acquireLock}: the lock and warnings (WF3006), or the WF3005 error. */
export type LockResult = { readonly ok: true; readonly lock: Lock; readonly warnings: readonly Diagnostic[] } | { readonly ok: false; readonly diagnostic: Diagnostic };

const LOCK_FILE = 'lock';

function readInfo(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string') return v as LockInfo;
  } catch {
    // unreadable or garbled: treated as stale below
  }
  return undefined;
}

/**
 * Kill the process groups a dead run recorded (`spawned` records newer than
 * its lock) whose jobs never finished. Returns how many groups were signalled.
 */
function killLeftovers(root: string, since: number): number {
  let killed = 0;
  const store = openRunStore(root);
  for (const rec of store.live()) {
    if (rec.t === 'spawned' && rec.at >= since && killGroup(rec.pgid, 'SIGKILL')) killed++;
  }
  store.close();
  return killed;
}

/**
 * Take `ROOT/.wf/lock` (creating `.wf/`). Never throws for a held lock;
 * throws only on unexpected I/O errors. A lock of another host is treated as
 * held (its process cannot be checked from here).
 */
export function acquireLock(root: string): LockResult {
  const dir = join(root, STATE_DIR);
  const path = join(dir, LOCK_FILE);
  mkdirSync(dir, { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info) + '\n');
  const warnings: Diagnostic[] = [];
  try {
    for (let tries = 0; tries < 3; tries++) {
      try {
        linkSync(tmp, path);
        return { ok: true, lock: { path, info }, warnings };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readInfo(path);
      if (holder && (holder.host !== info.host || isProcessAlive(holder.pid))) {
        return {
          ok: false,
          diagnostic: error(
            'WF3005',
            `another wf run (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}) holds ${STATE_DIR}/${LOCK_FILE}`,
            undefined,
            holder.host !== info.host ? `if that run is gone, remove ${path}` : 'wait for it to finish, or stop it',
          ),
        };
      }
      const since = holder ? Date.parse(holder.startedAt) : 0;
      const killed = killLeftovers(root, Number.isNaN(since) ? 0 : since);
      // Re-check just before removing: another wf may have taken over meanwhile.
      const again = readInfo(path);
      if (JSON.stringify(again) !== JSON.stringify(holder)) continue;
      try {
        unlinkSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      warnings.push(
        warning(
          'WF3006',
          holder
            ? `took over a stale lock of wf pid ${holder.pid} on ${holder.host} (started ${holder.startedAt}), which is no longer running`
            : `took over an unreadable lock file ${STATE_DIR}/${LOCK_FILE}`,
          undefined,
          killed > 0 ? `killed ${killed} leftover job process group(s) of that run` : undefined,
        ),
      );
    }
    throw new Error(`internal error: could not take ${path} after 3 attempts`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

/** Release a lock taken by {@link acquireLock}; leaves a lock that is no longer ours alone. Never throws. */
export function releaseLock(lock: Lock): void {
  const cur = readInfo(lock.path);
  if (!cur || cur.pid !== lock.info.pid || cur.startedAt !== lock.info.startedAt) return;
  try {
    unlinkSync(lock.path);
  } catch {
    // already gone
  }
}
