#!/usr/bin/env node
/**
 * Build: type-check with tsc, then bundle the CLI with esbuild into
 * dist/cli/main.js plus lazily loaded chunks (one per command), so that a
 * run resolves a handful of files instead of hundreds of modules (start-up
 * is most of a no-op run). Native addons stay external.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3'],
  // wf's version, so that a run need not find and read package.json (src/util/version.ts).
  define: { WF_BUNDLED_VERSION: JSON.stringify(version) },
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __wfCreateRequire } from 'node:module'; const require = __wfCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
