/**
 * Test helper: an in-memory planner {@link FileSystem}. Understands the globs
 * the planner generates (`*`, `**`, `\`-escapes); records every call so tests
 * can assert that each pattern is globbed once.
 */
import type { FileSystem } from '../../src/planner/fs.js';

/** A {@link FileSystem} over a fixed set of files, plus call counters. */
export interface MemoryFileSystem extends FileSystem {
  readonly globCalls: string[];
  readonly existsCalls: string[];
}

function globToRegex(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '\\') {
      re += glob[i + 1]!.replace(/[\\^$.*+?()[\]{}|/]/g, (x) => `\\${x}`);
      i += 1;
    } else if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += 1;
    } else if (c === '*') {
      re += '[^/]*';
    } else {
      re += c.replace(/[\\^$.*+?()[\]{}|/]/g, (x) => `\\${x}`);
    }
  }
  return new RegExp(`${re}$`);
}

/** Files by root-relative path → contents (string or bytes). */
export function memoryFs(files: Readonly<Record<string, string | Uint8Array>>): MemoryFileSystem {
  const globCalls: string[] = [];
  const existsCalls: string[] = [];
  const paths = Object.keys(files);
  return {
    globCalls,
    existsCalls,
    async glob(pattern) {
      globCalls.push(pattern);
      const re = globToRegex(pattern);
      return paths.filter((p) => re.test(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    exists(relPath) {
      existsCalls.push(relPath);
      return relPath in files || paths.some((p) => p.startsWith(`${relPath}/`));
    },
    readHead(relPath, maxBytes) {
      const c = files[relPath];
      if (c === undefined) return undefined;
      const bytes = typeof c === 'string' ? new TextEncoder().encode(c) : c;
      return bytes.subarray(0, maxBytes);
    },
  };
}
