/**
 * Lexing pass of the parser (spec §6 "Lexing"): runs the shared lexer, checks
 * token contents, and shapes the token stream for the grammar.
 *
 * Owns: WF1001 (unexpected character), WF1002 (unterminated string), WF1004
 * (invalid escape), WF1005 for regex literals, WF1007 (invalid number or
 * level); decoding of `"…"` escapes and `"""…"""` dedenting; dropping
 * newlines inside `[ … ]` and `( … )`. Must not: build AST nodes.
 */
import { createTokenInstance, type IToken, type TokenType } from 'chevrotain';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Span } from '../ir/nodes.js';
import {
  Dot,
  Equals,
  ITEM_KEYWORDS,
  LBracket,
  LCurly,
  Level,
  LParen,
  Newline,
  NumberLit,
  RBracket,
  RCurly,
  RegexLit,
  RParen,
  STATEMENT_KEYWORDS,
  StringLit,
  TripleString,
  wfLexer,
} from './tokens.js';

/** Tokens ready for the grammar plus the lexing diagnostics, in source order. */
export interface LexResult {
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

/** Span of one token (1-based, `endColumn` inclusive). */
export function tokenSpan(t: IToken, file: string): Span {
  return { file, line: t.startLine ?? 1, column: t.startColumn ?? 1, endLine: t.endLine ?? t.startLine ?? 1, endColumn: t.endColumn ?? t.startColumn ?? 1 };
}

/** Span of `length` characters on one line. */
function pointSpan(file: string, line: number, column: number, length = 1): Span {
  return { file, line, column, endLine: line, endColumn: column + Math.max(length, 1) - 1 };
}

/**
 * Lex `text`. Never throws. With `appendNewline`, the stream always ends with
 * a Newline token (a synthetic one with image `''` at the end of the text),
 * so every statement can end at a newline. Runs of newlines are collapsed.
 */
export function lex(text: string, file: string, appendNewline: boolean): LexResult {
  const result = wfLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const line = e.line ?? 1;
    const column = e.column ?? 1;
    const chars = text.slice(e.offset, e.offset + e.length);
    diagnostics.push(
      error('WF1001', `unexpected character${chars.length > 1 ? 's' : ''} \`${printable(chars)}\``, pointSpan(file, line, column, chars.length), charHint(chars)),
    );
  }
  for (const t of result.tokens) checkToken(t, file, diagnostics);
  return { tokens: shapeNewlines(result.tokens, text, appendNewline), diagnostics };
}

function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`).replace(/`/g, "'");
}

function charHint(chars: string): string | undefined {
  if (chars.startsWith("'")) return 'strings are written in double quotes: "…"';
  if (chars.startsWith(';')) return 'statements end at the end of the line; no `;` is needed';
  if (chars.startsWith('-')) return 'a `-` is only allowed in front of a number, or inside a quoted string';
  return undefined;
}

function report(out: Diagnostic[], code: DiagnosticCode, message: string, span: Span, hint?: string): void {
  out.push(error(code, message, span, hint));
}

function checkToken(t: IToken, file: string, out: Diagnostic[]): void {
  const type = t.tokenType;
  const img = t.image;
  if (type === StringLit) {
    if (img.length < 2 || !img.endsWith('"') || isEscapedAt(img, img.length - 1)) {
      report(out, 'WF1002', 'unterminated string: expected a closing `"` on the same line', tokenSpan(t, file),
        'close the string with `"`, or use """…""" for text over several lines');
    }
    for (const bad of invalidEscapes(img)) {
      report(out, 'WF1004', `invalid escape sequence \`\\${printable(img[bad + 1] ?? '')}\` in a string`,
        pointSpan(file, t.startLine ?? 1, (t.startColumn ?? 1) + bad, 2),
        'a string accepts \\", \\\\, \\n and \\t; write \\\\ for a backslash, or use """…""" for raw text');
    }
  } else if (type === TripleString) {
    if (img.length < 6 || !img.endsWith('"""')) {
      report(out, 'WF1002', 'unterminated string: expected a closing `"""`', pointSpan(file, t.startLine ?? 1, t.startColumn ?? 1, 3));
    }
  } else if (type === RegexLit) {
    checkRegex(t, file, out);
  } else if (type === Level) {
    if (!/^L\d+(?:\.\d+)?$/.test(img)) {
      report(out, 'WF1007', `\`${img}\` is not a valid level`, tokenSpan(t, file),
        'a level is L followed by a number, such as L1 or L1.5; a name cannot start with L and a digit');
    }
  } else if (type === NumberLit) {
    if (!/^-?\d+(?:\.\d+)?$/.test(img)) {
      report(out, 'WF1007', `\`${img}\` is not a valid number`, tokenSpan(t, file), 'write a number such as 2, -1 or 0.5');
    }
  }
}

/** True when the character at `i` is preceded by an odd number of backslashes. */
function isEscapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** 0-based offsets (in the token image) of backslashes starting an invalid escape. */
function invalidEscapes(img: string): number[] {
  const bad: number[] = [];
  for (let i = 1; i < img.length; i++) {
    if (img[i] !== '\\') continue;
    const next = img[i + 1];
    if (next !== undefined && !'"\\nt'.includes(next)) bad.push(i);
    i++;
  }
  return bad;
}

/** The value of a `"…"` token: quotes removed, the four escapes decoded, others kept as written. */
export function decodeString(img: string): string {
  const body = img.length >= 2 && img.endsWith('"') && !isEscapedAt(img, img.length - 1) ? img.slice(1, -1) : img.slice(1);
  return body.replace(/\\(.?)/gs, (m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === '"' || c === '\\' ? c : m));
}

/**
 * The value of a `"""…"""` token (spec §6): raw text, first and last lines
 * dropped when blank, then the common leading whitespace of the non-blank
 * lines removed. `\r\n` becomes `\n`; blank lines become empty.
 */
export function dedentTriple(img: string): string {
  const closed = img.length >= 6 && img.endsWith('"""');
  const lines = img.slice(3, closed ? -3 : undefined).replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[0]!.trim() === '') lines.shift();
  if (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 1 && lines[0]!.trim() === '') return '';
  let indent: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (indent === undefined) indent = ws;
    else {
      let k = 0;
      while (k < indent.length && k < ws.length && indent[k] === ws[k]) k++;
      indent = indent.slice(0, k);
    }
  }
  const cut = indent?.length ?? 0;
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(cut))).join('\n');
}

/** The source of a regex literal between its slashes (without a closing slash when unterminated). */
export function regexSource(img: string): string {
  return isRegexClosed(img) ? img.slice(1, -1) : img.slice(1);
}

function isRegexClosed(img: string): boolean {
  let inClass = false;
  for (let i = 1; i < img.length; i++) {
    const c = img[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return i === img.length - 1;
  }
  return false;
}

function checkRegex(t: IToken, file: string, out: Diagnostic[]): void {
  const span = tokenSpan(t, file);
  if (!isRegexClosed(t.image)) {
    report(out, 'WF1005', 'unterminated regular expression: expected a closing `/` on the same line', span, 'write e.g. wildcard obsid = /[0-9]{4}/');
    return;
  }
  const source = regexSource(t.image);
  if (source === '') {
    report(out, 'WF1005', 'empty regular expression', span, 'write e.g. wildcard obsid = /[0-9]{4}/');
    return;
  }
  try {
    new RegExp(source);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(e);
    report(out, 'WF1005', `invalid regular expression /${source}/: ${why.toLowerCase()}`, span);
  }
}

const OPENERS = new Map<TokenType, string>([[LBracket, '['], [LParen, '('], [LCurly, '{']]);
const CLOSERS = new Map<TokenType, string>([[RBracket, '['], [RParen, '('], [RCurly, '{']]);
const LINE_STARTERS = new Set<TokenType>([...STATEMENT_KEYWORDS, ...ITEM_KEYWORDS]);

/**
 * Drop newlines inside `[ … ]` and `( … )` (spec §6), collapse runs of
 * newlines, and end the stream with a newline. An unclosed `[`/`(` must not
 * swallow the rest of the file: a newline followed by a statement or rule
 * keyword (not used as a key `x =` or scope `x.`) closes every open bracket.
 */
function shapeNewlines(tokens: IToken[], text: string, appendNewline: boolean): IToken[] {
  const out: IToken[] = [];
  const stack: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const type = t.tokenType;
    if (type === Newline) {
      const top = stack[stack.length - 1];
      if (top === '[' || top === '(') {
        if (!startsNewLine(tokens, i + 1)) continue;
        while (stack.length > 0 && stack[stack.length - 1] !== '{') stack.pop();
      }
      const prev = out[out.length - 1];
      if (prev === undefined || prev.tokenType === Newline) continue;
    } else if (OPENERS.has(type)) {
      stack.push(OPENERS.get(type)!);
    } else if (CLOSERS.has(type)) {
      const want = CLOSERS.get(type)!;
      const at = stack.lastIndexOf(want);
      if (at >= 0) stack.length = at;
    }
    out.push(t);
  }
  const last = out[out.length - 1];
  if (appendNewline && (last === undefined || last.tokenType !== Newline)) {
    const lines = text.split('\n');
    const line = lines.length;
    const column = lines[line - 1]!.length + 1;
    out.push(createTokenInstance(Newline, '', text.length, text.length, line, line, column, column));
  }
  return out;
}

function startsNewLine(tokens: IToken[], i: number): boolean {
  let j = i;
  while (tokens[j]?.tokenType === Newline) j++;
  const t = tokens[j];
  if (t === undefined) return true;
  if (t.tokenType === RCurly) return true;
  if (!LINE_STARTERS.has(t.tokenType)) return false;
  const after = tokens[j + 1]?.tokenType;
  return after !== Equals && after !== Dot;
}
