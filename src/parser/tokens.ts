/**
 * Token vocabulary of `.wf` and the one Chevrotain lexer built from it
 * (spec §6 "Lexing", "Files and names").
 *
 * Owns: token types, their human labels (used in messages instead of token
 * names), the keyword table and the token categories the grammar uses to
 * accept "any word" where a reserved word is allowed or merely reported.
 * Must not: validate token contents (escapes, regexes, numbers); that is
 * `lex.ts`.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Any word: an identifier or a reserved word (keys, member names, names reported with WF1006). */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA, label: 'a name' });
/** Every reserved word of spec §6. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA, label: 'a reserved word' });
/** Tokens that cannot start a top-level statement (for junk lines). */
export const NotStatementStart = createToken({ name: 'NotStatementStart', pattern: Lexer.NA });
/** Tokens that cannot start a rule item nor a statement (for junk rule lines). */
export const NotItemStart = createToken({ name: 'NotItemStart', pattern: Lexer.NA });
/** Every token except a newline (rest of a junk line). */
export const NotNewline = createToken({ name: 'NotNewline', pattern: Lexer.NA });

export const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\r\f\v]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\n/, line_breaks: true, label: 'the end of the line' });

/** `"""…"""`; an unterminated one runs to the end of the file (WF1002 in lex.ts). */
export const TripleString = createToken({
  name: 'TripleString',
  pattern: /"""(?:[^"]|"(?!""))*(?:""")?/,
  line_breaks: true,
  label: 'a string',
});
/** `"…"`; the closing quote is optional so an unterminated string still lexes (WF1002 in lex.ts). */
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n]|\\[^\n]?)*"?/, label: 'a string' });
/** `/regex/` (a `/` inside `[…]` or escaped as `\/` does not close it); closing `/` optional (WF1005). */
export const RegexLit = createToken({
  name: 'RegexLit',
  pattern: /\/(?:[^/\\\n[]|\\[^\n]?|\[(?:[^\]\\\n]|\\[^\n]?)*\]?)*\/?/,
  label: 'a regular expression',
});
/** `L` followed by a digit; anything but `L<number>` is reported as WF1007 by lex.ts. */
export const Level = createToken({ name: 'Level', pattern: /L\d[\w.]*/, label: 'a level' });
/** Digits, optionally negative; validated (`1.2.3` → WF1007) by lex.ts. */
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?\d[\w.]*/, label: 'a number' });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_]\w*/, label: 'a name' });

const keywordTokens: TokenType[] = [];
function keyword(word: string): TokenType {
  const t = createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `\`${word}\``,
  });
  keywordTokens.push(t);
  return t;
}

export const Workflow = keyword('workflow');
export const Include = keyword('include');
export const Config = keyword('config');
export const Wildcard = keyword('wildcard');
export const Product = keyword('product');
export const Default = keyword('default');
export const Rule = keyword('rule');
export const Input = keyword('input');
export const Output = keyword('output');
export const Temp = keyword('temp');
export const Protected = keyword('protected');
export const Params = keyword('params');
export const When = keyword('when');
export const Shell = keyword('shell');
export const Retries = keyword('retries');
export const Timeout = keyword('timeout');
export const Resources = keyword('resources');
export const Log = keyword('log');
export const Metrics = keyword('metrics');
/** `slurm { … }` (wf extension): a rule's cluster options. */
export const Slurm = keyword('slurm');
export const All = keyword('all');
export const In = keyword('in');
export const Not = keyword('not');
export const And = keyword('and');
export const Or = keyword('or');
export const True = keyword('true');
export const False = keyword('false');

function punct(name: string, pattern: RegExp, text: string): TokenType {
  return createToken({ name, pattern, label: `\`${text}\`` });
}
export const LCurly = punct('LCurly', /{/, '{');
export const RCurly = punct('RCurly', /}/, '}');
export const LBracket = punct('LBracket', /\[/, '[');
export const RBracket = punct('RBracket', /]/, ']');
export const LParen = punct('LParen', /\(/, '(');
export const RParen = punct('RParen', /\)/, ')');
export const Comma = punct('Comma', /,/, ',');
export const Dot = punct('Dot', /\./, '.');
export const EqEq = punct('EqEq', /==/, '==');
export const NotEq = punct('NotEq', /!=/, '!=');
export const LtEq = punct('LtEq', /<=/, '<=');
export const GtEq = punct('GtEq', />=/, '>=');
export const Lt = punct('Lt', /</, '<');
export const Gt = punct('Gt', />/, '>');
export const Equals = punct('Equals', /=/, '=');

/** Statement keywords: a line starting with one begins a new statement. */
export const STATEMENT_KEYWORDS: readonly TokenType[] = [Workflow, Include, Config, Wildcard, Product, Default, Rule];
/** Keywords that start a rule item. */
export const ITEM_KEYWORDS: readonly TokenType[] = [Input, Output, Params, When, Shell, Retries, Timeout, Resources, Log, Metrics, Slurm];

/** The reserved words of spec §6, as written. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(keywordTokens.map((t) => (t.LABEL ?? '').slice(1, -1)));

const punctuation = [LCurly, RCurly, LBracket, RBracket, LParen, RParen, Comma, Dot, EqEq, NotEq, LtEq, GtEq, Lt, Gt, Equals];
const literals = [TripleString, StringLit, RegexLit, Level, NumberLit];

// Categories are assigned after creation so each token lists exactly the sets it belongs to.
for (const t of [...keywordTokens, Identifier, ...punctuation, ...literals]) {
  const cats: TokenType[] = [NotNewline];
  if (!STATEMENT_KEYWORDS.includes(t)) cats.push(NotStatementStart);
  if (!STATEMENT_KEYWORDS.includes(t) && !ITEM_KEYWORDS.includes(t) && t !== RCurly && t !== Comma) cats.push(NotItemStart);
  if (t === Identifier || keywordTokens.includes(t)) cats.push(Word);
  if (keywordTokens.includes(t)) cats.push(Keyword);
  t.CATEGORIES = cats;
}

/** Every token type, categories first, in lexer priority order. */
export const ALL_TOKENS: readonly TokenType[] = [
  Word,
  Keyword,
  NotStatementStart,
  NotItemStart,
  NotNewline,
  Whitespace,
  Comment,
  Newline,
  TripleString,
  StringLit,
  RegexLit,
  Level,
  NumberLit,
  ...keywordTokens,
  Identifier,
  ...punctuation,
];

/**
 * Chevrotain's grammar validations check the grammar itself, not the user's
 * input; they cost ~100 ms of start-up. They run under the test runner (and
 * with WF_GRAMMAR_CHECKS=1), where a grammar change is caught; the shipped
 * CLI skips them.
 */
export const SKIP_GRAMMAR_VALIDATIONS = process.env['VITEST'] === undefined && process.env['WF_GRAMMAR_CHECKS'] !== '1';

/**
 * The process-wide lexer (built once; STYLE §7). Only `\n` ends a line, so
 * line numbers agree with `text.split('\n')`; `\r` is whitespace.
 */
export const wfLexer = new Lexer(ALL_TOKENS as TokenType[], {
  positionTracking: 'full',
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
  ensureOptimizations: false,
  skipValidations: SKIP_GRAMMAR_VALIDATIONS,
});
