/**
 * The version of wf: fixed into the bundle at build time (`scripts/build.mjs`
 * defines `WF_BUNDLED_VERSION`), else read once from the package.json above
 * this module (running from src/ under the test runner).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by the bundler with package.json's version; undeclared when running from src/. */
declare const WF_BUNDLED_VERSION: string | undefined;

let cached: string | undefined;

/** wf's version string, e.g. `"0.1.0"`; `"unknown"` if no package.json is found. */
export function wfVersion(): string {
  if (cached !== undefined) return cached;
  if (typeof WF_BUNDLED_VERSION === 'string') return (cached = WF_BUNDLED_VERSION);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wf' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return (cached = 'unknown');
}
