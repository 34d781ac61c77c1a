/**
 * Hand-built plans for executor tests: `job()` fills a {@link Job} with
 * defaults; `makePlan()` orders nothing (pass jobs in topological order) and
 * derives `deps` from outputs → inputs when a job does not give them.
 */
import { asJobId, asRelPath, type JobId } from '../../src/ir/ids.js';
import type { Job, JobOutput, Plan } from '../../src/ir/plan.js';
import type { ConfigObject } from '../../src/ir/model.js';
import { ALL_TRIGGERS } from '../../src/executor/freshness.js';
import type { ExecOptions } from '../../src/executor/executor.js';

export interface OutSpec {
  readonly path: string;
  readonly temp?: boolean;
  readonly protected?: boolean;
}

export interface JobSpecInput {
  readonly rule: string;
  readonly wildcards?: Record<string, string>;
  readonly inputs?: readonly string[];
  readonly outputs?: readonly (string | OutSpec)[];
  readonly command?: string;
  readonly params?: ConfigObject;
  readonly ruleDigest?: string;
  readonly cores?: number;
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly level?: number;
  readonly logPath?: string;
  readonly deps?: readonly string[];
}

/** A job with defaults: id `RULE[k=v]`, level 1, 1 core, no retries, log under `.wf/logs/`. */
export function job(s: JobSpecInput): Job & { readonly __explicitDeps: boolean } {
  const wc = s.wildcards ?? {};
  const keys = Object.keys(wc);
  const id = keys.length === 0 ? s.rule : `${s.rule}[${keys.map((k) => `${k}=${wc[k]}`).join(',')}]`;
  const outputs: JobOutput[] = (s.outputs ?? []).map((o) => {
    const spec = typeof o === 'string' ? { path: o } : o;
    return { path: asRelPath(spec.path), temp: spec.temp ?? false, protected: spec.protected ?? false };
  });
  const level = s.level ?? 1;
  const inputs = (s.inputs ?? []).map((p) => ({ path: asRelPath(p), gather: false }));
  return {
    id: asJobId(id),
    rule: s.rule,
    level,
    levelText: `L${level}`,
    wildcards: wc,
    inputs,
    outputs,
    inputPaths: inputs.map((i) => i.path),
    outputPaths: outputs.map((o) => o.path),
    hasTempOutput: outputs.some((o) => o.temp),
    command: s.command ?? 'true',
    params: s.params ?? {},
    ruleDigest: s.ruleDigest ?? `digest-${s.rule}`,
    cores: s.cores ?? 1,
    retries: s.retries ?? 0,
    ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
    logPath: asRelPath(s.logPath ?? `.wf/logs/${s.rule}/${keys.length === 0 ? 'all' : keys.map((k) => `${k}=${wc[k]}`).join(',')}.log`),
    hasDeclaredLog: s.logPath !== undefined,
    deps: (s.deps ?? []).map(asJobId),
    __explicitDeps: s.deps !== undefined,
  };
}

/** A plan over `jobs` (already topologically ordered); targets default to jobs nobody depends on. */
export function makePlan(root: string, jobs: readonly ReturnType<typeof job>[], targets?: readonly string[]): Plan {
  const producer = new Map<string, JobId>();
  for (const j of jobs) for (const o of j.outputs) producer.set(o.path, j.id);
  const withDeps: Job[] = jobs.map(({ __explicitDeps, ...j }) => {
    if (__explicitDeps) return j;
    const deps = new Set<JobId>();
    for (const i of j.inputs) {
      const p = producer.get(i.path);
      if (p !== undefined) deps.add(p);
    }
    return { ...j, deps: [...deps].sort() };
  });
  const used = new Set(withDeps.flatMap((j) => j.deps));
  const sources = new Set<string>();
  for (const j of withDeps) for (const i of j.inputs) if (!producer.has(i.path)) sources.add(i.path);
  return {
    root,
    jobs: withDeps,
    targets: (targets ?? withDeps.filter((j) => !used.has(j.id)).map((j) => j.id)).map(asJobId),
    sources: [...sources].sort().map(asRelPath),
    diagnostics: [],
  };
}

/** Default execution options for tests (2 slots, all triggers). */
export function options(root: string, over: Partial<ExecOptions> = {}): ExecOptions {
  return { root, jobs: 2, keepGoing: false, dryRun: false, force: false, forceRules: [], rerunTriggers: ALL_TRIGGERS, ...over };
}
