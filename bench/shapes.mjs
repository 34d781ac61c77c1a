#!/usr/bin/env node
/**
 * Growth check on DAG shapes other than the shared peer workload (issue 4:
 * "no step may be quadratic in jobs, files or wildcard values"). For each
 * shape, generates a workflow and its source files at a base size and at 4×
 * that size, times `wf run -n` (discovery, expansion, joins, gathers,
 * ordering and the freshness scan of a clean tree) after one warm-up, and
 * reports the time ratio against the job ratio: linear growth gives a time
 * ratio close to the job ratio (start-up makes it a little lower), quadratic
 * growth about 4× higher.
 *
 * usage: node bench/shapes.mjs [--reps N] [--scale K]   (writes bench/results/shapes.md)
 *   --scale K   multiply the base sizes by K (default 1; CI smoke uses a fraction)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const WF = join(REPO, 'bin/wf');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const REPS = opt('--reps', 3);
const SCALE = opt('--scale', 1);
const OUT = resolve(argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : join(REPO, 'bench/results'));

const pad = (i) => String(i).padStart(6, '0');

/** Each shape: a workflow text and the source files for size n; `jobs(n)` is the planned job count. */
const SHAPES = {
  'two wildcards, gather per group': {
    base: 4000,
    wf: () => `
wildcard obs = /o[0-9]+/
wildcard chip = /c[0-9]+/
product raw    L0 "raw/{obs}/{chip}.dat"
product evt    L1 "L1/{obs}/{chip}.evt"
product merged L2 "L2/{obs}/merged.evt"
product cat    L3 "L3/catalog.dat"
default cat
rule cal L1 { input raw, output evt, shell "cp {input} {output}" }
rule merge L2 { input all evt, output merged, shell "cat {input} > {output}" }
rule final L3 { input all merged, output cat, shell "cat {input} > {output}" }
`,
    files: (n) => {
      const out = [];
      for (let o = 0; o < n; o++) for (let c = 0; c < 8; c++) out.push(`raw/o${pad(o)}/c${c}.dat`);
      return out;
    },
    jobs: (n) => n * 8 + n + 1,
  },
  'deep chain (depth 20)': {
    base: 2000,
    wf: () => {
      let t = 'wildcard obs = /o[0-9]+/\nproduct s0 L0 "raw/{obs}.dat"\n';
      for (let d = 1; d <= 20; d++) t += `product s${d} L${d} "L${d}/{obs}.dat"\n`;
      t += 'product top L21 "top.dat"\ndefault top\n';
      for (let d = 1; d <= 20; d++) t += `rule r${d} L${d} { input s${d - 1}, output s${d}, shell "cp {input} {output}" }\n`;
      t += 'rule gather L21 { input all s20, output top, shell "cat {input} > {output}" }\n';
      return t;
    },
    files: (n) => Array.from({ length: n }, (_, o) => `raw/o${pad(o)}.dat`),
    jobs: (n) => n * 20 + 1,
  },
  'join of two sources on a wildcard': {
    base: 16000,
    wf: () => `
wildcard obs = /o[0-9]+/
product evt  L0 "raw/{obs}/evt.dat"
product cal  L0 "cal/{obs}.cal"
product clean L1 "L1/{obs}.dat"
default clean
rule apply L1 { input e = evt, input c = cal, output clean, shell "cat {input.c} {input.e} > {output}" }
`,
    files: (n) => Array.from({ length: n }, (_, o) => [`raw/o${pad(o)}/evt.dat`, `cal/o${pad(o)}.cal`]).flat(),
    jobs: (n) => n,
  },
  'wide fan-in: many groups and one global gather': {
    base: 4000,
    wf: () => `
wildcard field = /f[0-9]+/
wildcard obs = /o[0-9]+/
product raw    L0 "raw/{field}/{obs}.dat"
product evt    L1 "L1/{field}/{obs}.evt"
product mosaic L2 "L2/{field}.mosaic"
product all_obs L3 "L3/all.lst"
default mosaic, all_obs
rule cal L1 { input raw, output evt, shell "cp {input} {output}" }
rule stack L2 { input all evt, output mosaic, shell "cat {input} > {output}" }
rule index L3 { input all evt, output all_obs, shell "ls {input} > {output}" }
`,
    files: (n) => {
      const out = [];
      for (let f = 0; f < n / 10; f++) for (let o = 0; o < 40; o++) out.push(`raw/f${pad(f)}/o${pad(o)}.dat`);
      return out;
    },
    jobs: (n) => (n / 10) * 40 + n / 10 + 1,
  },
};

function tree(name, shape, n) {
  const dir = join(tmpdir(), `wf-shapes-${name.replace(/\W+/g, '-')}-${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'workflow.wf'), shape.wf(n));
  const made = new Set();
  for (const f of shape.files(n)) {
    const d = dirname(join(dir, f));
    if (!made.has(d)) mkdirSync(d, { recursive: true }), made.add(d);
    writeFileSync(join(dir, f), `${f}\n`);
  }
  return dir;
}

/**
 * One timed `wf run -n` in `dir`: wall seconds from the monotonic clock (GNU
 * time's `%e` truncates to 10 ms; its own few ms are in the start-up row too,
 * and cancel out), peak MB from GNU time, the plan's job count.
 */
function dryRun(dir) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', WF, 'run', '-n'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`wf run -n failed in ${dir}:\n${r.stderr.slice(-3000)}`);
  const kb = Number(r.stderr.trim().split('\n').pop().split(' ')[1]);
  const m = /would run (\d+) of (\d+)/.exec(r.stdout);
  return { wall, mb: kb / 1024, jobs: m ? Number(m[2]) : NaN };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Fixed cost of a dry run (start-up, loading): one job.
const startup = (() => {
  const dir = join(tmpdir(), 'wf-shapes-startup');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'raw'), { recursive: true });
  writeFileSync(join(dir, 'raw/a.dat'), 'a\n');
  writeFileSync(join(dir, 'workflow.wf'), 'product raw L0 "raw/a.dat"\nproduct out L1 "out.dat"\ndefault out\nrule copy L1 { input raw, output out, shell "cp {input} {output}" }\n');
  dryRun(dir);
  const s = median(Array.from({ length: REPS }, () => dryRun(dir).wall));
  rmSync(dir, { recursive: true, force: true });
  return s;
})();
const rows = [];
for (const [name, shape] of Object.entries(SHAPES)) {
  const sizes = [Math.round(shape.base * SCALE), Math.round(shape.base * SCALE * 4)];
  const cells = sizes.map((n) => {
    const dir = tree(name, shape, n);
    dryRun(dir); // warm-up: the model cache
    const xs = Array.from({ length: REPS }, () => dryRun(dir));
    rmSync(dir, { recursive: true, force: true });
    const jobs = xs[0].jobs;
    if (jobs !== shape.jobs(n)) throw new Error(`${name} at n=${n}: planned ${jobs} jobs, expected ${shape.jobs(n)}`);
    return { n, jobs, wall: median(xs.map((x) => x.wall)), mb: Math.max(...xs.map((x) => x.mb)) };
  });
  const [a, b] = cells;
  rows.push({ name, a, b, jobRatio: b.jobs / a.jobs, timeRatio: b.wall / a.wall });
  process.stderr.write(`${name}: ${a.jobs} jobs ${a.wall} s, ${b.jobs} jobs ${b.wall} s\n`);
}

const lines = [
  '# wf planning growth on other DAG shapes',
  '',
  `Generated by \`node bench/shapes.mjs\` on ${new Date().toISOString()}; \`wf run -n\` on a clean tree, median of ${REPS} after a warm-up.`,
  `A one-job dry run takes ${startup.toFixed(3)} s here (start-up); µs/job is (time − start-up) / jobs.`,
  'Linear growth: µs/job about the same at both sizes (time ratio ≈ job ratio once start-up is taken off). Quadratic growth would show µs/job × 4.',
  '',
  '| shape | jobs | s | µs/job | peak MB | jobs (×4) | s | µs/job | peak MB | time ratio after start-up |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => {
    const per = (c) => ((Math.max(0, c.wall - startup) / c.jobs) * 1e6).toFixed(1);
    const ratio = Math.max(0, r.b.wall - startup) / Math.max(1e-3, r.a.wall - startup);
    return `| ${r.name} | ${r.a.jobs} | ${r.a.wall.toFixed(2)} | ${per(r.a)} | ${r.a.mb.toFixed(0)} | ${r.b.jobs} | ${r.b.wall.toFixed(2)} | ${per(r.b)} | ${r.b.mb.toFixed(0)} | ${ratio.toFixed(2)} (jobs ${r.jobRatio.toFixed(2)}) |`;
  }),
];
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'shapes.md'), `${lines.join('\n')}\n`);
process.stdout.write(readFileSync(join(OUT, 'shapes.md'), 'utf8'));
