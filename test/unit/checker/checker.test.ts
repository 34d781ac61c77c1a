import { describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../../src/checker/index.js';
import type { Statement } from '../../../src/ir/nodes.js';
import { block, config, defaults, ex, include, input, loaded, output, product, retries, rule, shell, str, when, wildcard } from '../../helpers/ast.js';

const codes = (statements: Statement[]): string[] => checkWorkflow(loaded({ statements })).diagnostics.map((d) => d.code);

/** A small valid base: raw L0 → cal L1, with a default. */
const base = (): Statement[] => [
  product('raw', 'L0', 'raw/{obs}.dat'),
  product('cal', 'L1', 'cal/{obs}.dat'),
  rule('calibrate', [input('raw'), output('cal'), shell('cal {input} > {output}')]),
];

describe('checkWorkflow on hand-built ASTs', () => {
  it('builds a model for a clean workflow', () => {
    const result = checkWorkflow(loaded({ statements: base() }));
    expect(result.diagnostics).toEqual([]);
    const wf = result.workflow!;
    expect(wf.mainFile).toBe('/wf/test.wf');
    expect(wf.root).toBe('/wf');
    expect(wf.products.get('raw')!.isSource).toBe(true);
    expect(wf.products.get('cal')!.isSource).toBe(false);
    const r = wf.rules.get('calibrate')!;
    expect(r.level).toBe(1);
    expect(r.levelText).toBe('L1');
    expect(r.wildcards).toEqual(['obs']);
    expect(r.inputs[0]).toMatchObject({ kind: 'product', name: 'raw', product: 'raw', pattern: 'raw/{obs}.dat' });
    expect(r.cores).toBe(1);
    expect(r.retries).toBe(0);
  });

  it('reports an unknown product with a did-you-mean hint', () => {
    const statements = [...base(), product('cal2', 'L2', 'c2/{obs}'), rule('r2', [input('cla'), output('cal2'), shell('x')])];
    const d = checkWorkflow(loaded({ statements })).diagnostics.find((x) => x.code === 'WF2004')!;
    expect(d.hint).toBe('did you mean `cal`?');
  });

  it('reports duplicate names across products and rules with a related location', () => {
    const d = checkWorkflow(loaded({ statements: [...base(), rule('raw', [output('cal'), shell('x')])] })).diagnostics.find((x) => x.code === 'WF2009')!;
    expect(d.related?.[0]?.message).toBe('first declared here');
  });

  it('reports a quoted path equal to a product pattern as that product', () => {
    const statements = [product('raw', 'L0', 'raw/{obs}.dat'), product('cal', 'L1', 'cal/{obs}.dat'), rule('c', [input('raw/{obs}.dat'), output('cal'), shell('x {input}')])];
    const wf = checkWorkflow(loaded({ statements })).workflow!;
    expect(wf.rules.get('c')!.inputs[0]).toMatchObject({ kind: 'path', product: 'raw' });
    expect(wf.rules.get('c')!.inputs[0]!.name).toBeUndefined();
  });

  it.each([
    ['retries -1', [retries(-1)], 'WF2018'],
    ['a bad timeout', [str('timeout', '10 minutes')], 'WF2018'],
    ['zero cores', [block('resources', { cores: 0 })], 'WF2018'],
    ['a bad mem', [block('resources', { mem: '2 parsecs' })], 'WF2018'],
    ['two shells', [shell('y')], 'WF2019'],
    ['a log wildcard not in outputs', [str('log', 'logs/{night}.log')], 'WF2025'],
    ['an unknown wildcard in when', [when(ex.bin('==', ex.name('obz'), ex.lit('1')))], 'WF2007'],
    ['an unknown config in when', [when(ex.bin('in', ex.name('obs'), ex.member('config', 'exclude')))], 'WF2006'],
    ['an unknown params in when', [when(ex.bin('==', ex.member('params', 'g'), ex.lit(1)))], 'WF2027'],
    ['an unknown function in when', [when(ex.call('exist', ex.lit('a/{obs}')))], 'WF2021'],
    ['a wrong header call', [when(ex.call('header', ex.lit('KEY')))], 'WF2021'],
    ['an unknown input in header', [when(ex.bin('==', ex.call('header', ex.name('rw'), ex.lit('KEY')), ex.lit('x')))], 'WF2022'],
    ['a gather output', [output('all raw')], 'WF2023'],
    ['an invalid input pattern', [input('../x/{obs}.dat')], 'WF2024'],
  ])('reports %s', (_what, extra, code) => {
    const statements = [product('raw', 'L0', 'raw/{obs}.dat'), product('cal', 'L1', 'cal/{obs}.dat'), rule('calibrate', [input('raw'), output('cal'), shell('x'), ...extra])];
    expect(codes(statements)).toContain(code);
  });

  it('accepts valid resources, timeout and when and converts units', () => {
    const statements = [
      config({ exclude: ['0003'], gain: 1.5 }),
      product('raw', 'L0', 'raw/{obs}.dat'),
      product('cal', 'L1', 'cal/{obs}.dat'),
      rule('calibrate', [
        input('raw', 'r'),
        output('cal'),
        block('params', { gain: { ref: 'gain' } }),
        block('resources', { cores: 4, mem: '1.5GB' }),
        str('timeout', '1h30m'),
        str('log', 'logs/{obs}.log'),
        when(ex.bin('and', ex.bin('not-in', ex.name('obs'), ex.member('config', 'exclude')), ex.bin('==', ex.call('header', ex.name('r'), ex.lit('K')), ex.lit('x')))),
        shell('cal -g {params.gain} -c {resources.cores} {input.r} {config.gain} {obs} {wildcards.obs} {log} > {output.cal}'),
      ]),
    ];
    const result = checkWorkflow(loaded({ statements }));
    expect(result.diagnostics).toEqual([]);
    const r = result.workflow!.rules.get('calibrate')!;
    expect(r.timeoutMs).toBe(5_400_000);
    expect(r.memBytes).toBe(1_500_000_000);
    expect(r.cores).toBe(4);
    expect(r.log).toBe('logs/{obs}.log');
  });

  it.each([
    ['{inptu}', 'WF2007'],
    ['{input.nope}', 'WF2022'],
    ['{output.nope}', 'WF2022'],
    ['{params.nope}', 'WF2008'],
    ['{config.nope}', 'WF2006'],
    ['{resources.mem}', 'WF2008'],
    ['{log}', 'WF2008'],
    ['{foo.bar}', 'WF2008'],
    ['{wildcards.nope}', 'WF2007'],
  ])('reports the shell placeholder %s as %s', (placeholder, code) => {
    const statements = [product('raw', 'L0', 'raw/{obs}.dat'), product('cal', 'L1', 'cal/{obs}.dat'), rule('calibrate', [input('raw'), output('cal'), shell(`x ${placeholder}`)])];
    expect(codes(statements)).toEqual([code]);
  });

  it('leaves shell braces that are not placeholders alone', () => {
    const statements = [...base().slice(0, 2), rule('calibrate', [input('raw'), output('cal'), shell("awk '{print $1}' ${HOME} {a,b} {{x}} {input}")])];
    expect(codes(statements)).toEqual([]);
  });

  it('reports rules without shell or outputs', () => {
    expect(codes([product('raw', 'L0', 'raw/{obs}.dat'), rule('r', [input('raw')])])).toEqual(expect.arrayContaining(['WF2017', 'WF2020']));
  });

  it('reports two producers, cycles and level violations', () => {
    const statements = [
      product('a', 'L1', 'a/{x}'),
      product('b', 'L1', 'b/{x}'),
      rule('ra', [input('b'), output('a'), shell('x')]),
      rule('rb', [input('a'), output('b'), shell('x')]),
      rule('rc', [input('a'), output('b'), shell('x')]),
    ];
    const result = checkWorkflow(loaded({ statements }));
    expect(result.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['WF2011', 'WF2012']));
    expect(result.diagnostics.find((d) => d.code === 'WF2012')!.message).toBe('cycle between rules: ra -> rb -> ra');
    expect(codes([product('a', 'L2', 'a/{x}'), product('b', 'L1', 'b/{x}'), rule('r', [input('a'), output('b'), shell('x')], 'L1')])).toContain('WF2013');
    expect(codes([product('a', 'L0', 'a/{x}'), product('b', 'L1', 'b/{x}'), rule('r', [input('a'), output('b'), shell('x')], 'L2')])).toContain('WF2014');
  });

  it('reports wildcard problems', () => {
    const p = [product('a', 'L0', 'a/{x}/{y}'), product('b', 'L1', 'b/{x}'), product('c', 'L1', 'c/{z}')];
    expect(codes([...p, rule('r', [input('a'), output('b'), shell('x')])])).toEqual(['WF2016']);
    expect(codes([...p, rule('r', [input('all a'), output('b'), shell('x')])])).toEqual([]);
    expect(codes([...p, rule('r', [input('b'), output('c'), shell('x')])])).toEqual(expect.arrayContaining(['WF2015', 'WF2016']));
    expect(codes([...p, rule('r', [input('a'), output('b'), output('c'), shell('x')])])).toContain('WF2015');
  });

  it('resolves defaults and warns about unused products and unreachable rules', () => {
    const statements = [
      ...base(),
      product('extra', 'L0', 'extra/{obs}.dat'),
      product('other', 'L1', 'other/{obs}.dat'),
      rule('make_other', [input('raw'), output('other'), shell('x')]),
      defaults('cal', 'L0', 'cal/0001.dat'),
    ];
    const result = checkWorkflow(loaded({ statements }));
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['WF2051 rule `make_other` is not reachable from the default targets']);
    expect(result.workflow!.defaults.map((t) => t.kind)).toEqual(['name', 'level', 'path']);
    expect(codes([...base(), defaults('cla')])).toEqual(['WF2005']);
  });

  it('merges config with the including file winning, deeply', () => {
    const result = checkWorkflow(
      loaded(
        { statements: [include('inc1.wf'), config({ a: { x: 1 } }), ...base()] },
        { statements: [config({ a: { x: 0, y: 2 }, b: 'lib' })] },
      ),
    );
    expect(result.workflow!.config).toEqual({ a: { x: 1, y: 2 }, b: 'lib' });
    expect(result.workflow!.files).toEqual(['/wf/test.wf', '/wf/inc1.wf']);
  });

  it('reports a second workflow and a duplicate wildcard', () => {
    const w = { kind: 'workflow', name: 'x', span: { file: 't', line: 1, column: 1, endLine: 1, endColumn: 2 } } as const;
    expect(codes([w, w, wildcard('obs', '.+'), wildcard('obs', '.+'), ...base()])).toEqual(['WF2026', 'WF2010']);
  });
});
