/**
 * A CI-sized run of the peer benchmark harness (bench/bench.mjs --smoke), so
 * it never rots. Asserts what the harness produces, never timings.
 * Needs the shared peer kit (../shared/bench/peers, or $WF_BENCH_PEERS) and
 * GNU make and time, as CI has.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/cli.js';

interface Row {
  scenario: string;
  n: number;
  tool: string;
  median_s: number;
  median_gnu_time_s: number;
  outputs_written: number[];
  rc: number[];
}

/** The shared peer kit: beside the repository in CI and for developers; a plain clone of wf has none. */
const PEERS = process.env['WF_BENCH_PEERS'] ?? join(REPO, '../shared/bench/peers');
const hasPeers = existsSync(join(PEERS, 'gen.py'));
if (!hasPeers && !process.env['CI']) console.warn(`bench smoke test not run: no peer kit at ${PEERS} (set WF_BENCH_PEERS)`);

// In CI the kit is always there, so the test runs (and fails loudly if the kit went missing).
describe.runIf(hasPeers || process.env['CI'])('the peer benchmark harness', () => {
  it('runs every scenario for wf and make and writes the table and the JSON', async () => {
    const out = tempDir('wf-bench-');
    const r = await execa('node', [join(REPO, 'bench/bench.mjs'), '--smoke', '--no-install', '--out', out, '--work', join(out, 'work')], {
      reject: false,
      cwd: REPO,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const { machine, results } = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as {
      machine: { cores: number; wrapper_ms: number };
      results: Row[];
    };
    expect(machine.cores).toBeGreaterThan(0);
    // wall times come from the monotonic clock less GNU time's own cost; GNU time's figure is kept beside them
    expect(machine.wrapper_ms).toBeGreaterThan(0);
    for (const row of results) {
      expect(row.median_s).toBeGreaterThan(0);
      expect(typeof row.median_gnu_time_s).toBe('number');
    }
    const scenarios = new Set(results.map((x) => `${x.scenario}/${x.n}`));
    expect(scenarios.size).toBe(7);
    for (const row of results) expect(row.rc.every((c) => c === 0), `${row.tool} ${row.scenario}`).toBe(true);
    const wf = (scenario: string) => results.filter((x) => x.tool === 'wf' && x.scenario === scenario);
    // every job of a full build written once; a no-op writes nothing; touch-one rewrites exactly 4 outputs
    for (const row of wf('full')) expect(row.outputs_written).toEqual([3 * row.n + 1]);
    for (const row of wf('noop')) expect(row.outputs_written).toEqual([0]);
    for (const row of wf('touch1')) expect(row.outputs_written).toEqual([4]);
    for (const row of results.filter((x) => x.tool === 'make' && x.scenario === 'touch1')) expect(row.outputs_written).toEqual([4]);
    const table = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(table).toMatch(/\| touch1 \| 50 \(151\) \| make \|/);
    // the dry-run rows carry the Node floor (bench/dry-floor.mjs), which prints what wf prints
    expect(results.filter((x) => x.tool === 'node-floor').map((x) => x.scenario)).toEqual(['dryrun', 'dryrun']);
    expect(table).toMatch(/`node-floor` is not a tool but `bench\/dry-floor.mjs`.*N=200: [0-9.]+ s, wf [0-9.]+ × that/);
    expect(readFileSync(join(out, 'shapes.md'), 'utf8')).toMatch(/deep chain \(depth 20\) \| 2001 \|/);
  }, 300_000);
});

describe.runIf(hasPeers || process.env['CI'])('the dry-run floor (bench/dry-floor.mjs)', () => {
  it('prints exactly what wf run -n prints on a clean generated tree', async () => {
    const dir = join(tempDir('wf-floor-'), 'tree');
    await execa('python3', [join(PEERS, 'gen.py'), '--n', '30', '--out', dir]);
    const floor = await execa('node', [join(REPO, 'bench/dry-floor.mjs')], { cwd: dir });
    const dry = await execa('node', [join(REPO, 'dist/cli/main.js'), 'run', '-n'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(floor.stdout.split('\n')).toHaveLength(92);
    expect(floor.stdout).toBe(dry.stdout);
  }, 60_000);
});

describe('the DAG-shape growth check', () => {
  it('plans every shape at two sizes with the expected job counts and writes its table', async () => {
    const out = tempDir('wf-shapes-');
    const r = await execa('node', [join(REPO, 'bench/shapes.mjs'), '--scale', '0.05', '--reps', '1', '--out', out], { reject: false, cwd: REPO });
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'shapes.md'), 'utf8')
      .split('\n')
      .filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| shape'));
    expect(rows).toHaveLength(4);
    // two wildcards at n=200 and 800: 8 chips per observation, one merge per observation, one catalogue
    expect(rows[0]).toMatch(/^\| two wildcards, gather per group \| 1801 \|.*\| 7201 \|/);
  }, 240_000);
});
