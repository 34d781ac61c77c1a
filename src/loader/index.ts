/**
 * Loads a workflow: reads the main `.wf` file and every file it includes,
 * parses each once, and reports include problems (spec §2 `include`, §6
 * "Files and names").
 *
 * Owns file reading for `.wf` sources and nothing else: no semantic checks
 * (that is `checker/`), no printing. Never throws on user error.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileNode, Span } from '../ir/nodes.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { parse } from '../parser/index.js';

/** One parsed file of a workflow. */
export interface LoadedFile {
  /** Absolute, normalized path. */
  readonly path: string;
  /**
   * Relative to the display root (default `process.cwd()`) when inside it,
   * else absolute; used as `Span.file` and as the key of {@link LoadResult.sources}.
   */
  readonly displayPath: string;
  readonly ast: FileNode;
}

/** The outcome of {@link loadWorkflow}. */
export interface LoadResult {
  /** Main file first, then included files depth-first in include order; each file once. */
  readonly files: readonly LoadedFile[];
  /** displayPath → text of every file read (also those whose parse failed), for rendering carets. */
  readonly sources: ReadonlyMap<string, string>;
  /** Parser diagnostics of every file, then WF2001–WF2003, in discovery order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Options of {@link loadWorkflow}. */
export interface LoadOptions {
  /** Directory display paths are made relative to; default `process.cwd()`. */
  readonly displayRoot?: string;
}

/**
 * Read and parse `mainFile` and, recursively, every `include "path"` (a path
 * relative to the including file's directory). A file included more than
 * once (from anywhere) is loaded once. A file whose parse yields no AST
 * contributes its diagnostics but no {@link LoadedFile}.
 *
 * Emits WF2003 (main file missing or unreadable; no span), WF2001 (included
 * file missing or unreadable; at the include's path) and WF2002 (include
 * cycle, named like `a.wf -> b.wf -> a.wf`; at the include statement).
 * Throws only on internal error.
 */
export function loadWorkflow(mainFile: string, options: LoadOptions = {}): LoadResult {
  const displayRoot = path.resolve(options.displayRoot ?? process.cwd());
  const files: LoadedFile[] = [];
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const visited = new Set<string>();
  const stack: string[] = [];

  const display = (abs: string): string => {
    const rel = path.relative(displayRoot, abs);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  };

  const visit = (abs: string, text: string): void => {
    visited.add(abs);
    const displayPath = display(abs);
    sources.set(displayPath, text);
    const result = parse(text, displayPath);
    diagnostics.push(...result.diagnostics);
    if (!result.ast) return;
    files.push({ path: abs, displayPath, ast: result.ast });
    stack.push(abs);
    for (const st of result.ast.statements) {
      if (st.kind === 'include') include(abs, st.path, st.pathSpan, st.span);
    }
    stack.pop();
  };

  const include = (from: string, target: string, pathSpan: Span, statementSpan: Span): void => {
    const abs = path.resolve(path.dirname(from), target);
    const onStack = stack.indexOf(abs);
    if (onStack >= 0) {
      const cycle = [...stack.slice(onStack), abs].map(display).join(' -> ');
      diagnostics.push(
        error('WF2002', `include cycle: ${cycle}`, statementSpan, 'remove one of these includes; an included file must not include its includer'),
      );
      return;
    }
    if (visited.has(abs)) return;
    const read = readText(abs);
    if (!read.ok) {
      diagnostics.push(
        error(
          'WF2001',
          `cannot read included file \`${target}\`: ${read.reason}`,
          pathSpan,
          `include paths are relative to the including file's directory; this one resolves to ${display(abs)}`,
        ),
      );
      return;
    }
    visit(abs, read.text);
  };

  const mainAbs = path.resolve(mainFile);
  const main = readText(mainAbs);
  if (!main.ok) {
    diagnostics.push(error('WF2003', `cannot read workflow file \`${display(mainAbs)}\`: ${main.reason}`, undefined, 'pass an existing `.wf` file with `-f FILE`'));
  } else {
    visit(mainAbs, main.text);
  }
  return { files, sources, diagnostics };
}

type ReadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

function readText(abs: string): ReadResult {
  try {
    return { ok: true, text: readFileSync(abs, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    return { ok: false, reason };
  }
}
