#!/usr/bin/env node
/**
 * Peer benchmark: wf against GNU make, ninja and snakemake on the same
 * generated L0→L3 workload (3N+1 jobs), in one session, alternating tools,
 * several repetitions. Writes bench/results/latest.{md,json}, then runs the
 * growth check on other DAG shapes (bench/shapes.mjs → bench/results/shapes.md)
 * unless --only is given.
 *
 * The workload generator and the peers' file formats come from the shared
 * peer kit (../shared/bench/peers/gen.py, or $WF_BENCH_PEERS); the peers are
 * Debian packages (ninja-build, snakemake, time), installed when missing.
 *
 * usage: node bench/bench.mjs [--smoke] [--reps N] [--peers make,ninja,snakemake]
 *                             [--only full,noop,dryrun,touch1] [--out DIR] [--no-install]
 *   --smoke   CI-sized: N=50 (and 200 for the "large" rows), one repetition, make only
 *   --reps N  samples of each full build (default 3); the other rows take max(N, 5);
 *             snakemake takes one sample of its full build and three of its dry run
 *
 * The dry-run rows also time `node-floor` (bench/dry-floor.mjs, not a tool):
 * the least a dry run of this workload does in Node, as a yardstick for wf's
 * own overhead and for what "100 × faster than snakemake -n" asks of any
 * program started by Node on this machine in the same hour.
 *
 * Timing: the tool runs under GNU time (/usr/bin/time -f '%e %M'), which
 * gives the peak RSS of the largest process. The wall time is taken with
 * Node's monotonic clock around that, less GNU time's own cost (the median
 * of `/usr/bin/time true`, calibrated at start): GNU time's `%e` truncates to
 * 10 ms, which alone moves a 0.05 s touch-one by up to a fifth, and the peer
 * kit's figures (../shared/bench/peers/README.md) have ms resolution. GNU
 * time's own figure is kept in latest.json (`median_gnu_time_s`). Rows other
 * than the full build take at least 5 samples after one untimed warm-up (as
 * the peer kit's figures were taken). Ratios are medians of wf over medians
 * of the peer, measured here in the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const args = parseArgs(process.argv.slice(2));
const PEERS_DIR = process.env.WF_BENCH_PEERS ?? resolve(REPO, '../shared/bench/peers');
const GEN = join(PEERS_DIR, 'gen.py');
const WORK = resolve(args.work ?? join(REPO, 'bench/work'));
const OUT = resolve(args.out ?? join(REPO, 'bench/results'));
// wf as users start it: bin/wf (the package's `bin`), which starts Node on dist/cli/main.js.
const WF = join(REPO, 'bin/wf');

if (!existsSync(GEN)) fail(`peer kit not found at ${PEERS_DIR} (set WF_BENCH_PEERS to the folder holding gen.py)`);
if (!existsSync(join(REPO, 'dist/cli/main.js'))) fail('dist/cli/main.js is missing: run `npm run build` first');

const TOOLS = {
  wf: { build: [WF, 'run', '-j', '2'], dry: [WF, 'run', '-n', '-j', '2'] },
  make: { build: ['make', '-j2'], dry: ['make', '-n'] },
  ninja: { build: ['ninja', '-j2'], dry: ['ninja', '-n', '-j2'] },
  snakemake: { build: ['snakemake', '--cores', '2', '--quiet'], dry: ['snakemake', '-n', '--cores', '2', '--quiet'] },
  // Not a tool: the least a dry run of this workload does in Node (bench/dry-floor.mjs), on wf's tree, started as bin/wf starts Node.
  'node-floor': { dry: ['env', '-u', 'NODE_EXTRA_CA_CERTS', 'node', join(HERE, 'dry-floor.mjs')] },
};

const smoke = args.smoke;
const reps = smoke ? 1 : args.reps;
const peers = (args.peers ?? (smoke ? 'make' : 'make,ninja,snakemake')).split(',').filter((p) => p in TOOLS && p !== 'wf' && p !== 'node-floor');
if (!args.noInstall) ensureDebian();
const small = smoke ? 50 : 1000;
const large = smoke ? 200 : 20000;
const huge = smoke ? 400 : 99999; // gen.py's maximum
/** Samples per tool in a row: `reps` for full builds (each needs a fresh tree), at least 5 elsewhere. */
const samplesOf = (row) => (smoke || row.scenario === 'full' ? reps : Math.max(reps, 5));
/** snakemake's samples in a row: one of its full build, three of its dry run, all of the others. */
const snakemakeSamples = (row) => (row.scenario === 'full' ? 1 : row.scenario === 'dryrun' ? Math.min(3, samplesOf(row)) : samplesOf(row));
/** GNU time's own wall cost in ms (fork, exec, wait of `/usr/bin/time true`), taken off every sample. */
const WRAPPER_MS = wrapperMs();
/** Scenario rows: which N and which peers (snakemake only where it finishes in minutes). */
const ROWS = [
  { scenario: 'full', n: small, peers },
  { scenario: 'noop', n: small, peers },
  { scenario: 'noop', n: large, peers: peers.filter((p) => p !== 'snakemake') },
  { scenario: 'dryrun', n: large, peers: [...peers, 'node-floor'] },
  { scenario: 'dryrun', n: huge, peers: [...peers.filter((p) => p !== 'snakemake'), 'node-floor'] },
  { scenario: 'touch1', n: small, peers },
  { scenario: 'touch1', n: large, peers: peers.filter((p) => p !== 'snakemake') },
].filter((r) => !args.only || args.only.split(',').includes(r.scenario));

const results = [];
const TREES = new Map();
for (const row of ROWS) {
  const tools = ['wf', ...row.peers];
  const samples = Object.fromEntries(tools.map((t) => [t, []]));
  log(`== ${row.scenario} N=${row.n} (${3 * row.n + 1} jobs): ${tools.join(', ')}, ${samplesOf(row)} rep(s)`);
  // Full builds start from a fresh tree per sample (as the peer kit's run.sh does); the others share one tree per tool.
  const trees = row.scenario === 'full' ? {} : Object.fromEntries(tools.map((t) => [t, treeFor(t, row)]));
  // One untimed warm-up run per tool for the repeatable scenarios (as the peers' figures were taken).
  if (row.scenario !== 'full') for (const tool of tools) measure(tool, row, trees[tool]);
  for (let rep = 0; rep < samplesOf(row); rep++) {
    for (const tool of tools) {
      // snakemake's full build takes one sample (minutes each); its dry run (~40-60 s here), which a
      // target is a ratio against, takes three, so that one slow or fast sample does not decide it.
      if (tool === 'snakemake' && rep >= snakemakeSamples(row)) continue;
      const dir = row.scenario === 'full' ? prepareTree(tool, row, `${tool}-n${row.n}-full-${rep + 1}`) : trees[tool];
      const s = measure(tool, row, dir);
      samples[tool].push(s);
      log(`   ${tool.padEnd(9)} rep ${rep + 1}: ${s.wall_s.toFixed(3)} s, ${s.peak_rss_mb.toFixed(1)} MB, rc=${s.rc}, outputs written=${s.outputs_written}`);
    }
  }
  for (const tool of tools) {
    const xs = samples[tool];
    results.push({
      scenario: row.scenario,
      n: row.n,
      jobs: 3 * row.n + 1,
      tool,
      reps: xs.length,
      median_s: median(xs.map((x) => x.wall_s)),
      min_s: Math.min(...xs.map((x) => x.wall_s)),
      median_gnu_time_s: median(xs.map((x) => x.gnu_time_s)),
      peak_rss_mb: Math.max(...xs.map((x) => x.peak_rss_mb)),
      outputs_written: xs.map((x) => x.outputs_written),
      rc: xs.map((x) => x.rc),
    });
  }
}

// The process floor of the full build: the same commands through xargs -P2, under bash (as wf runs jobs) and sh (as make does),
// each on a fresh tree, alternating.
let floor;
if (ROWS.some((r) => r.scenario === 'full')) {
  const runs = { bash: { argv: ['bash', '-euo', 'pipefail', '-c'], s: [] }, sh: { argv: ['sh', '-c'], s: [] } };
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, r] of Object.entries(runs)) {
      const dir = join(WORK, `floor-${name}-${rep + 1}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(WORK, { recursive: true });
      execFileSync('python3', [GEN, '--n', String(small), '--out', dir]);
      execFileSync('sync');
      r.s.push(Number(execFileSync('sh', [join(HERE, 'floor.sh'), dir, ...r.argv], { encoding: 'utf8' })));
    }
    log(`   floor rep ${rep + 1}: bash ${runs.bash.s.at(-1)} s, sh ${runs.sh.s.at(-1)} s`);
  }
  floor = { n: small, bash_s: median(runs.bash.s), sh_s: median(runs.sh.s) };
}

const machine = {
  date: new Date().toISOString(),
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  versions: toolVersions(),
  reps,
  wrapper_ms: WRAPPER_MS,
  smoke,
  floor,
};
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'latest.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);
writeFileSync(join(OUT, 'latest.md'), markdown(machine, results));
log(`wrote ${join(OUT, 'latest.md')} and latest.json`);
process.stdout.write(readFileSync(join(OUT, 'latest.md'), 'utf8'));
// The growth check on other DAG shapes (bench/shapes.mjs) completes the picture: shapes.md beside latest.md.
if (!args.only) {
  const shapes = spawnSync('node', [join(HERE, 'shapes.mjs'), '--reps', String(reps), '--out', OUT, ...(smoke ? ['--scale', '0.05'] : [])], { stdio: 'inherit' });
  if (shapes.status !== 0) fail('bench/shapes.mjs failed');
}
// Trees of N=100,000 hold ~700k files: remove them only once the results are safe.
if (!args.keep) rmSync(WORK, { recursive: true, force: true });

// ---------------------------------------------------------------------------

/**
 * The shared tree of one tool and row: a clean generated tree for `dryrun`,
 * a completely built one for `noop` and `touch1` (built once per tool and N,
 * then shared: the no-op row runs before the touch-one row). `node-floor`
 * reads wf's clean tree (a dry run writes nothing).
 */
function treeFor(tool, row) {
  const built = row.scenario === 'noop' || row.scenario === 'touch1';
  const key = `${tool === 'node-floor' ? 'wf' : tool}-n${row.n}-${built ? 'built' : 'clean'}`;
  if (!TREES.has(key)) TREES.set(key, prepareTree(tool, row, key));
  return TREES.get(key);
}

/** Generate a tree; build it first where the scenario needs a built tree. */
function prepareTree(tool, row, key) {
  const dir = join(WORK, key);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  execFileSync('python3', [GEN, '--n', String(row.n), '--out', dir]);
  if (row.scenario === 'noop' || row.scenario === 'touch1') {
    const r = spawnSync(TOOLS[tool].build[0], TOOLS[tool].build.slice(1), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
    if (r.status !== 0) fail(`preparatory build of ${tool} failed in ${dir}: ${String(r.stderr).slice(-2000)}`);
  }
  return dir;
}

/**
 * One timed sample of a scenario in `dir` (a fresh tree for `full`). Dirty
 * pages are written back first (`sync`, as the peer kit's run.sh does), so no
 * sample pays for the write-back of the one before.
 */
function measure(tool, row, dir) {
  const t = TOOLS[tool];
  if (row.scenario === 'touch1') {
    const obs = `obs${String(Math.floor(row.n / 2)).padStart(5, '0')}`;
    appendFileSync(join(dir, 'raw', obs, 'telem.dat'), `changed ${process.hrtime.bigint()}\n`);
  }
  execFileSync('sync');
  const marker = join(dir, '.marker');
  writeFileSync(marker, '');
  const cmd = row.scenario === 'dryrun' ? t.dry : t.build;
  const timeFile = join(dir, '.time');
  const { r, ms } = underGnuTime(timeFile, cmd, dir);
  const [gnuWall, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall_s: Math.max(0, ms - WRAPPER_MS) / 1000, gnu_time_s: gnuWall, peak_rss_mb: rssKb / 1024, rc: r.status, outputs_written: countNewer(dir, marker) };
}

/** Median wall ms of `/usr/bin/time -f '%e %M' -o FILE true` over 21 runs (after 3 untimed ones): what GNU time adds to a sample. */
function wrapperMs() {
  const file = join(tmpdir(), `wf-bench-time-${process.pid}`);
  const once = () => underGnuTime(file, ['true'], tmpdir()).ms;
  for (let i = 0; i < 3; i++) once();
  const ms = median(Array.from({ length: 21 }, once));
  rmSync(file, { force: true });
  return Math.round(ms * 100) / 100;
}

/** Run `cmd` in `cwd` under GNU time (wall and peak RSS to `timeFile`), output ignored: the result and the wall ms by the monotonic clock. */
function underGnuTime(timeFile, cmd, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, ...cmd], { cwd, stdio: 'ignore' });
  return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function countNewer(dir, marker) {
  const since = statSync(marker).mtimeMs;
  let n = 0;
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).mtimeMs > since) n++;
    }
  };
  for (const top of ['L1', 'L2', 'L3']) walk(join(dir, top));
  return n;
}

function markdown(m, rows) {
  const lines = [
    '# wf against make, ninja and snakemake',
    '',
    `Generated by \`npm run bench\` on ${m.date}: ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.reps} repetition(s) of the full builds, at least ${m.smoke ? 1 : Math.max(m.reps, 5)} of the other rows after one untimed warm-up${m.smoke ? ' — SMOKE RUN, figures not meaningful' : ''}.`,
    `Versions: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join('; ')}.`,
    `Workload: \`../shared/bench/peers/gen.py\` (3N+1 jobs: N × L1, 2N × L2, one L3 gather). Medians. Peak RSS from GNU time; wall time from a monotonic clock around GNU time, less its own ${m.wrapper_ms} ms (median of \`/usr/bin/time true\`), since GNU time's \`%e\` truncates to 10 ms.`,
    '',
    '| scenario | N (jobs) | tool | median s | min s | peak RSS MB | outputs written | wf / tool |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const wf = rows.find((x) => x.scenario === r.scenario && x.n === r.n && x.tool === 'wf');
    const ratio = r.tool === 'wf' || !wf ? '' : (wf.median_s / r.median_s).toFixed(2);
    lines.push(`| ${r.scenario} | ${r.n} (${r.jobs}) | ${r.tool} | ${r.median_s.toFixed(3)} | ${r.min_s.toFixed(3)} | ${r.peak_rss_mb.toFixed(1)} | ${[...new Set(r.outputs_written)].join('/')} | ${ratio} |`);
  }
  const floors = rows.filter((r) => r.scenario === 'dryrun' && r.tool === 'node-floor');
  if (floors.length > 0) {
    const at = (f, tool) => rows.find((x) => x.scenario === 'dryrun' && x.n === f.n && x.tool === tool);
    const perN = floors.map((f) => `N=${f.n}: ${f.median_s.toFixed(3)} s${at(f, 'wf') ? `, wf ${(at(f, 'wf').median_s / f.median_s).toFixed(2)} × that` : ''}`);
    const snakemake = floors.map((f) => [f, at(f, 'snakemake')]).find(([, s]) => s);
    lines.push(
      '',
      `\`node-floor\` is not a tool but \`bench/dry-floor.mjs\`: the least a dry run of this workload does in Node (list and stat the sources, name and index the jobs, print them). ${perN.join('; ')}.` +
        (snakemake ? ` 100 × faster than snakemake -n's ${snakemake[1].median_s.toFixed(2)} s at N=${snakemake[0].n} is ${(snakemake[1].median_s / 100).toFixed(3)} s, ${(snakemake[1].median_s / 100 / snakemake[0].median_s).toFixed(2)} × the floor.` : ''),
    );
  }
  if (m.floor) {
    const full = (tool) => rows.find((x) => x.scenario === 'full' && x.tool === tool)?.median_s;
    lines.push(
      '',
      `Process floor of the full build at N=${m.floor.n}: the same ${3 * m.floor.n + 1} commands through \`xargs -P2\`, level by level (\`bench/floor.sh\`):`,
      `under \`bash -euo pipefail -c\` (as wf runs jobs) ${m.floor.bash_s.toFixed(3)} s, under \`sh -c\` (as make and ninja do) ${m.floor.sh_s.toFixed(3)} s.`,
      full('wf') && full('make') ? `wf / bash floor ${(full('wf') / m.floor.bash_s).toFixed(2)}; make / sh floor ${(full('make') / m.floor.sh_s).toFixed(2)}.` : '',
    );
  }
  return `${lines.join('\n')}\n`;
}

function toolVersions() {
  const v = (cmd, argv, re) => {
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.error) return 'absent'; // not installed: spawnSync gives no output at all
    const m = re.exec(`${r.stdout}${r.stderr}`);
    return m ? m[1] : 'absent';
  };
  return {
    wf: JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
    make: v('make', ['--version'], /GNU Make (\S+)/),
    ninja: v('ninja', ['--version'], /(\S+)/),
    snakemake: v('snakemake', ['--version'], /(\S+)/),
    bash: v('bash', ['--version'], /version (\S+)/),
  };
}

function ensureDebian() {
  const missing = [];
  if (!existsSync('/usr/bin/time')) missing.push('time');
  if (peers.includes('ninja') && spawnSync('ninja', ['--version']).status !== 0) missing.push('ninja-build');
  if (peers.includes('snakemake') && spawnSync('snakemake', ['--version']).status !== 0) missing.push('snakemake');
  if (peers.includes('make') && spawnSync('make', ['--version']).status !== 0) missing.push('make');
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) fail(`apt-get install ${missing.join(' ')} failed`);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function parseArgs(argv) {
  const a = { reps: 3, smoke: false, noInstall: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--smoke') a.smoke = true;
    else if (k === '--no-install') a.noInstall = true;
    else if (k === '--keep') a.keep = true;
    else if (k === '--reps') a.reps = Number(argv[++i]);
    else if (k === '--peers') a.peers = argv[++i];
    else if (k === '--only') a.only = argv[++i];
    else if (k === '--out') a.out = argv[++i];
    else if (k === '--work') a.work = argv[++i];
    else fail(`unknown option ${k}`);
  }
  return a;
}

function log(s) {
  process.stderr.write(`${s}\n`);
}

function fail(s) {
  process.stderr.write(`bench: ${s}\n`);
  process.exit(2);
}
