import { describe, expect, it } from 'vitest';
import { error, warning } from '../../../src/diagnostics/diagnostic.js';
import { renderGithub, renderJson, renderText } from '../../../src/diagnostics/render.js';

const span = (line: number, column: number, endColumn: number) => ({ file: 'a.wf', line, column, endLine: line, endColumn });
const diags = [
  warning('WF2050', 'product `x` is never used', span(3, 9, 9), 'remove it'),
  error('WF2004', 'unknown product `evt` in an input of rule `r`', span(2, 9, 11), 'did you mean `evt1`?', [{ message: 'first declared here', span: span(1, 1, 1) }]),
];
const sources = new Map([['a.wf', 'product evt1 L1 "x"\n  input evt\nproduct x L0 "y"\n']]);

describe('renderText', () => {
  it('sorts by position, shows the line with a caret, hint, notes and a count line', () => {
    expect(renderText(diags, sources)).toBe(
      [
        'a.wf:2:9: error[WF2004]: unknown product `evt` in an input of rule `r`',
        '   2 |   input evt',
        '     |         ^~~',
        '  hint: did you mean `evt1`?',
        '  note: a.wf:1:1: first declared here',
        'a.wf:3:9: warning[WF2050]: product `x` is never used',
        '   3 | product x L0 "y"',
        '     |         ^',
        '  hint: remove it',
        '1 error, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('renders a diagnostic without a span and an empty list', () => {
    expect(renderText([error('WF2003', 'cannot read workflow file `x.wf`: no such file')], new Map())).toBe('wf: error[WF2003]: cannot read workflow file `x.wf`: no such file\n1 error, 0 warnings\n');
    expect(renderText([], new Map())).toBe('0 errors, 0 warnings\n');
  });

  it('colours only when asked', () => {
    expect(renderText(diags, sources, { color: true })).toContain('\u001b[31merror[WF2004]');
  });
});

describe('renderJson', () => {
  it('emits the spec §4 shape', () => {
    expect(JSON.parse(renderJson(diags))).toEqual({
      diagnostics: [
        { severity: 'error', code: 'WF2004', message: 'unknown product `evt` in an input of rule `r`', file: 'a.wf', line: 2, column: 9, hint: 'did you mean `evt1`?' },
        { severity: 'warning', code: 'WF2050', message: 'product `x` is never used', file: 'a.wf', line: 3, column: 9, hint: 'remove it' },
      ],
      errors: 1,
      warnings: 1,
    });
  });
});

describe('renderGithub', () => {
  it('emits workflow commands with escaped values', () => {
    expect(renderGithub(diags)).toBe(
      '::error file=a.wf,line=2,col=9,title=WF2004::unknown product `evt` in an input of rule `r`%0Ahint: did you mean `evt1`?\n' +
        '::warning file=a.wf,line=3,col=9,title=WF2050::product `x` is never used%0Ahint: remove it\n',
    );
  });
});
