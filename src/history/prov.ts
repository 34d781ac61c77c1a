/**
 * The provenance of a product as W3C PROV-JSON (https://www.w3.org/submissions/prov-json/):
 * files are entities (path, SHA-256, size, mtime, product, level, the product
 * declaration's keywords), job attempts are activities (rule, wildcards,
 * command, params, times, run), `wf` and the user who ran it are agents; the
 * relations are used, wasGeneratedBy, wasDerivedFrom, wasAssociatedWith and
 * actedOnBehalfOf; each run's config is an entity its activities used.
 * Pure: built from {@link ProvenanceRows} only.
 */
import type { ProvenanceRows } from '../store/history.js';
import type { FileRow, JobRow, RunRow } from '../store/schema.js';

/** A PROV-JSON document (the subset wf emits). Maps keyed by identifier. */
export interface ProvDocument {
  readonly prefix: Readonly<Record<string, string>>;
  readonly entity: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly activity: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly agent: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly used: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly wasGeneratedBy: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly wasDerivedFrom: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly wasAssociatedWith: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly actedOnBehalfOf: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());
const isoNs = (ns: string): string => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
/** Identifier-safe local name: percent-encode everything but unreserved characters and `/`. */
const local = (s: string): string => encodeURIComponent(s).replace(/%2F/g, '/');
const entityId = (f: Pick<FileRow, 'path' | 'sha256'>): string => `wfe:${local(f.path)}${f.sha256 ? `@${f.sha256.slice(0, 16)}` : ''}`;
const activityId = (j: JobRow): string => `wfa:job-${j.id}`;
const wfAgentId = (version: string): string => `wfg:wf-${local(version)}`;
const userAgentId = (r: RunRow): string => `wfg:user-${local(r.user)}@${local(r.host)}`;
const configId = (runId: number): string => `wfc:run-${runId}`;

/** Build the document; throws only on internal errors. Identifiers are stable for the same rows. */
export function buildProv(rows: ProvenanceRows): ProvDocument {
  const entity: Record<string, Record<string, unknown>> = {};
  const activity: Record<string, Record<string, unknown>> = {};
  const agent: Record<string, Record<string, unknown>> = {};
  const used: Record<string, Record<string, unknown>> = {};
  const wasGeneratedBy: Record<string, Record<string, unknown>> = {};
  const wasDerivedFrom: Record<string, Record<string, unknown>> = {};
  const wasAssociatedWith: Record<string, Record<string, unknown>> = {};
  const actedOnBehalfOf: Record<string, Record<string, unknown>> = {};
  const runs = new Map(rows.runs.map((r) => [r.id, r]));
  let n = 0;
  const rel = (kind: string): string => `_:${kind}${++n}`;

  for (const r of rows.runs) {
    const wf = wfAgentId(r.wf_version);
    agent[wf] = { 'prov:type': { $: 'prov:SoftwareAgent', type: 'prov:QUALIFIED_NAME' }, 'prov:label': `wf ${r.wf_version}`, 'wf:version': r.wf_version };
    const user = userAgentId(r);
    agent[user] = { 'prov:type': { $: 'prov:Person', type: 'prov:QUALIFIED_NAME' }, 'prov:label': `${r.user}@${r.host}`, 'wf:user': r.user, 'wf:host': r.host };
    actedOnBehalfOf[rel('d')] = { 'prov:delegate': wf, 'prov:responsible': user, 'wf:run': r.id };
    entity[configId(r.id)] = {
      'prov:type': { $: 'wf:Configuration', type: 'prov:QUALIFIED_NAME' },
      'prov:label': `config of run ${r.id}`,
      'wf:config': r.config,
      'wf:commandLine': (JSON.parse(r.argv) as string[]).join(' '),
      'wf:workflow': r.workflow,
    };
  }

  const addEntity = (f: FileRow): string => {
    const id = entityId(f);
    if (entity[id]) return id;
    const decl = f.product ? rows.decls.get(f.product) : undefined;
    const e: Record<string, unknown> = {
      'prov:type': { $: decl?.is_source ? 'wf:SourceProduct' : 'wf:Product', type: 'prov:QUALIFIED_NAME' },
      'prov:label': f.path,
      'wf:path': f.path,
      'wf:size': f.size,
      'wf:mtime': isoNs(f.mtime_ns),
    };
    if (f.sha256) e['wf:sha256'] = f.sha256;
    if (f.product) e['wf:product'] = f.product;
    if (decl) {
      e['wf:level'] = decl.level_text;
      for (const [k, v] of Object.entries(JSON.parse(decl.keywords) as Record<string, unknown>)) e[`wfk:${local(k)}`] = typeof v === 'object' ? JSON.stringify(v) : v;
    }
    entity[id] = e;
    return id;
  };

  const filesByJob = new Map<number, FileRow[]>();
  for (const f of rows.files) {
    let l = filesByJob.get(f.job_row);
    if (!l) filesByJob.set(f.job_row, (l = []));
    l.push(f);
  }
  for (const j of rows.jobs) {
    const a = activityId(j);
    const run = runs.get(j.run_id);
    const act: Record<string, unknown> = {
      'prov:type': { $: 'wf:Job', type: 'prov:QUALIFIED_NAME' },
      'prov:label': j.job,
      'wf:rule': j.rule,
      'wf:wildcards': j.wildcards,
      'wf:level': j.level_text,
      'wf:command': j.command,
      'wf:params': j.params ?? '{}',
      'wf:run': j.run_id,
      'wf:attempt': j.attempt,
    };
    const start = iso(j.started_at ?? j.ended_at);
    const end = iso(j.ended_at);
    if (start) act['prov:startTime'] = start;
    if (end) act['prov:endTime'] = end;
    if (j.duration_ms !== null) act['wf:durationMs'] = j.duration_ms;
    if (j.adopted) act['wf:adopted'] = true;
    if (j.metrics) act['wf:metrics'] = j.metrics;
    if (j.log_path) act['wf:log'] = j.log_path;
    activity[a] = act;
    if (run) {
      wasAssociatedWith[rel('a')] = { 'prov:activity': a, 'prov:agent': wfAgentId(run.wf_version) };
      wasAssociatedWith[rel('a')] = { 'prov:activity': a, 'prov:agent': userAgentId(run) };
      used[rel('u')] = { 'prov:activity': a, 'prov:entity': configId(run.id), 'prov:role': { $: 'wf:config', type: 'prov:QUALIFIED_NAME' } };
    }
    const edges = filesByJob.get(j.id) ?? [];
    const inputs = edges.filter((e) => e.role === 0).map(addEntity);
    for (const e of inputs) used[rel('u')] = { 'prov:activity': a, 'prov:entity': e, ...(start ? { 'prov:time': start } : {}) };
    for (const f of edges.filter((e) => e.role === 1)) {
      const out = addEntity(f);
      wasGeneratedBy[rel('g')] = { 'prov:entity': out, 'prov:activity': a, ...(end ? { 'prov:time': end } : {}) };
      for (const e of inputs) wasDerivedFrom[rel('f')] = { 'prov:generatedEntity': out, 'prov:usedEntity': e, 'prov:activity': a };
    }
  }
  return {
    prefix: { wf: 'https://wf.invalid/ns#', wfe: 'https://wf.invalid/file/', wfa: 'https://wf.invalid/activity/', wfg: 'https://wf.invalid/agent/', wfc: 'https://wf.invalid/config/', wfk: 'https://wf.invalid/keyword/' },
    entity,
    activity,
    agent,
    used,
    wasGeneratedBy,
    wasDerivedFrom,
    wasAssociatedWith,
    actedOnBehalfOf,
  };
}
