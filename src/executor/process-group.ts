/**
 * Signalling whole process groups (a job and everything it started). Shared
 * by the runner (timeouts, interrupts) and the lock (a dead run's leftovers).
 */

/**
 * Send `sig` to process group `pgid` (0 only checks existence). True when the
 * group exists (EPERM counts as existing), false when it is gone.
 * Throws only on unexpected errors.
 */
export function killGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw e;
  }
}

/** True when process `pid` exists (EPERM: exists, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
