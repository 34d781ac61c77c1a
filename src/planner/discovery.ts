/**
 * Discovery of source products (spec §3 "Discovery"): each source product a
 * rule reads is globbed once; every hit is matched against the product's
 * anchored regex to get its wildcard values. Hits that do not match (a
 * constraint such as `/[0-9]{4}/` rejecting `raw/abcd/…`) are ignored, and
 * `--where` drops instances whose values are not selected.
 */
import type { PlanState, ProductStore } from './context.js';

/**
 * Fill the instance lists of every source product some rule reads, in byte
 * order of their paths. Globs run concurrently, one per product. Emits no
 * diagnostics: a source with no file simply has no instance.
 */
export async function discoverSources(state: PlanState): Promise<void> {
  const wanted = new Set<string>();
  for (const rule of state.rules) {
    for (const input of rule.inputs) {
      if (input.model.kind !== 'path' && input.model.product !== undefined) wanted.add(input.model.product);
    }
  }
  const stores = [...wanted].map((name) => state.products.get(name)).filter((s): s is ProductStore => s !== undefined && s.model.isSource);
  const hits = await Promise.all(stores.map((s) => state.fs.glob(s.pattern.glob)));
  stores.forEach((store, i) => addSourceHits(state, store, hits[i]!));
}

function addSourceHits(state: PlanState, store: ProductStore, paths: readonly string[]): void {
  const { regex, wildcards } = store.pattern;
  const filters = wildcards.map((w) => state.where.get(w));
  const filtered = filters.some((f) => f !== undefined);
  for (const path of paths) {
    const m = regex.exec(path);
    if (!m) continue;
    const values = wildcards.map((w) => m.groups![w]!);
    if (filtered && !values.every((v, i) => filters[i] === undefined || filters[i]!.has(v))) continue;
    store.values.push(values);
    store.paths.push(path);
    store.producers.push(-1);
  }
}
