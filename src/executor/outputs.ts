/**
 * File chores around a job (spec §3 "Failure", §6 "Up to date", "Logs"):
 * remove existing outputs before it runs (refusing protected ones without
 * `--force`), create output and log directories, verify declared outputs
 * after it ran, remove outputs of a failed or interrupted attempt, make
 * protected outputs read-only, delete temp outputs, and read a log tail.
 * Keeps {@link StampCache} in step with every change it makes.
 */
import { chmodSync, closeSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RelPath } from '../ir/ids.js';
import type { Job } from '../ir/plan.js';
import type { StampCache } from './stamps.js';

/**
 * Get a job ready to run. Returns the first protected output that exists
 * (the caller fails the job with WF3004) unless `force`; otherwise removes
 * every existing output and creates the output and log directories.
 * Throws on I/O errors other than a missing file.
 */
export function prepareOutputs(job: Job, stamps: StampCache, force: boolean): { protectedPath?: RelPath } {
  if (!force) {
    for (const o of job.outputs) if (o.protected && stamps.stat(o.path) !== null) return { protectedPath: o.path };
  }
  // Before the job ran, the run's stamps know what exists: no syscall for outputs known missing.
  for (const path of job.outputPaths) if (stamps.stat(path) !== null) removePath(path, stamps);
  makeOutputDirs(job, stamps);
  return {};
}

/** The directories of the job's outputs and log, absolute. */
function outputDirs(job: Job, stamps: StampCache): string[] {
  return [...job.outputPaths.map((p) => dirname(stamps.abs(p))), dirname(stamps.abs(job.logPath))];
}

/** Create the directories of the job's outputs and log (each once per run: {@link StampCache.ensureDir}). Throws on I/O errors. */
function makeOutputDirs(job: Job, stamps: StampCache): void {
  for (const d of outputDirs(job, stamps)) stamps.ensureDir(d);
}

/**
 * Start creating the job's output and log directories off the event loop
 * ({@link StampCache.makeDirSoon}), for a job about to start: creating a
 * directory can take most of a millisecond, which would otherwise delay its
 * start. {@link prepareOutputs} makes any that are not made yet itself.
 */
export function makeOutputDirsSoon(job: Job, stamps: StampCache): void {
  for (const d of outputDirs(job, stamps)) stamps.makeDirSoon(d);
}

/** Remove every declared output that exists (never the log). Directories outputs are removed recursively. */
export function removeOutputs(job: Job, stamps: StampCache): void {
  for (const path of job.outputPaths) removePath(path, stamps);
}

/** Remove one file (or directory tree); missing is fine. */
export function removePath(path: RelPath, stamps: StampCache): void {
  rmSync(stamps.abs(path), { force: true, recursive: true });
  stamps.forget(path);
}

/** Re-stat every output after the job exited; returns the declared outputs that do not exist, in declaration order. */
export function verifyOutputs(job: Job, stamps: StampCache): RelPath[] {
  const missing: RelPath[] = [];
  for (const path of job.outputPaths) if (stamps.restat(path) === null) missing.push(path);
  return missing;
}

/** Make protected outputs read-only (`chmod a-w`); chmod keeps mtime, so stamps stay valid. */
export function protectOutputs(job: Job, stamps: StampCache): void {
  for (const o of job.outputs) {
    if (!o.protected) continue;
    const abs = stamps.abs(o.path);
    chmodSync(abs, statSync(abs).mode & ~0o222);
  }
}

/**
 * The header line of an attempt's log, newline included: `=== wf: JOB
 * attempt N/M, ISO-TIME ===` (ISO-TIME: `toISOString()`, UTC, ms). The
 * direct launcher rewrites ISO-TIME of a job queued behind another to the
 * time it started (direct-launcher.ts), so keep it last.
 */
export function logHeader(id: string, attempt: number, maxAttempts: number): string {
  return `=== wf: ${id} attempt ${attempt}/${maxAttempts}, ${new Date().toISOString()} ===\n`;
}

/**
 * Start (truncate) or continue (append) a log with its header line, for
 * runners whose jobs cannot do it themselves. The directory must exist ({@link prepareOutputs}).
 */
export function writeLogHeader(absLog: string, header: string, truncate: boolean): void {
  writeFileSync(absLog, header, { flag: truncate ? 'w' : 'a' });
}

/** The last `maxLines` lines of a log (reads at most the last 16 KiB); [] when unreadable. */
export function readLogTail(absLog: string, maxLines = 20): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(absLog, 'r');
    const size = statSync(absLog).size;
    const len = Math.min(size, 16 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (len < size) lines.shift(); // probably a partial first line
    return lines.slice(-maxLines);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `600000` → `"10m"`; whole hours/minutes/seconds when exact, else ms. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
