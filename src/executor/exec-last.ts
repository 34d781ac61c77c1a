/**
 * Running the last command of a job in place: `mkdir -p L1/x && tr a-z A-Z
 * < in > out` is handed to the job's bash as `mkdir -p L1/x && exec tr a-z
 * A-Z < in > out`. In the launcher's `eval`, bash forks for every external
 * command, including the last one of a list, and then only waits for it
 * (`bash -c` itself runs a last command without redirections in place;
 * `eval` never does); `exec` saves that fork, ~1.4 ms of CPU and ~100 page
 * faults per job here (docs/performance.md). Lists of programs only go to
 * the direct launcher instead when Python is there (direct-launcher.ts);
 * this rewrite serves the lists with a builtin, and every list without
 * Python. The parser, {@link plainCommands}, serves both.
 *
 * The rewrite is made only where nothing can tell the difference from
 * `bash -euo pipefail -c COMMAND` (spec §3 "Shell"): the command is a plain
 * list, and its last command is a program that bash would find on `PATH`.
 * - **A plain list:** simple commands joined by `&&`, `||`, `;` or newlines,
 *   with redirections `<`, `>`, `>>` (an optional one-digit descriptor before
 *   them) and `N>&M`, `N<&M`; words made of `A-Za-z0-9_./:=@%+,-`, single-quoted
 *   text, and double-quoted text without `$`, `` ` `` or `\`. No expansion of
 *   any kind, no pipe (pipefail), no background job, no compound command,
 *   no assignment, no comment: whatever else a command holds, it is left as
 *   written.
 * - **Its commands:** every command name is a bare word that is not a
 *   reserved word; before the last command, a builtin is allowed only if it
 *   cannot change how later commands are found or parsed (`cd`, `echo`,
 *   `printf`, `pwd`, `true`, `false`, `:`).
 * - **Its last command:** names a program (not a builtin), without `/`, found
 *   as an executable file on an all-absolute `PATH`, so that bash's own
 *   messages (`command not found`) cannot change wording; and no shell
 *   function is exported into the jobs' environment (`BASH_FUNC_*`).
 *
 * What stays the same: the exit status (the list's status is that of the
 * command that ran last, 128+N when it is killed by signal N), `set -e`,
 * redirections and their error messages, the process group, the environment.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** bash's reserved words: a command starting with one is compound (`if`, `for`, `{`, …). */
const RESERVED = new Set(['!', '[[', ']]', 'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while', '{', '}']);

/** bash 5.2's builtins (`compgen -b`): never exec'd in place, and before the last command only {@link HARMLESS} ones. */
const BUILTINS = new Set([
  '.', ':', '[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'command', 'compgen', 'complete', 'compopt',
  'continue', 'declare', 'dirs', 'disown', 'echo', 'enable', 'eval', 'exec', 'exit', 'export', 'false', 'fc', 'fg',
  'getopts', 'hash', 'help', 'history', 'jobs', 'kill', 'let', 'local', 'logout', 'mapfile', 'popd', 'printf', 'pushd',
  'pwd', 'read', 'readarray', 'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'times',
  'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);

/** True when `name` is a bash builtin (a command bash runs without starting a program). */
export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}

/** Builtins that change neither how later commands are looked up nor how they are parsed. */
const HARMLESS = new Set([':', 'cd', 'echo', 'false', 'printf', 'pwd', 'true']);

/** Characters of a bare word (shellQuote's safe set, src/util/placeholders.ts). */
const BARE = /[A-Za-z0-9_./:=@%+,-]/;

/** A redirection operator at the start of a token: `[N]<`, `[N]>`, `[N]>>`, or a duplication `[N]>&M`, `[N]<&M` (no word follows). */
const REDIRECT = /[0-9]?(?:>>|<&[0-9]|>&[0-9]|<|>)/y;

/** A redirection of a simple command (spec §3 "Shell"), as written after quote removal. */
export interface Redirection {
  /** The descriptor redirected, 0-9 (`<` and `<&` default to 0, `>`, `>>` and `>&` to 1). */
  readonly fd: number;
  readonly op: '<' | '>' | '>>' | '<&' | '>&';
  /** The file name, or for `<&` and `>&` the descriptor copied (one digit). */
  readonly target: string;
}

/**
 * One simple command of a plain list, in the list's order: where it starts
 * (0-based UTF-16 offset), the 1-based line of its last token (the line
 * bash's messages name: `bash: line N: …`), the operator before it (`''` for the first, `';'` for `;` or a newline, `&&`,
 * `||`), its words after quote removal (the command name first, none when
 * it has redirections only) and its redirections in the order written.
 */
export interface SimpleCommand {
  readonly start: number;
  readonly line: number;
  readonly connector: '' | ';' | '&&' | '||';
  readonly name: string | undefined;
  readonly words: readonly string[];
  readonly redirections: readonly Redirection[];
}

/**
 * Split a plain list (see the module comment) into its simple commands, in
 * order; `null` when `command` is anything else, including a syntax error
 * (bash then reports it as usual).
 */
export function plainCommands(command: string): SimpleCommand[] | null {
  const commands: SimpleCommand[] = [];
  let start = -1; // offset of the current command, -1 before its first token
  let name: string | undefined;
  let nameSeen = false;
  let awaitingTarget = false; // a redirection operator wants its word
  let awaitingCommand = false; // `&&` or `||` wants the command after it
  let connector: SimpleCommand['connector'] = ''; // the operator before the next command
  let words: string[] = [];
  let redirections: Redirection[] = [];
  let pending: { fd: number; op: Redirection['op'] } | undefined; // a redirection awaiting its file name
  let lastEnd = 0; // offset just after the current command's last token
  const end = (): void => {
    const line = 1 + (command.slice(0, lastEnd).match(/\n/g)?.length ?? 0);
    commands.push({ start, line, connector, name, words, redirections });
    start = -1;
    name = undefined;
    nameSeen = false;
    awaitingCommand = false;
    words = [];
    redirections = [];
  };
  let i = 0;
  const n = command.length;
  while (i < n) {
    const c = command[i]!;
    if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '\n' || c === ';') {
      if (awaitingTarget || (c === ';' && start < 0)) return null; // `>` then nothing; `;;`, `&& ;`, a leading `;`
      if (start >= 0) {
        end();
        connector = ';';
      }
      i += 1;
    } else if ((c === '&' || c === '|') && command[i + 1] === c) {
      if (awaitingTarget || start < 0) return null;
      end();
      connector = c === '&' ? '&&' : '||';
      awaitingCommand = true;
      i += 2;
    } else if (c === '&' || c === '|') {
      return null; // a background job, a pipe
    } else {
      REDIRECT.lastIndex = i;
      const op = REDIRECT.exec(command)?.[0];
      if (op !== undefined) {
        const next = command[i + op.length];
        if (awaitingTarget || next === '<' || next === '>' || next === '|' || next === '&' || next === '(') return null; // <<, <>, >|, >&word, <( …
        if (op.includes('&') && next !== undefined && !/[ \t\n;&|]/.test(next)) return null; // `>&2x`: a file name after all
        if (start < 0) start = i;
        awaitingTarget = !op.includes('&');
        const digit = /^[0-9]/.test(op) ? Number(op[0]) : undefined;
        const bare = (digit === undefined ? op : op.slice(1)) as string;
        const kind = (bare.includes('&') ? bare.slice(0, 2) : bare) as Redirection['op'];
        const fd = digit ?? (kind[0] === '<' ? 0 : 1);
        if (awaitingTarget) pending = { fd, op: kind };
        else redirections.push({ fd, op: kind, target: bare.slice(2) });
        i += op.length;
        lastEnd = i;
        continue;
      }
      const wordStart = i;
      let word = '';
      let quoted = false;
      while (i < n) {
        const w = command[i]!;
        if (w === ' ' || w === '\t' || w === '\n' || w === ';' || w === '&' || w === '|' || w === '<' || w === '>') break;
        if (BARE.test(w)) {
          word += w;
          i += 1;
        } else if (w === "'") {
          const close = command.indexOf("'", i + 1);
          if (close < 0) return null;
          word += command.slice(i + 1, close);
          quoted = true;
          i = close + 1;
        } else if (w === '"') {
          const close = command.indexOf('"', i + 1);
          if (close < 0 || /[$`\\]/.test(command.slice(i + 1, close))) return null;
          word += command.slice(i + 1, close);
          quoted = true;
          i = close + 1;
        } else {
          return null; // $, `, \, globs, braces, ~, #, parentheses, non-ASCII outside quotes
        }
      }
      if (i === wordStart) return null; // nothing this parser knows (never reached: a guard against looping)
      if (!quoted && /^[0-9]+$/.test(word) && (command[i] === '<' || command[i] === '>')) return null; // `10>x`: a descriptor
      if (start < 0) start = wordStart;
      lastEnd = i;
      if (awaitingTarget) {
        awaitingTarget = false;
        redirections.push({ ...pending!, target: word });
      } else {
        if (!nameSeen) {
          nameSeen = true;
          if (quoted || word.includes('=') || RESERVED.has(word)) return null; // quoted names, assignments, compound commands
          name = word;
        }
        words.push(word);
      }
    }
  }
  if (awaitingTarget) return null;
  if (start >= 0) end();
  return awaitingCommand ? null : commands;
}

/**
 * `command` with `exec ` before its last simple command when that is safe
 * (see the module comment), else `command` unchanged. `findProgram(name)`
 * gives the program bash would run for `name` from `PATH`, if any
 * ({@link programLookup}).
 */
export function execLastInPlace(command: string, findProgram: (name: string) => string | undefined): string {
  const commands = plainCommands(command);
  if (commands === null || commands.length === 0) return command;
  const last = commands[commands.length - 1]!;
  for (const c of commands) {
    if (c.name === undefined) return command;
    if (BUILTINS.has(c.name) && (c === last || !HARMLESS.has(c.name))) return command;
  }
  if (last.name!.includes('/') || findProgram(last.name!) === undefined) return command;
  return `${command.slice(0, last.start)}exec ${command.slice(last.start)}`;
}

/**
 * A cached "which program does bash run for this command name?" for jobs
 * run with environment `env`: the first executable regular file of that
 * name in the directories of `env.PATH` (an absolute path), or undefined.
 * Always undefined when `PATH` has an empty or relative entry (bash
 * resolves those against the job's directory) or when `env` exports a
 * shell function (`BASH_FUNC_NAME%%`).
 */
export function programLookup(env: Readonly<Record<string, string | undefined>>): (name: string) => string | undefined {
  const dirs = (env.PATH ?? '').split(':');
  const usable = env.PATH !== undefined && dirs.every((d) => d !== '' && isAbsolute(d)) && !Object.keys(env).some((k) => k.startsWith('BASH_FUNC_'));
  const known = new Map<string, string | undefined>();
  return (name) => {
    if (!usable) return undefined;
    if (known.has(name)) return known.get(name);
    const found = dirs.map((d) => join(d, name)).find(isExecutableFile);
    known.set(name, found);
    return found;
  };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
