/**
 * Reading keywords of a FITS primary header for `header(INPUT, "KEY")` in
 * `when` (spec §3, §6 "`header()` and `exists()`").
 *
 * Parses the primary header only: 2880-byte blocks of 80-character ASCII
 * cards up to the `END` card. Reads through the {@link FileSystem} port and
 * never throws for a bad file: problems come back as a reason string.
 */
import type { FileSystem } from './fs.js';

/** A header keyword value: `'…'` → string, `T`/`F` → boolean, digits → number. */
export type HeaderValue = string | number | boolean;

/** The keywords of one primary header (first occurrence wins), or why it could not be read. */
export type HeaderResult =
  | { readonly ok: true; readonly keywords: ReadonlyMap<string, HeaderValue> }
  | { readonly ok: false; readonly reason: string };

const BLOCK = 2880;
const CARD = 80;
/** The most header bytes read: 100 blocks (3,600 cards). */
const MAX_HEADER_BYTES = BLOCK * 100;

/**
 * Parse the primary header from the first bytes of a file. Values: a quoted
 * string (`''` unescaped, trailing spaces trimmed), an integer or float
 * (`D` exponents accepted), `T`/`F`; other values (complex numbers, blank)
 * are kept as their trimmed text. `COMMENT`, `HISTORY` and blank cards are skipped.
 */
export function parseFitsHeader(bytes: Uint8Array): HeaderResult {
  const text = new TextDecoder('latin1').decode(bytes);
  if (!text.startsWith('SIMPLE  =')) return { ok: false, reason: 'it is not a FITS file (no SIMPLE card)' };
  const keywords = new Map<string, HeaderValue>();
  for (let at = 0; at + CARD <= text.length; at += CARD) {
    const card = text.slice(at, at + CARD);
    const key = card.slice(0, 8).trimEnd();
    if (key === 'END') return { ok: true, keywords };
    if (card.slice(8, 10) !== '= ' || key === '' || keywords.has(key)) continue;
    const value = parseValue(card.slice(10));
    if (value !== undefined) keywords.set(key, value);
  }
  return { ok: false, reason: `no END card in the first ${Math.floor(text.length / BLOCK)} header blocks` };
}

function parseValue(field: string): HeaderValue | undefined {
  const s = field.trimStart();
  if (s.startsWith("'")) {
    let out = '';
    for (let i = 1; i < s.length; i += 1) {
      if (s[i] === "'") {
        if (s[i + 1] === "'") {
          out += "'";
          i += 1;
          continue;
        }
        return out.trimEnd();
      }
      out += s[i];
    }
    return out.trimEnd(); // unterminated: be lenient
  }
  const raw = (s.includes('/') ? s.slice(0, s.indexOf('/')) : s).trim();
  if (raw === '') return undefined;
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  const num = raw.replace(/[dD]/, 'e');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num)) return Number(num);
  return raw;
}

/**
 * Reads headers through a {@link FileSystem}, each file at most once per plan.
 * A file that does not exist or is not FITS yields `ok: false` with a reason.
 */
export class HeaderReader {
  readonly #fs: FileSystem;
  readonly #cache = new Map<string, HeaderResult>();

  constructor(fs: FileSystem) {
    this.#fs = fs;
  }

  /** The header of `relPath` (root-relative), cached. */
  read(relPath: string): HeaderResult {
    let hit = this.#cache.get(relPath);
    if (!hit) {
      const bytes = this.#fs.exists(relPath) ? this.#fs.readHead(relPath, MAX_HEADER_BYTES) : undefined;
      hit = bytes === undefined ? { ok: false, reason: 'the file does not exist at planning time' } : parseFitsHeader(bytes);
      this.#cache.set(relPath, hit);
    }
    return hit;
  }
}
