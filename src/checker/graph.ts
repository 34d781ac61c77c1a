/**
 * The rule graph (spec §4): who produces what, duplicate producers and
 * cycles. An edge `a -> b` means rule `a` reads a product (or path) that
 * rule `b` writes, i.e. `a` needs `b` (printed in that direction, as ninja
 * prints dependency cycles).
 *
 * Reports WF2011 (two rules produce the same product or path) and WF2012
 * (a cycle, named `a -> b -> a`, once per strongly connected component).
 */
import type { Span } from '../ir/nodes.js';
import type { InputModel, OutputModel } from '../ir/model.js';
import { error, type Diagnostic, type RelatedInfo } from '../diagnostics/diagnostic.js';
import type { RuleInfo } from './model.js';

/** Key of what an input reads or an output writes: the product, else the literal path pattern. */
export function dataKey(x: InputModel | OutputModel): string {
  return x.product !== undefined ? `product:${x.product}` : `path:${x.pattern}`;
}

/** Producers: data key → the first rule (in declaration order) writing it, with the output. */
export type Producers = ReadonlyMap<string, { readonly rule: string; readonly output: OutputModel }>;

/** Map every product or path to the rule writing it; a second writer is WF2011. */
export function findProducers(rules: readonly RuleInfo[], diags: Diagnostic[]): Producers {
  const producers = new Map<string, { rule: string; output: OutputModel }>();
  for (const { model } of rules) {
    for (const output of model.outputs) {
      const key = dataKey(output);
      const first = producers.get(key);
      if (!first) {
        producers.set(key, { rule: model.name, output });
        continue;
      }
      if (first.rule === model.name) continue;
      const thing = output.product !== undefined ? `product \`${output.product}\`` : `path \`${output.pattern}\``;
      diags.push(
        error('WF2011', `rules \`${first.rule}\` and \`${model.name}\` both produce ${thing}`, output.span, 'each product is produced by exactly one rule; declare a separate product for one of them', [
          { message: `\`${first.rule}\` produces it here`, span: first.output.span },
        ]),
      );
    }
  }
  return producers;
}

/** Report every cycle of the rule graph as WF2012. */
export function checkCycles(rules: readonly RuleInfo[], producers: Producers, diags: Diagnostic[]): void {
  const order = rules.map((r) => r.model.name);
  const byName = new Map(rules.map((r) => [r.model.name, r]));
  // edges: rule → [needed rule, the input that needs it], in input order.
  const edges = new Map<string, { to: string; via: InputModel }[]>();
  for (const { model } of rules) {
    const out: { to: string; via: InputModel }[] = [];
    for (const input of model.inputs) {
      const p = producers.get(dataKey(input));
      if (p) out.push({ to: p.rule, via: input });
    }
    edges.set(model.name, out);
  }
  for (const component of stronglyConnected(order, (n) => (edges.get(n) ?? []).map((e) => e.to))) {
    const start = component[0]!;
    const isSelfLoop = (edges.get(start) ?? []).some((e) => e.to === start);
    if (component.length === 1 && !isSelfLoop) continue;
    const cycle = shortestCycle(start, new Set(component), edges);
    const related: RelatedInfo[] = [];
    for (let i = 0; i + 1 < cycle.length; i++) {
      const e = edges.get(cycle[i]!)!.find((x) => x.to === cycle[i + 1])!;
      related.push({ message: `\`${cycle[i]}\` reads \`${e.via.name ?? e.via.pattern}\`, written by \`${cycle[i + 1]}\``, span: e.via.span });
    }
    const span: Span = byName.get(start)!.decl.nameSpan;
    diags.push(error('WF2012', `cycle between rules: ${cycle.join(' -> ')}`, span, 'a rule cannot depend, directly or not, on its own outputs; break the cycle', related));
  }
}

/** Shortest path start → … → start inside `members` (BFS, neighbours in edge order). */
function shortestCycle(start: string, members: ReadonlySet<string>, edges: ReadonlyMap<string, readonly { to: string }[]>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    for (const { to } of edges.get(n) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let cur = n; cur !== start; cur = parent.get(cur)!) path.splice(1, 0, cur);
        return [...path, start];
      }
      if (!parent.has(to) && to !== start) {
        parent.set(to, n);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** Tarjan's strongly connected components; each component is sorted in `order`, components in order of their first member. */
function stronglyConnected(order: readonly string[], next: (n: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      result.push(comp);
    }
  };
  for (const n of order) if (!index.has(n)) visit(n);
  const pos = new Map(order.map((n, i) => [n, i]));
  return result.map((c) => c.sort((a, b) => pos.get(a)! - pos.get(b)!)).sort((a, b) => pos.get(a[0]!)! - pos.get(b[0]!)!);
}
