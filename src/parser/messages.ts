/**
 * Syntax error messages in `.wf` words (STYLE §4): the Chevrotain
 * {@link IParserErrorMessageProvider} and the helpers that describe tokens.
 *
 * Owns: the wording of every WF1003 the grammar raises. A message is one
 * sentence without a trailing period; an optional hint follows after
 * {@link HINT_SEPARATOR}, split off by `index.ts`. Must not: mention token
 * type names, or decide positions or codes.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** Separates a message from its hint inside a Chevrotain error message. */
export const HINT_SEPARATOR = '\u0000';

/**
 * Mutable context the grammar updates while parsing, read when a message is
 * built: the name of the rule or product being parsed, and the open blocks
 * (innermost last) with the 1-based line of their `{`, and whether an
 * `input` or `output` item is being parsed. Reset per statement.
 */
export const messageContext: { rule: string | undefined; item: 'input' | 'output' | undefined; blocks: { owner: string; line: number }[] } = {
  rule: undefined,
  item: undefined,
  blocks: [],
};

/** Describe a token as found in the source: `` `=` ``, `the string "x"`, `the end of the line`. */
export function describeToken(t: IToken | undefined): string {
  if (t === undefined || t.tokenType.name === 'EOF' || (t.tokenType === T.Newline && t.image === '')) return 'the end of the file';
  switch (t.tokenType) {
    case T.Newline:
      return 'the end of the line';
    case T.StringLit:
    case T.TripleString:
      return `the string ${clip(t.image)}`;
    case T.RegexLit:
      return `the regular expression ${clip(t.image)}`;
    default:
      return `\`${clip(t.image)}\``;
  }
}

function clip(s: string): string {
  const one = s.replace(/\n/g, ' ');
  return one.length > 24 ? `${one.slice(0, 21)}…` : one;
}

function withHint(message: string, hint?: string): string {
  return hint === undefined ? message : `${message}${HINT_SEPARATOR}${hint}`;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function innerBlock(): { owner: string; line: number } | undefined {
  return messageContext.blocks[messageContext.blocks.length - 1];
}

const RULE_HINT = 'a rule looks like: rule NAME [LEVEL] { input …, output …, shell "…" }';
const PRODUCT_HINT = 'write e.g. product evt1 L1 "L1/{obsid}/evt1.dat"';
const WILDCARD_HINT = 'write e.g. wildcard obsid = /[0-9]{4}/';
const VALUE_WORDS = 'a value (a quoted string, a number, true, false, a list [ … ] or a map { … })';
const EXPR_WORDS = 'a value, a wildcard name, `config.NAME`, a function call or `(`';

/** Phrase and hint for a missing token of type `expected` in grammar rule `ruleName`. */
function expectation(ruleName: string, expected: TokenType, previous: IToken): [string, string?] {
  const after = `after ${describeToken(previous)}`;
  const key = `${ruleName}:${expected.name}`;
  switch (key) {
    case 'workflowStmt:StringLit':
      return ['the workflow name in quotes after `workflow`', 'write e.g. workflow "xray-pipeline"'];
    case 'includeStmt:StringLit':
      return ['a quoted file path after `include`', 'write e.g. include "calib.wf"'];
    case 'wildcardStmt:Word':
      return ['a wildcard name after `wildcard`', WILDCARD_HINT];
    case 'wildcardStmt:Equals':
      return [`\`=\` ${after}`, WILDCARD_HINT];
    case 'wildcardStmt:RegexLit':
      return ['a regular expression such as /[0-9]{4}/ after `=`', WILDCARD_HINT];
    case 'productStmt:Word':
      return ['a product name after `product`', PRODUCT_HINT];
    case 'productStmt:Level':
      return ['a level such as L1 after the product name', PRODUCT_HINT];
    case 'productStmt:StringLit':
      return ['a quoted path pattern after the level', PRODUCT_HINT];
    case 'productBody:Word':
    case 'productBody:RCurly':
      return ['`keywords { … }` or `}` in the product body', 'write e.g. product catalog L3 "L3/catalog.tsv" { keywords { instrument = "ACIS" } }'];
    case 'ruleStmt:Word':
      return ['a rule name after `rule`', RULE_HINT];
    case 'ruleBody:LCurly':
      return [`\`{\` to open the rule \`${messageContext.rule ?? ''}\``, 'the body of a rule starts on the same line: rule NAME [LEVEL] {'];
    case 'ruleBody:RCurly':
      return [`\`}\` to close the rule \`${messageContext.rule ?? ''}\``, openedHint()];
    case 'mapBlock:LCurly':
      return [`\`{\` ${after}`, 'a block looks like { key = value, … }'];
    case 'mapBlock:RCurly':
      return [`a \`key = value\` entry or \`}\` to close the ${innerBlock()?.owner ?? 'block'}`, openedHint()];
    case 'entry:Equals':
      return [`\`=\` after the key ${describeToken(previous)}`, 'an entry looks like key = value'];
    case 'ref:Word':
      return ['a product name after `all`', 'write e.g. input all srclist'];
    case 'retriesItem:NumberLit':
      return ['a number after `retries`', 'write e.g. retries 2'];
    case 'timeoutItem:StringLit':
      return ['a quoted duration such as "10m" after `timeout`', 'write e.g. timeout "90s", "10m" or "2h"'];
    case 'logItem:StringLit':
      return ['a quoted path pattern after `log`', 'write e.g. log "logs/{obsid}.log"'];
    case 'metricsItem:StringLit':
      return ['a quoted path pattern after `metrics`', 'write e.g. metrics "qc/{obsid}.json"'];
    case 'list:RBracket':
      return ['`,` or `]` in the list'];
    case 'memberPath:Dot':
      return [`\`.\` and a name ${after}`];
    case 'primary:RParen':
    case 'call:RParen':
      return ['`)`'];
    case 'call:LParen':
      return [`\`(\` ${after}`];
    default:
      return [`${label(expected)} ${after}`];
  }
}

function openedHint(): string | undefined {
  const b = innerBlock();
  return b && b.line > 0 ? `the ${b.owner} opens on line ${b.line}` : undefined;
}

/** Phrase and hint when no alternative of `ruleName` matches. */
function alternatives(ruleName: string, previous: IToken, paths: TokenType[][][]): [string, string?] {
  const after = `after ${describeToken(previous)}`;
  switch (ruleName) {
    case 'ref':
      return messageContext.item === 'input'
        ? [`a product name, a quoted path or \`all PRODUCT\` ${after}`, 'write e.g. input raw = telem']
        : [`a product name or a quoted path ${after}`, 'write e.g. output evt1'];
    case 'shellItem':
      return ['a quoted command after `shell`', 'write shell "cmd {input} > {output}", or shell """ … """ over several lines'];
    case 'target':
      return [`a target (a product or rule name, a level such as L2, or a quoted path) ${after}`, 'write e.g. default catalog, L2'];
    case 'value':
      return [`${VALUE_WORDS} ${after}`];
    case 'primary':
    case 'notExpr':
      return [`${EXPR_WORDS} ${after}`, 'write e.g. when obsid not in config.exclude'];
    case 'cmpExpr':
      return [`a comparison operator ${after}`];
    case 'memberPath':
      return [`a name ${after}`];
    default: {
      const firsts = [...new Set(paths.flatMap((alt) => alt.map((p) => (p[0] ? label(p[0]) : ''))).filter((s) => s !== ''))];
      return [`${firsts.length > 0 ? firsts.join(' or ') : 'something else'} ${after}`];
    }
  }
}

/** The Chevrotain message provider: every message in `.wf` words, never token names. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (expected === T.Newline && (ruleName === 'statementEnd' || ruleName === 'entryEnd')) {
      return withHint(`unexpected ${describeToken(actual)}`, endHint(ruleName));
    }
    const [what, hint] = expectation(ruleName, expected, previous);
    return withHint(`expected ${what}, found ${describeToken(actual)}`, hint);
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    if (ruleName === 'entryEnd') return withHint(`unexpected ${describeToken(actual[0])}`, endHint(ruleName));
    const [what, hint] = alternatives(ruleName, previous, expectedPathsPerAlt);
    return withHint(`expected ${what}, found ${describeToken(actual[0])}`, hint);
  },
  buildEarlyExitMessage({ actual, previous, ruleName }) {
    if (ruleName === 'memberPath') return `expected \`.\` and a name after ${describeToken(previous)}, found ${describeToken(actual[0])}`;
    return `unexpected ${describeToken(actual[0])} after ${describeToken(previous)}`;
  },
};

function endHint(ruleName: string): string {
  return ruleName === 'entryEnd'
    ? 'inside { } put each entry on its own line or separate entries with `,`'
    : 'a statement ends at the end of its line';
}

/** The candidate closest to `word` by edit distance (at most 2, and less than its length), if any. */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, word.length);
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
