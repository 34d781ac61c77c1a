#!/usr/bin/env node
/**
 * The floor of a dry run of the peer workload in Node: only what every dry
 * run of a clean tree from ../shared/bench/peers/gen.py must do, in the
 * fewest steps, with this workload's rules written into the code:
 *
 * - start Node (without NODE_EXTRA_CA_CERTS, as bin/wf starts it);
 * - list `raw/` and stat every `raw/OBS/telem.dat` (a plain stat: file or not);
 * - name the 3N+1 jobs (`l1`, `l2evt`, `l2src` per observation, then `l3`),
 *   index their output paths (path → job) and link each L2 job to its L1 job;
 * - check that the outputs are missing (one stat of each top directory);
 * - print one line per job, as `wf run -n` does.
 *
 * No workflow file is read, no wildcard matched, nothing ordered or checked:
 * a lower bound for any dry-run tool written in Node on this machine in the
 * same hour, not a tool. bench.mjs times it beside wf, make and snakemake in
 * the dry-run rows (docs/performance.md, "The remaining gap").
 *
 * usage: (cd TREE && node bench/dry-floor.mjs)
 */
import { existsSync, readdirSync, statSync, writeSync } from 'node:fs';

const dirs = readdirSync('raw', { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const obs = dirs.filter((d) => statSync(`raw/${d}/telem.dat`, { throwIfNoEntry: false })?.isFile());
const n = obs.length;
const total = 3 * n + 1;
const producer = new Map();
const dependsOn = new Int32Array(total).fill(-1);
for (let i = 0; i < n; i += 1) {
  producer.set(`L1/${obs[i]}/evt1.dat`, i);
  producer.set(`L2/${obs[i]}/evt2.dat`, n + i);
  producer.set(`L2/${obs[i]}/src.dat`, 2 * n + i);
  dependsOn[n + i] = i;
  dependsOn[2 * n + i] = i;
}
const missing = ['L1', 'L2', 'L3'].filter((top) => !existsSync(top)).length;
const lines = new Array(total + 1);
lines[0] = `would run ${total} of ${total} job(s) (L1 ${n}, L2 ${2 * n}, L3 1):`;
for (let i = 0; i < n; i += 1) {
  lines[1 + i] = `  l1[obs=${obs[i]}]`;
  lines[1 + n + i] = `  l2evt[obs=${obs[i]}]`;
  lines[1 + 2 * n + i] = `  l2src[obs=${obs[i]}]`;
}
lines[total] = '  l3';
writeSync(1, `${lines.join('\n')}\n`);
if (missing !== 3 || producer.size !== 3 * n || dependsOn[total - 2] !== n - 1) process.exitCode = 1; // not a clean tree of gen.py
