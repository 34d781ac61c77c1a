/**
 * A cache of the checked workflow model in `.wf/model.json`, so that a run
 * whose `.wf` files did not change skips lexing, parsing and checking — and
 * never loads the parser (STYLE §7: the no-op run must be near-instant).
 *
 * The key is the wf version, the working directory (diagnostic spans hold
 * paths relative to it) and the (mtime ns, size) stamp of every loaded file.
 * Any mismatch, or an unreadable cache, is a miss: the caller loads and
 * checks as usual. Only error-free models are cached. Must not import the
 * parser or the checker.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Workflow } from '../ir/model.js';

const CACHE_FILE = join('.wf', 'model.json');
const FORMAT = 1;

interface CacheFile {
  readonly format: number;
  readonly version: string;
  readonly cwd: string;
  /** `[absolute path, mtimeNs, size]` of every loaded workflow file. */
  readonly stamps: readonly (readonly [string, string, number])[];
  readonly workflow: unknown;
}

/** The cached model for `mainFile` (absolute), or undefined on any mismatch. Reads 1 + one stat per workflow file. */
export function readCachedWorkflow(mainFile: string, version: string, cwd: string): Workflow | undefined {
  let cache: CacheFile;
  try {
    cache = JSON.parse(readFileSync(join(dirname(mainFile), CACHE_FILE), 'utf8'), revive) as CacheFile;
  } catch {
    return undefined;
  }
  if (cache.format !== FORMAT || cache.version !== version || cache.cwd !== cwd || !Array.isArray(cache.stamps)) return undefined;
  if (cache.stamps[0]?.[0] !== mainFile) return undefined;
  for (const [path, mtimeNs, size] of cache.stamps) {
    const now = stampOf(path);
    if (!now || now[0] !== mtimeNs || now[1] !== size) return undefined;
  }
  return cache.workflow as Workflow;
}

/**
 * Store `workflow` (checked, error-free) for later runs. Written to a temp
 * file and renamed, so a crash never leaves a torn cache. Failures to write
 * are ignored: the cache is an optimisation only.
 */
export function writeCachedWorkflow(workflow: Workflow, version: string, cwd: string): void {
  const stamps: [string, string, number][] = [];
  for (const file of workflow.files) {
    const s = stampOf(file);
    if (!s) return;
    stamps.push([file, s[0], s[1]]);
  }
  const body: CacheFile = { format: FORMAT, version, cwd, stamps, workflow };
  const target = join(workflow.root, CACHE_FILE);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(body, replace));
    renameSync(tmp, target);
  } catch {
    // read-only tree or full disk: run without the cache
  }
}

function stampOf(path: string): [string, number] | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return [String(s.mtimeNs), Number(s.size)];
  } catch {
    return undefined;
  }
}

/** JSON has no Map: store `{ "$map": [[k, v], …] }` and revive it. */
function replace(_key: string, value: unknown): unknown {
  return value instanceof Map ? { $map: [...value.entries()] } : value;
}

function revive(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$map' in value && Object.keys(value).length === 1) {
    return new Map((value as { $map: [unknown, unknown][] }).$map);
  }
  return value;
}
