/**
 * Rendering a job's shell command (spec §3 "Shell", §6 "Placeholders"), its
 * default log path (§6 "Logs") and the rule digest (the "rule" rerun trigger).
 *
 * Every substituted value is shell-quoted with `shellQuote`; lists become
 * space-separated quoted words. Placeholders are found by `scanPlaceholders`
 * (shared with the checker), so `{{`, `}}`, `${VAR}` and awk's `{print $1}`
 * are left as the checker saw them. Pure: no file system.
 */
import { createHash } from 'node:crypto';
import type { ConfigObject, ConfigValue, RuleModel } from '../ir/model.js';
import type { JobInput, JobOutput } from '../ir/plan.js';
import { shellQuote, type CommandPiece } from '../util/placeholders.js';
import type { RuleInfo } from './context.js';
import { isConfigObject, lookupPath } from './values.js';

/** What a command is rendered from: one job's data. */
export interface RenderInput {
  readonly rule: RuleInfo;
  /** In the rule's wildcard order. */
  readonly values: readonly string[];
  readonly inputs: readonly JobInput[];
  readonly outputs: readonly JobOutput[];
  readonly params: ConfigObject;
  readonly config: ConfigObject;
  readonly logPath: string;
}

/** The rendered command, or the placeholder that could not be filled (for WF2117). */
export type Rendered = { readonly ok: true; readonly command: string } | { readonly ok: false; readonly reason: string };

/**
 * Render `pieces` (from `scanPlaceholders`) for one job. `{input}`/`{output}`
 * are all files in declaration order (a gather's instances in byte order);
 * `{input.NAME}` all files of that name; `{params.a.b}`, `{config.a.b}`,
 * `{resources.NAME}` (`cores` defaults to the rule's cores); `{wildcards.X}`
 * or `{X}`; `{log}`. Never throws for user errors.
 */
export function renderCommand(pieces: readonly CommandPiece[], job: RenderInput): Rendered {
  const out: string[] = []; // joined once: a flat string, not a rope of `+=`
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      out.push(piece.text);
      continue;
    }
    const words = placeholderWords(piece.path, job);
    if (words === undefined) return { ok: false, reason: `\`{${piece.path.join('.')}}\` has no value` };
    if (typeof words === 'string') out.push(shellQuote(words));
    else for (let i = 0; i < words.length; i += 1) out.push(i > 0 ? ' ' : '', shellQuote(words[i]!));
  }
  return { ok: true, command: out.join('') };
}

/** The words of one placeholder: a single string (the common case, no array), a list, or undefined. */
function placeholderWords(path: readonly string[], job: RenderInput): string | string[] | undefined {
  const [head, ...rest] = path;
  const name = rest[0];
  switch (head) {
    case 'input':
      if (rest.length === 0) return job.inputs.length === 1 ? job.inputs[0]!.path : job.inputs.map((i) => i.path);
      return rest.length === 1 ? named(job.inputs, name!) : undefined;
    case 'output':
      if (rest.length === 0) return job.outputs.length === 1 ? job.outputs[0]!.path : job.outputs.map((o) => o.path);
      return rest.length === 1 ? named(job.outputs, name!) : undefined;
    case 'params':
      return rest.length === 0 ? undefined : valueWords(lookupPath(job.params, rest));
    case 'config':
      return rest.length === 0 ? undefined : valueWords(lookupPath(job.config, rest));
    case 'resources':
      if (rest.length !== 1) return undefined;
      if (name === 'cores' && !Object.hasOwn(job.rule.model.resources, 'cores')) return String(job.rule.model.cores);
      return valueWords(lookupPath(job.rule.model.resources, rest));
    case 'log':
      return rest.length === 0 ? job.logPath : undefined;
    case 'wildcards':
      return rest.length === 1 ? wildcardWord(name!, job) : undefined;
    default:
      return rest.length === 0 && head !== undefined ? wildcardWord(head, job) : undefined;
  }
}

function named(files: readonly (JobInput | JobOutput)[], name: string): string[] | undefined {
  const hits = files.filter((f) => f.name === name).map((f) => f.path);
  return hits.length > 0 ? hits : undefined;
}

function wildcardWord(name: string, job: RenderInput): string | undefined {
  const i = job.rule.position.get(name);
  return i === undefined ? undefined : job.values[i]!;
}

/** A scalar → one word; a list → one word per scalar item; a map or absent → undefined. */
function valueWords(v: ConfigValue | undefined): string | string[] | undefined {
  if (v === undefined || isConfigObject(v)) return undefined;
  if (Array.isArray(v)) {
    const words: string[] = [];
    for (const item of v as readonly ConfigValue[]) {
      const w = valueWords(item);
      if (w === undefined) return undefined;
      if (typeof w === 'string') words.push(w);
      else words.push(...w);
    }
    return words;
  }
  return String(v);
}

/**
 * The default log path: `.wf/logs/RULE/k=v,k2=v2.log` in the rule's wildcard
 * order, `.wf/logs/RULE/RULE.log` without wildcards; `/` in a value becomes `%2F`.
 */
export function defaultLogPath(rule: RuleInfo, values: readonly string[]): string {
  if (rule.wildcards.length === 0) return `.wf/logs/${rule.model.name}/${rule.model.name}.log`;
  const parts: string[] = ['.wf/logs/', rule.model.name, '/'];
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    parts.push(i > 0 ? ',' : '', rule.wildcards[i]!, '=', v.includes('/') ? v.replaceAll('/', '%2F') : v);
  }
  parts.push('.log');
  return parts.join('');
}

/**
 * SHA-256 (lowercase hex) of the rule's declared inputs and outputs: for each,
 * its kind, name, product and pattern, plus temp/protected for outputs, in
 * declaration order, as canonical JSON. Stable across runs and machines.
 */
export function ruleDigest(rule: RuleModel): string {
  const shape = {
    inputs: rule.inputs.map((i) => [i.kind, i.name ?? null, i.product ?? null, i.pattern]),
    outputs: rule.outputs.map((o) => [o.name ?? null, o.product ?? null, o.pattern, o.temp, o.protected]),
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}
