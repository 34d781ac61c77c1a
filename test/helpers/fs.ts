/** Small file helpers for executor tests in mkdtemp directories. */
import { existsSync, readFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fresh temp directory. */
export function tempRoot(prefix = 'wf-exec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write `text` to `root/rel` (creating dirs), with mtime `epochSeconds` when given. */
export function put(root: string, rel: string, text: string, epochSeconds?: number): void {
  const abs = join(root, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  if (epochSeconds !== undefined) utimesSync(abs, epochSeconds, epochSeconds);
}

/** Resolve once `root/rel` exists (polled every 10 ms; rejects after `timeoutMs`). */
export async function waitForFile(path: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** True when process `pid` is alive (a zombie, dead but not yet reaped by init, counts as dead). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
