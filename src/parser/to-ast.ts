/**
 * CST → AST for statements and rule bodies (spec §2), producing exactly the
 * types of `ir/nodes.ts`.
 *
 * Owns: WF1006 (a reserved word used as a name), WF1003 for lines that do
 * not start a statement or rule item (`junkLine`/`junkItem`) and for an
 * unknown product setting. Keys of `{ … }` blocks and member names after a
 * dot may be reserved words (`resources { log = 1 }` is fine). A statement or
 * item that error recovery left incomplete is dropped: its syntax error was
 * already reported. Must not: check names across statements (the checker).
 */
import type { CstNode, IToken } from 'chevrotain';
import { error } from '../diagnostics/diagnostic.js';
import type { Entry, FileNode, Level, RefNode, RuleItem, Statement, TargetNode } from '../ir/nodes.js';
import { parseLevel } from '../util/levels.js';
import { type Ctx, node, nodes, nodeSpan, spanOf, tok } from './cst-read.js';
import { regexSource } from './lex.js';
import { closestWord, describeToken } from './messages.js';
import * as T from './tokens.js';
import { entriesOf, exprOf, stringValue } from './to-ast-values.js';

/** Convert a `file` CST to a {@link FileNode}; problems are appended to `ctx.diagnostics`. */
export function fileToAst(cst: CstNode, ctx: Ctx): FileNode {
  const statements: Statement[] = [];
  for (const st of nodes(cst, 'statement')) {
    const s = statementOf(st, ctx);
    if (s) statements.push(s);
  }
  return { file: ctx.file, statements };
}

/** A name token, reporting WF1006 when it is a reserved word (`what`: "a product"). */
function nameOf(t: IToken | undefined, what: string, ctx: Ctx): string | undefined {
  if (!t) return undefined;
  if (t.tokenType !== T.Identifier) {
    ctx.diagnostics.push(
      error('WF1006', `\`${t.image}\` is a reserved word and cannot name ${what}`, spanOf(t, ctx.file),
        `choose another name, such as \`${t.image}_1\` or \`my_${t.image}\``),
    );
  }
  return t.image;
}

function levelOf(t: IToken | undefined, ctx: Ctx): Level | undefined {
  if (!t) return undefined;
  const value = parseLevel(t.image);
  return value === undefined ? undefined : { text: t.image, value, span: spanOf(t, ctx.file) };
}

function statementOf(st: CstNode, ctx: Ctx): Statement | undefined {
  const [key, inner] = Object.entries(st.children)[0] ?? [];
  const n = inner?.[0] as CstNode | undefined;
  if (!key || !n) return undefined;
  const span = nodeSpan(n, ctx.file);
  if (!span) return undefined;
  switch (key) {
    case 'workflowStmt': {
      const name = tok(n, 'name');
      return name && { kind: 'workflow', name: stringValue(name), span };
    }
    case 'includeStmt': {
      const path = tok(n, 'path');
      return path && { kind: 'include', path: stringValue(path), pathSpan: spanOf(path, ctx.file), span };
    }
    case 'configStmt': {
      const block = node(n, 'mapBlock');
      return block && { kind: 'config', entries: entriesOf(block, ctx), span };
    }
    case 'wildcardStmt': {
      const nameTok = tok(n, 'name');
      const name = nameOf(nameTok, 'a wildcard', ctx);
      const regex = tok(n, 'regex');
      if (!nameTok || name === undefined || !regex) return undefined;
      return { kind: 'wildcard', name, nameSpan: spanOf(nameTok, ctx.file), regex: regexSource(regex.image), regexSpan: spanOf(regex, ctx.file), span };
    }
    case 'productStmt':
      return productOf(n, span, ctx);
    case 'defaultStmt': {
      const targets = nodes(n, 'target').map((t) => targetOf(t, ctx));
      return targets.every((t) => t !== undefined) && targets.length > 0 ? { kind: 'default', targets: targets as TargetNode[], span } : undefined;
    }
    case 'ruleStmt':
      return ruleOf(n, span, ctx);
    case 'junkLine':
      reportJunkLine(n, ctx);
      return undefined;
    default:
      return undefined;
  }
}

function productOf(n: CstNode, span: Statement['span'], ctx: Ctx): Statement | undefined {
  const nameTok = tok(n, 'name');
  const name = nameOf(nameTok, 'a product', ctx);
  const level = levelOf(tok(n, 'level'), ctx);
  const pattern = tok(n, 'pattern');
  let keywords: Entry[] = [];
  const body = node(n, 'productBody');
  for (const [i, key] of (body?.children['key'] ?? []).entries()) {
    const keyTok = key as IToken;
    if (keyTok.isInsertedInRecovery) continue;
    if (keyTok.image === 'keywords') keywords = [...keywords, ...entriesOf(node(body, 'block', i), ctx)];
    else {
      ctx.diagnostics.push(
        error('WF1003', `unknown product setting \`${keyTok.image}\`; a product body holds only \`keywords { … }\``, spanOf(keyTok, ctx.file),
          'write e.g. product catalog L3 "L3/catalog.tsv" { keywords { instrument = "ACIS" } }'),
      );
    }
  }
  if (!nameTok || name === undefined || !level || !pattern) return undefined;
  return {
    kind: 'product',
    name,
    nameSpan: spanOf(nameTok, ctx.file),
    level,
    pattern: stringValue(pattern),
    patternSpan: spanOf(pattern, ctx.file),
    keywords,
    span,
  };
}

function targetOf(n: CstNode, ctx: Ctx): TargetNode | undefined {
  const name = tok(n, 'name');
  if (name) return { kind: 'name', name: nameOf(name, 'a product or rule', ctx) ?? name.image, span: spanOf(name, ctx.file) };
  const lt = tok(n, 'level');
  const level = levelOf(lt, ctx);
  if (lt && level) return { kind: 'level', level, span: level.span };
  const path = tok(n, 'path');
  return path && { kind: 'path', path: stringValue(path), span: spanOf(path, ctx.file) };
}

function ruleOf(n: CstNode, span: Statement['span'], ctx: Ctx): Statement | undefined {
  const nameTok = tok(n, 'name');
  const name = nameOf(nameTok, 'a rule', ctx);
  const levelTok = tok(n, 'level');
  const level = levelOf(levelTok, ctx);
  const body = node(n, 'ruleBody');
  // Without a real `{` the body is recovery debris: its "items" would only repeat that error.
  if (!tok(body, 'LCurly')) return undefined;
  const items: RuleItem[] = [];
  for (const itemNode of nodes(body, 'ruleItem')) {
    const item = itemOf(itemNode, name ?? '', ctx);
    if (item) items.push(item);
  }
  if (!nameTok || name === undefined || (levelTok && !level)) return undefined;
  return { kind: 'rule', name, nameSpan: spanOf(nameTok, ctx.file), ...(level ? { level } : {}), items, span };
}

function itemOf(itemNode: CstNode, rule: string, ctx: Ctx): RuleItem | undefined {
  const [key, inner] = Object.entries(itemNode.children)[0] ?? [];
  const n = inner?.[0] as CstNode | undefined;
  if (!key || !n) return undefined;
  const span = nodeSpan(n, ctx.file);
  if (!span) return undefined;
  switch (key) {
    case 'inputItem':
    case 'outputItem': {
      const isInput = key === 'inputItem';
      const nameTok = tok(n, 'name');
      const name = nameOf(nameTok, isInput ? 'an input' : 'an output', ctx);
      const ref = refOf(node(n, 'ref'), isInput, ctx);
      if (!ref) return undefined;
      const named = nameTok && name !== undefined ? { name, nameSpan: spanOf(nameTok, ctx.file) } : {};
      if (isInput) return { kind: 'input', ...named, ref, span };
      const modifier = tok(n, 'modifier')?.image as 'temp' | 'protected' | undefined;
      return { kind: 'output', ...(modifier ? { modifier } : {}), ...named, ref, span };
    }
    case 'paramsItem':
    case 'resourcesItem':
    case 'slurmItem': {
      const block = node(n, 'mapBlock');
      if (!block || !tok(block, 'RCurly')) return undefined;
      return { kind: key === 'paramsItem' ? 'params' : key === 'resourcesItem' ? 'resources' : 'slurm', entries: entriesOf(block, ctx), span };
    }
    case 'whenItem': {
      const expr = exprOf(node(n, 'orExpr'), ctx);
      return expr && { kind: 'when', expr, span };
    }
    case 'shellItem':
    case 'timeoutItem':
    case 'logItem':
    case 'metricsItem': {
      const v = tok(n, 'value');
      if (!v) return undefined;
      const kind = key === 'shellItem' ? 'shell' : key === 'timeoutItem' ? 'timeout' : key === 'logItem' ? 'log' : 'metrics';
      return { kind, value: stringValue(v), span, valueSpan: spanOf(v, ctx.file), triple: v.tokenType === T.TripleString };
    }
    case 'retriesItem': {
      const v = tok(n, 'value');
      const value = v ? Number(v.image) : NaN;
      return v && /^-?\d+(?:\.\d+)?$/.test(v.image) ? { kind: 'retries', value, span } : undefined;
    }
    case 'junkItem':
      reportJunkItem(n, rule, ctx);
      return undefined;
    default:
      return undefined;
  }
}

function refOf(n: CstNode | undefined, isInput: boolean, ctx: Ctx): RefNode | undefined {
  const span = n && nodeSpan(n, ctx.file);
  if (!n || !span) return undefined;
  const path = tok(n, 'path');
  if (path) return { kind: 'path', pattern: stringValue(path), span };
  const product = tok(n, 'product');
  if (!product) return undefined;
  if (tok(n, 'All')) {
    return { kind: 'gather', product: nameOf(product, 'a product', ctx) ?? product.image, productSpan: spanOf(product, ctx.file), span };
  }
  if (product.tokenType === T.All) {
    ctx.diagnostics.push(
      error('WF1003', `expected a product name after \`all\`, found the end of the ${isInput ? 'input' : 'output'}`, span, 'write e.g. input all srclist'),
    );
    return undefined;
  }
  return { kind: 'product', name: nameOf(product, 'a product', ctx) ?? product.image, span };
}

const STATEMENT_WORDS = ['workflow', 'include', 'config', 'wildcard', 'product', 'default', 'rule'];
const ITEM_WORDS = ['input', 'output', 'params', 'when', 'shell', 'retries', 'timeout', 'resources', 'log', 'metrics', 'slurm'];

function reportJunkLine(n: CstNode, ctx: Ctx): void {
  const first = tok(n, 'first');
  if (!first) return;
  const span = spanOf(first, ctx.file);
  if (ITEM_WORDS.includes(first.image)) {
    ctx.diagnostics.push(error('WF1003', `\`${first.image}\` must be inside a rule`, span, 'write it between the braces of rule NAME [LEVEL] { … }'));
    return;
  }
  if (first.tokenType === T.RCurly) {
    ctx.diagnostics.push(error('WF1003', 'unexpected `}` with no open `{`', span));
    return;
  }
  const guess = first.tokenType === T.Identifier ? closestWord(first.image, STATEMENT_WORDS) : undefined;
  ctx.diagnostics.push(
    error('WF1003', `unexpected ${describeToken(first)}: expected a statement (workflow, include, config, wildcard, product, default or rule)`, span,
      guess ? `did you mean \`${guess}\`?` : undefined),
  );
}

function reportJunkItem(n: CstNode, rule: string, ctx: Ctx): void {
  const first = tok(n, 'first');
  if (!first) return;
  const guess = first.tokenType === T.Identifier ? closestWord(first.image, ITEM_WORDS) : undefined;
  ctx.diagnostics.push(
    error('WF1003', `unexpected ${describeToken(first)} in the rule \`${rule}\``, spanOf(first, ctx.file),
      guess ? `did you mean \`${guess}\`?` : 'a rule holds input, output, params, when, shell, retries, timeout, resources, log, metrics and slurm lines'),
  );
}
