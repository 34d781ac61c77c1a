/**
 * `wf verify [TARGET] [--json]`: re-hash every recorded product (the outputs
 * of each job's current `done` record) and report the missing (WF3012), the
 * altered (WF3013, SHA-256 differs) and files on disk that match a derived
 * product's pattern but were never recorded (WF3014). TARGET narrows it to a
 * product name, a level (`L2`: levels ≤ 2) or a path (a file or a directory).
 * Exit 0 when all is well, 1 when anything is reported, 2 on usage errors.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { compilePattern } from '../planner/patterns.js';
import { currentProducts, productDecls, type ProductDeclRow, type ProductRow } from '../store/history.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { openHistory, type HistoryOptions } from './history-db.js';

/** Options of `wf verify`. */
export interface VerifyOptions extends HistoryOptions {
  readonly json: boolean;
}

/** One problem found. Paths relative to the workflow root. */
export type VerifyProblem =
  | { readonly kind: 'missing'; readonly path: string; readonly product: string | null; readonly job: string }
  | { readonly kind: 'altered'; readonly path: string; readonly product: string | null; readonly job: string; readonly recorded: string; readonly actual: string }
  | { readonly kind: 'unrecorded'; readonly path: string; readonly product: string };

function sha256Of(abs: string): string {
  const h = createHash('sha256');
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** The filter of TARGET over product rows and declarations. */
function targetFilter(target: string | undefined, decls: ReadonlyMap<string, ProductDeclRow>): { path: (p: string, product: string | null) => boolean; decl: (d: ProductDeclRow) => boolean } {
  if (target === undefined) return { path: () => true, decl: () => true };
  if (decls.has(target)) return { path: (_p, product) => product === target, decl: (d) => d.name === target };
  const level = /^L(\d+(?:\.\d+)?)$/.exec(target);
  if (level) {
    const max = Number(level[1]);
    return { path: (_p, product) => product !== null && (decls.get(product)?.level ?? Infinity) <= max, decl: (d) => d.level <= max };
  }
  const dir = target.replace(/\/+$/, '') + '/';
  const inTarget = (p: string): boolean => p === target || p.startsWith(dir);
  return { path: (p) => inTarget(p), decl: () => true };
}

/** Run the checks; exit 0 clean, 1 when a problem was found. */
export async function runVerify(target: string | undefined, opts: VerifyOptions): Promise<ExitCode> {
  const { root, db } = openHistory(opts);
  let products: ProductRow[];
  let decls: Map<string, ProductDeclRow>;
  try {
    products = currentProducts(db);
    decls = productDecls(db);
  } finally {
    db.close();
  }
  const filter = targetFilter(target, decls);
  const problems: VerifyProblem[] = [];
  const recorded = new Set(products.map((p) => p.path));
  let ok = 0;
  let checked = 0;
  for (const p of products) {
    if (!filter.path(p.path, p.product)) continue;
    const abs = join(root, p.path);
    let exists = true;
    try {
      exists = statSync(abs).isFile();
    } catch {
      exists = false;
    }
    if (!exists) {
      if (!p.temp) (checked++, problems.push({ kind: 'missing', path: p.path, product: p.product, job: p.job }));
      continue;
    }
    checked++;
    const actual = sha256Of(abs);
    if (p.sha256 !== null && actual !== p.sha256) problems.push({ kind: 'altered', path: p.path, product: p.product, job: p.job, recorded: p.sha256, actual });
    else ok++;
  }
  for (const d of decls.values()) {
    if (d.is_source || !filter.decl(d)) continue;
    const pattern = compilePattern(d.pattern, new Map());
    if (!pattern) continue;
    const found = await fg(pattern.glob, { cwd: root, onlyFiles: true, dot: false, ignore: ['.wf/**'] });
    for (const f of found.sort()) {
      if (!recorded.has(f) && pattern.regex.test(f) && filter.path(f, d.name)) problems.push({ kind: 'unrecorded', path: f, product: d.name });
    }
  }
  const count = (k: VerifyProblem['kind']): number => problems.filter((x) => x.kind === k).length;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ checked, ok, missing: count('missing'), altered: count('altered'), unrecorded: count('unrecorded'), problems }, null, 2)}\n`);
  } else {
    for (const x of problems) {
      if (x.kind === 'missing') process.stdout.write(`missing     ${x.path}  (${x.product ?? 'file'} of ${x.job}) [WF3012]\n`);
      else if (x.kind === 'altered') process.stdout.write(`altered     ${x.path}  (${x.product ?? 'file'} of ${x.job}): sha256 ${x.actual.slice(0, 12)}…, recorded ${x.recorded.slice(0, 12)}… [WF3013]\n`);
      else process.stdout.write(`unrecorded  ${x.path}  (matches product ${x.product}, made by no recorded job) [WF3014]\n`);
    }
    process.stdout.write(`verified ${checked} recorded product file(s): ${ok} ok, ${count('missing')} missing, ${count('altered')} altered; ${count('unrecorded')} unrecorded\n`);
  }
  return problems.length > 0 ? EXIT.jobFailed : EXIT.ok;
}
