/**
 * Placeholder syntax of `shell` commands (spec §3 "Shell", §6 "Placeholders").
 *
 * Only `{name}` and `{name.key…}` with identifier parts are placeholders;
 * `{{` and `}}` are literal braces; anything else in braces (`${HOME}`,
 * awk's `{print $1}`, `{a,b}`) is left to the shell untouched. Both the
 * checker (validation) and the planner (rendering) read commands through
 * {@link scanPlaceholders}, so they never disagree.
 */

/** One piece of a scanned command: literal text, or a placeholder. */
export type CommandPiece =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'placeholder';
      /** Dotted parts: `{input.raw}` → `['input', 'raw']`. */
      readonly path: readonly string[];
      /** 0-based offset of the `{` in the command text. */
      readonly offset: number;
      /** Length in characters including both braces. */
      readonly length: number;
    };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Split a command into text and placeholders. Pieces are in source order;
 * adjacent text is merged. `{{`/`}}` become single braces in text pieces.
 * A `{` preceded by `$` is never a placeholder (`${VAR}` belongs to bash).
 */
export function scanPlaceholders(command: string): CommandPiece[] {
  const pieces: CommandPiece[] = [];
  let text = '';
  let i = 0;
  const flush = (): void => {
    if (text !== '') pieces.push({ kind: 'text', text });
    text = '';
  };
  while (i < command.length) {
    const c = command[i]!;
    if (c === '{' && command[i + 1] === '{') {
      text += '{';
      i += 2;
      continue;
    }
    if (c === '}' && command[i + 1] === '}') {
      text += '}';
      i += 2;
      continue;
    }
    if (c === '{' && command[i - 1] !== '$') {
      const close = command.indexOf('}', i + 1);
      if (close > i) {
        const inner = command.slice(i + 1, close);
        const parts = inner.split('.');
        if (parts.every((p) => IDENT.test(p))) {
          flush();
          pieces.push({ kind: 'placeholder', path: parts, offset: i, length: close - i + 1 });
          i = close + 1;
          continue;
        }
      }
    }
    text += c;
    i += 1;
  }
  flush();
  return pieces;
}

/** Quote one word for bash: left bare when it holds only safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
