/**
 * Evaluation of a rule's `when` condition for one job (spec §3 "`when`",
 * §6 "`header()` and `exists()`", "`--config K=V`").
 *
 * Semantics: strings compare with strings, numbers with numbers; a wildcard
 * value that looks like a number compares as a number against a number.
 * `==`/`!=` between different types are simply false/true; an ordering
 * comparison between different types is WF2112. `in`/`not in` need a list
 * on the right. `and`/`or`/`not` need booleans and short-circuit.
 * `exists("pattern")` renders the pattern with the job's wildcards and asks
 * the disk. `header(INPUT, "KEY")` reads the primary header of the input (an
 * input name of the rule, or a quoted pattern rendered with the wildcards);
 * a file missing at plan time, an unreadable header and a missing keyword
 * are all WF2106 errors (a missing keyword is not silently false: a typo in
 * a keyword would otherwise exclude every job).
 *
 * Reads files only through the {@link FileSystem} port; never throws for a
 * user error (a private exception class carries errors to the entry point).
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { ConfigValue } from '../ir/model.js';
import type { Expr, Span } from '../ir/nodes.js';
import type { JobInput } from '../ir/plan.js';
import { jobName, valueLookup, type PlanState, type RuleInfo } from './context.js';
import { renderPattern } from './patterns.js';
import { evaluateValue, lookupPath, scalarText } from './values.js';

/** What `when` is evaluated against: one candidate job. */
export interface WhenScope {
  readonly state: PlanState;
  readonly rule: RuleInfo;
  /** The job's values, in the rule's wildcard order. */
  readonly values: readonly string[];
  /** The job's resolved inputs (for `header(INPUT, …)` and `input.x`). */
  readonly inputs: readonly JobInput[];
}

/** The condition's value, or the error (WF2106, WF2112) that stopped it. */
export type WhenOutcome = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly diagnostic: Diagnostic };

/** A wildcard value: a string that compares as a number against a number when it looks like one. */
class Wild {
  constructor(readonly text: string) {}
}

type Value = string | number | boolean | Wild | readonly Value[] | { readonly [k: string]: ConfigValue };

class EvalError {
  constructor(
    readonly code: DiagnosticCode,
    readonly message: string,
    readonly span: Span,
  ) {}
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Evaluate `expr` for one job. Returns false/true, or an error diagnostic
 * (WF2106 header problems, WF2112 type errors, unknown names or a non-boolean
 * condition) whose message names the job. Throws only on internal error.
 */
export function evaluateWhen(expr: Expr, scope: WhenScope): WhenOutcome {
  try {
    const v = evaluate(expr, scope);
    if (typeof v !== 'boolean') throw new EvalError('WF2112', `the condition is ${describe(v)}, not true or false`, expr.span);
    return { ok: true, value: v };
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    const where = `\`when\` of job ${jobName(scope.rule, scope.values)}`;
    return { ok: false, diagnostic: error(e.code, `${where}: ${e.message}`, e.span) };
  }
}

function evaluate(expr: Expr, scope: WhenScope): Value {
  switch (expr.kind) {
    case 'literal': {
      const v = evaluateValue(expr.value, scope.state.config);
      if (!v.ok) throw new EvalError('WF2112', `\`${v.missing}\` is not set`, expr.span);
      return v.value;
    }
    case 'name':
      return wildcard(expr.name, scope, expr.span);
    case 'member':
      return member(expr, scope);
    case 'call':
      return call(expr, scope);
    case 'not':
      return !asBoolean(evaluate(expr.operand, scope), expr.operand.span, 'not');
    case 'binary':
      return binary(expr, scope);
    default:
      throw new Error(`internal error: unknown when expression ${JSON.stringify(expr)}`);
  }
}

function wildcard(name: string, scope: WhenScope, span: Span): Wild {
  const i = scope.rule.position.get(name);
  if (i === undefined) throw new EvalError('WF2112', `\`${name}\` is not a wildcard of rule ${scope.rule.model.name}`, span);
  return new Wild(scope.values[i]!);
}

function member(expr: Extract<Expr, { kind: 'member' }>, scope: WhenScope): Value {
  const dotted = `${expr.scope}.${expr.path.join('.')}`;
  switch (expr.scope) {
    case 'wildcards':
      return wildcard(expr.path[0] ?? '', scope, expr.span);
    case 'config':
    case 'params': {
      const root = expr.scope === 'config' ? scope.state.config : scope.rule.params;
      const v = root === undefined ? undefined : lookupPath(root, expr.path);
      if (v === undefined) throw new EvalError('WF2112', `\`${dotted}\` is not set`, expr.span);
      return v;
    }
    case 'input': {
      const paths = inputPaths(expr.path[0] ?? '', scope, expr.span);
      return paths.length === 1 ? paths[0]! : paths;
    }
    default:
      throw new Error(`internal error: unknown member scope in ${dotted}`);
  }
}

function inputPaths(name: string, scope: WhenScope, span: Span): string[] {
  const paths: string[] = scope.inputs.filter((i) => i.name === name).map((i) => i.path);
  if (paths.length === 0 && !scope.rule.inputs.some((i) => i.model.name === name)) {
    throw new EvalError('WF2112', `rule ${scope.rule.model.name} has no input named \`${name}\``, span);
  }
  return paths;
}

/** A pattern argument rendered with the job's wildcards. */
function renderArg(arg: Expr, scope: WhenScope): string {
  const text = evaluate(arg, scope);
  if (typeof text !== 'string') throw new EvalError('WF2112', `expected a quoted path, got ${describe(text)}`, arg.span);
  const pattern = scope.state.patterns.get(text);
  if (!pattern) throw new EvalError('WF2112', `"${text}" is not a valid path pattern`, arg.span);
  const lookup = valueLookup(scope.rule, scope.values);
  const missing = pattern.wildcards.find((w) => lookup(w) === undefined);
  if (missing !== undefined) throw new EvalError('WF2112', `\`{${missing}}\` in "${text}" is not a wildcard of rule ${scope.rule.model.name}`, arg.span);
  return renderPattern(pattern, lookup);
}

function call(expr: Extract<Expr, { kind: 'call' }>, scope: WhenScope): Value {
  const [first, second] = expr.args;
  if (expr.callee === 'exists' && expr.args.length === 1) return scope.state.fs.exists(renderArg(first!, scope));
  if (expr.callee === 'header' && expr.args.length === 2) {
    let path: string;
    if (first!.kind === 'name' || (first!.kind === 'member' && first!.scope === 'input')) {
      const name = first!.kind === 'name' ? first!.name : first!.path[0] ?? '';
      const paths = inputPaths(name, scope, first!.span);
      if (paths.length !== 1) throw new EvalError('WF2112', `header() needs one file, but input \`${name}\` has ${paths.length}`, first!.span);
      path = paths[0]!;
    } else {
      path = renderArg(first!, scope);
    }
    const key = evaluate(second!, scope);
    if (typeof key !== 'string') throw new EvalError('WF2112', `header() needs a quoted keyword, got ${describe(key)}`, second!.span);
    const header = scope.state.headers.read(path);
    if (!header.ok) throw new EvalError('WF2106', `cannot read the FITS header of \`${path}\`: ${header.reason}`, expr.span);
    const value = header.keywords.get(key.toUpperCase());
    if (value === undefined) throw new EvalError('WF2106', `\`${path}\` has no keyword ${key} in its primary header`, expr.span);
    return value;
  }
  throw new EvalError('WF2112', `unknown function ${expr.callee}() with ${expr.args.length} arguments`, expr.calleeSpan);
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, scope: WhenScope): Value {
  if (expr.op === 'and' || expr.op === 'or') {
    const left = asBoolean(evaluate(expr.left, scope), expr.left.span, expr.op);
    if (expr.op === 'and' ? !left : left) return left;
    return asBoolean(evaluate(expr.right, scope), expr.right.span, expr.op);
  }
  const left = evaluate(expr.left, scope);
  const right = evaluate(expr.right, scope);
  switch (expr.op) {
    case '==':
      return equals(left, right);
    case '!=':
      return !equals(left, right);
    case 'in':
    case 'not-in': {
      if (!Array.isArray(right)) throw new EvalError('WF2112', `\`${expr.op === 'in' ? 'in' : 'not in'}\` needs a list on its right, got ${describe(right)}`, expr.right.span);
      const found = (right as readonly Value[]).some((item) => equals(left, item));
      return expr.op === 'in' ? found : !found;
    }
    default: {
      const [a, b] = coerce(left, right);
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) {
        throw new EvalError('WF2112', `cannot compare ${describe(left)} with ${describe(right)} using ${expr.op}`, expr.span);
      }
      if (expr.op === '<') return a < b;
      if (expr.op === '<=') return a <= b;
      if (expr.op === '>') return a > b;
      return a >= b;
    }
  }
}

/** Unwrap wildcard values: a numeric-looking one becomes a number when the other side is a number. */
function coerce(a: Value, b: Value): [Value, Value] {
  const unwrap = (x: Value, other: Value): Value =>
    x instanceof Wild ? (typeof other === 'number' && NUMERIC.test(x.text) ? Number(x.text) : x.text) : x;
  return [unwrap(a, b instanceof Wild ? b.text : b), unwrap(b, a instanceof Wild ? a.text : a)];
}

function equals(left: Value, right: Value): boolean {
  const [a, b] = coerce(left, right);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x as Value, b[i] as Value));
  return typeof a !== 'object' && a === b;
}

function asBoolean(v: Value, span: Span, op: string): boolean {
  if (typeof v !== 'boolean') throw new EvalError('WF2112', `\`${op}\` needs true or false, got ${describe(v)}`, span);
  return v;
}

function describe(v: Value): string {
  if (v instanceof Wild) return `the wildcard value "${v.text}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string "${v}"`;
  return `the ${typeof v} ${scalarText(v as number | boolean)}`;
}
