/**
 * End-to-end helpers: run the built `wf` CLI (dist/cli/main.js) as a real
 * process in a temp directory, and prepare such directories from examples/.
 */
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, utimesSync, writeFileSync, mkdirSync, readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI entry point. */
export const WF = join(REPO, 'dist/cli/main.js');

/** What a finished `wf` process gave. */
export interface WfResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `wf ARGS…` in `cwd` with colours off; never rejects. */
export async function wf(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<WfResult> {
  const r = await execa('node', [WF, ...args], { cwd, reject: false, env: { NO_COLOR: '1', ...env }, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A fresh temp directory. */
export function tempDir(prefix = 'wf-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copy `examples/NAME` (sources only, no products or .wf state) into a fresh temp dir. */
export function copyExample(name: string): string {
  const dir = tempDir(`wf-${name}-`);
  cpSync(join(REPO, 'examples', name), dir, {
    recursive: true,
    filter: (src) => !/\/(L1|L2|L3|\.wf)(\/|$)/.test(src.slice(join(REPO, 'examples', name).length)),
  });
  return dir;
}

/** Write files (path → content) under `dir`, creating directories. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Set a file's mtime (and atime) to `seconds` since the epoch. */
export function setMtime(path: string, seconds: number): void {
  utimesSync(path, seconds, seconds);
}

/** Read a file as text. */
export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** True when the path exists. */
export function exists(path: string): boolean {
  return existsSync(path);
}

/** mtime in ms of a file. */
export function mtimeMs(path: string): number {
  return statSync(path).mtimeMs;
}

/** The job ids a dry run would run, parsed from `wf run -n` stdout (one `  ID` per line). */
export function dryRunJobs(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim().split(':')[0]!)
    .sort();
}

/** SHA-256 of every file under the given level directories of `dir`, keyed by path relative to `dir`. */
export function treeHashes(dir: string, levels: readonly string[] = ['L0', 'L0.5', 'L1', 'L2', 'L3']): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  for (const level of levels) if (existsSync(join(dir, level))) walk(join(dir, level));
  return out;
}
