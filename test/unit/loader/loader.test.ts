import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../../src/loader/index.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-loader-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('loadWorkflow', () => {
  it('loads the main file then includes depth-first, each file once', () => {
    const dir = tree({
      'main.wf': 'include "lib/a.wf"\ninclude "b.wf"\n',
      'lib/a.wf': 'include "../b.wf"\ninclude "c.wf"\n',
      'lib/c.wf': 'product c L0 "c/{x}"\n',
      'b.wf': 'product b L0 "b/{x}"\n',
    });
    const result = loadWorkflow(path.join(dir, 'main.wf'), { displayRoot: dir });
    expect(result.diagnostics).toEqual([]);
    expect(result.files.map((f) => f.displayPath)).toEqual(['main.wf', 'lib/a.wf', 'b.wf', 'lib/c.wf']);
    expect(result.files[0]!.path).toBe(path.join(dir, 'main.wf'));
    expect([...result.sources.keys()]).toEqual(['main.wf', 'lib/a.wf', 'b.wf', 'lib/c.wf']);
  });

  it('reports an include cycle naming every file, at the include statement', () => {
    const dir = tree({ 'a.wf': 'include "b.wf"\n', 'b.wf': '\ninclude "a.wf"\n' });
    const result = loadWorkflow(path.join(dir, 'a.wf'), { displayRoot: dir });
    expect(result.diagnostics).toHaveLength(1);
    const d = result.diagnostics[0]!;
    expect(d.code).toBe('WF2002');
    expect(d.message).toBe('include cycle: a.wf -> b.wf -> a.wf');
    expect(d.span).toMatchObject({ file: 'b.wf', line: 2 });
  });

  it('reports a missing include at its path and still loads the rest', () => {
    const dir = tree({ 'main.wf': 'product a L0 "a/{x}"\ninclude "nope.wf"\n' });
    const result = loadWorkflow(path.join(dir, 'main.wf'), { displayRoot: dir });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['WF2001']);
    expect(result.diagnostics[0]!.span).toMatchObject({ file: 'main.wf', line: 2, column: 9 });
    expect(result.files).toHaveLength(1);
  });

  it('reports a missing main file without a span and without throwing', () => {
    const dir = tree({});
    const result = loadWorkflow(path.join(dir, 'missing.wf'), { displayRoot: dir });
    expect(result.files).toEqual([]);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'WF2003', severity: 'error' });
    expect(result.diagnostics[0]!.span).toBeUndefined();
  });

  it('uses absolute display paths outside the display root', () => {
    const dir = tree({ 'main.wf': 'product a L0 "a/{x}"\n' });
    const result = loadWorkflow(path.join(dir, 'main.wf'), { displayRoot: path.join(dir, 'elsewhere') });
    expect(result.files[0]!.displayPath).toBe(path.join(dir, 'main.wf'));
  });
});
