/**
 * The last program of a plain list runs in place (`exec`), and nothing else
 * is touched (spec §3 "Shell"; src/executor/exec-last.ts).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execLastInPlace, plainCommands, programLookup } from '../../../src/executor/exec-last.js';
import { tempRoot } from '../../helpers/fs.js';

const programs = new Set(['mkdir', 'tr', 'cp', 'cat', 'head', 'xargs', 'sort', 'calibrate']);
const findProgram = (name: string): string | undefined => (programs.has(name) ? `/usr/bin/${name}` : undefined);

describe('exec of the last command of a plain list', () => {
  it('puts exec before the last program of a list of simple commands', () => {
    const cases: [string, string][] = [
      ['mkdir -p L1/obs1 && tr a-z A-Z < raw/obs1/telem.dat > L1/obs1/evt1.dat', 'mkdir -p L1/obs1 && exec tr a-z A-Z < raw/obs1/telem.dat > L1/obs1/evt1.dat'],
      ["cat 'a file' \"b file\" > out", "exec cat 'a file' \"b file\" > out"],
      ['mkdir -p d\ncp a d/b\n', 'mkdir -p d\nexec cp a d/b\n'],
      ['cp a b || cp c b', 'cp a b || exec cp c b'],
      ['cd sub && sort -k2,2 in.txt >> ../out.txt', 'cd sub && exec sort -k2,2 in.txt >> ../out.txt'],
      ['2>err.log cat x', 'exec 2>err.log cat x'],
      ['echo start; calibrate --gain=2.5 in 2>&1 >out;', 'echo start; exec calibrate --gain=2.5 in 2>&1 >out;'],
      ['mkdir -p L3 &&\n  xargs cat < src.list > L3/catalog.dat', 'mkdir -p L3 &&\n  exec xargs cat < src.list > L3/catalog.dat'],
    ];
    for (const [command, expected] of cases) expect(execLastInPlace(command, findProgram), command).toBe(expected);
  });

  it('leaves every other command as written', () => {
    const unchanged = [
      'cat a | sort', // a pipe: pipefail decides the status
      'cat a & wait',
      'cat $HOME/x',
      'cat "${x}"',
      'cat "$-free text"', // `$` inside double quotes
      'cat `ls`',
      'cat a\\ b',
      'cat *.txt',
      'cat ~/x',
      'cat {a,b}',
      'cat a # comment',
      '(cat a)',
      '{ cat a; }',
      'if true; then cat a; fi',
      'for f in a b; do cat $f; done',
      'time cat a',
      '! cat a',
      'X=1 cat a',
      'cat <<EOF\nx\nEOF',
      'cat a &> b',
      'cat a >| b',
      'cat <(cat a)',
      'cat a >&2x',
      '10>x cat a',
      'cat a >',
      'cat a &&',
      '; cat a',
      'cat a ;; cat b',
      'cat a && echo done', // a builtin last
      'export A=1; cat a', // a builtin that changes what later commands see
      'alias cat=tac; cat a',
      './script.sh a',
      'bin/tool a',
      "'cat' a",
      'nosuch a', // bash's "command not found" keeps its wording
      '> out', // no command at all
      'mkdir d && > d/out',
      'cat é',
      '',
    ];
    for (const command of unchanged) expect(execLastInPlace(command, findProgram), command).toBe(command);
  });

  it('splits a plain list into its simple commands: offsets, operators, words after quote removal, redirections in order', () => {
    expect(plainCommands('mkdir -p d && <in tr a b >d/o; cat d/o')).toEqual([
      { start: 0, line: 1, connector: '', name: 'mkdir', words: ['mkdir', '-p', 'd'], redirections: [] },
      {
        start: 14,
        line: 1,
        connector: '&&',
        name: 'tr',
        words: ['tr', 'a', 'b'],
        redirections: [
          { fd: 0, op: '<', target: 'in' },
          { fd: 1, op: '>', target: 'd/o' },
        ],
      },
      { start: 31, line: 1, connector: ';', name: 'cat', words: ['cat', 'd/o'], redirections: [] },
    ]);
    expect(plainCommands(`cp 'a b' "c d" 2>>err.log 1>&2 || cat x 0<in\n\nsort -k2 3<&0`)).toEqual([
      {
        start: 0,
        line: 1,
        connector: '',
        name: 'cp',
        words: ['cp', 'a b', 'c d'],
        redirections: [
          { fd: 2, op: '>>', target: 'err.log' },
          { fd: 1, op: '>&', target: '2' },
        ],
      },
      { start: 34, line: 1, connector: '||', name: 'cat', words: ['cat', 'x'], redirections: [{ fd: 0, op: '<', target: 'in' }] },
      { start: 46, line: 3, connector: ';', name: 'sort', words: ['sort', '-k2'], redirections: [{ fd: 3, op: '<&', target: '0' }] },
    ]);
    expect(plainCommands('cat a | sort')).toBeNull();
  });
});

describe('finding programs on PATH', () => {
  it('finds executable regular files only, on an all-absolute PATH, when no function is exported', () => {
    const root = tempRoot('wf-exec-last-');
    const bin = join(root, 'bin');
    mkdirSync(join(bin, 'adir'), { recursive: true });
    writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
    chmodSync(join(bin, 'tool'), 0o755);
    writeFileSync(join(bin, 'plain'), 'not executable\n');
    const lookup = programLookup({ PATH: `/nonexistent:${bin}` });
    expect(lookup('tool')).toBe(join(bin, 'tool'));
    expect(lookup('plain')).toBeUndefined();
    expect(lookup('adir')).toBeUndefined();
    expect(lookup('missing')).toBeUndefined();
    expect(programLookup({ PATH: `${bin}:` })('tool')).toBeUndefined(); // an empty entry is the job's directory
    expect(programLookup({ PATH: `bin:${bin}` })('tool')).toBeUndefined();
    expect(programLookup({ PATH: bin, 'BASH_FUNC_tool%%': '() { :; }' })('tool')).toBeUndefined();
    expect(programLookup({})('tool')).toBeUndefined();
  });
});
