/**
 * `wf graph [TARGET…]` (spec §5): the job DAG (or with `--rules` the rule
 * graph) as Graphviz dot, Mermaid, or JSON on stdout. Both are read from the
 * planner's graphlib job DAG ({@link buildJobGraph}); this module only draws.
 */
import type { Plan } from '../ir/plan.js';
import type { Workflow } from '../ir/model.js';
import { buildJobGraph } from '../planner/index.js';

/** Output format of `wf graph`. */
export type GraphFormat = 'dot' | 'mermaid' | 'json';

interface Node {
  readonly id: string;
  readonly label: string;
  readonly level: string;
}
interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Render the job graph of `plan`: one node per job, an edge from each dependency to its dependent. */
export function renderJobGraph(plan: Plan, format: GraphFormat): string {
  const g = buildJobGraph(plan);
  const nodes: Node[] = g.nodes().map((id) => ({ id, label: id, level: g.node(id).levelText }));
  const edges: Edge[] = g.edges().map((e) => ({ from: e.v, to: e.w }));
  return render(nodes, edges, format, 'jobs');
}

/** Render the rule graph of the jobs in `plan`: an edge when a job of one rule feeds a job of another. */
export function renderRuleGraph(workflow: Workflow, plan: Plan, format: GraphFormat): string {
  const g = buildJobGraph(plan);
  const rules = [...new Set(g.nodes().map((id) => g.node(id).rule))];
  const nodes: Node[] = rules.map((r) => ({ id: r, label: r, level: workflow.rules.get(r)?.levelText ?? '' }));
  const seen = new Set<string>();
  const edges: Edge[] = [];
  for (const e of g.edges()) {
    const from = g.node(e.v).rule;
    const to = g.node(e.w).rule;
    const key = `${from}\u0000${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from, to });
  }
  return render(nodes, edges, format, 'rules');
}

function render(nodes: readonly Node[], edges: readonly Edge[], format: GraphFormat, kind: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ kind, nodes, edges }, null, 2)}\n`;
    case 'mermaid': {
      const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
      const lines = ['flowchart LR'];
      for (const n of nodes) lines.push(`  ${ids.get(n.id)}["${mermaidText(n.label)} (${n.level})"]`);
      for (const e of edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
      return `${lines.join('\n')}\n`;
    }
    case 'dot': {
      const lines = [`digraph ${kind} {`, '  rankdir=LR;', '  node [shape=box];'];
      const byLevel = new Map<string, Node[]>();
      for (const n of nodes) byLevel.set(n.level, [...(byLevel.get(n.level) ?? []), n]);
      for (const [level, group] of byLevel) {
        lines.push(`  subgraph "cluster_${dotText(level)}" {`, `    label="${dotText(level)}";`);
        for (const n of group) lines.push(`    "${dotText(n.id)}";`);
        lines.push('  }');
      }
      for (const e of edges) lines.push(`  "${dotText(e.from)}" -> "${dotText(e.to)}";`);
      lines.push('}');
      return `${lines.join('\n')}\n`;
    }
  }
}

function dotText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;');
}
