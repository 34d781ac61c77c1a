import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/planner/index.js';
import { memoryFs } from '../../helpers/memory-fs.js';
import { cfgRef, workflow } from '../../helpers/workflow.js';

async function commands(shell: string, files: Record<string, string>, extra: { log?: string } = {}) {
  const wf = workflow()
    .config({ gain: 1.5, opts: { mode: 'fast' } })
    .product('txt', 'L0', 'in/{name}.txt')
    .product('out', 'L1', 'out/{name}.o')
    .rule('conv', {
      inputs: [{ product: 'txt', name: 'src' }],
      outputs: ['out'],
      params: { flags: ['-v', 'a b'], gain: cfgRef('gain'), n: 3 },
      resources: { mem: '2GiB' },
      cores: 2,
      shell,
      ...extra,
    })
    .build();
  const r = await plan(wf, { targets: [], where: {}, config: wf.config, fs: memoryFs(files) });
  return r.plan!.jobs;
}

describe('command rendering', () => {
  it('shell-quotes file names with spaces and quotes', async () => {
    const jobs = await commands('conv {input} > {output}', { 'in/a b.txt': '', "in/it's.txt": '' });
    expect(jobs.map((j) => j.command)).toEqual([`conv 'in/a b.txt' > 'out/a b.o'`, `conv 'in/it'\\''s.txt' > 'out/it'\\''s.o'`]);
  });

  it('renders params, config, resources, wildcards and the log', async () => {
    const jobs = await commands('x {params.flags} {params.gain} {params.n} {config.opts.mode} {resources.cores} {resources.mem} {wildcards.name} {name} {input.src} {output.out} {log}', { 'in/f.txt': '' });
    expect(jobs[0]!.command).toBe("x -v 'a b' 1.5 3 fast 2 2GiB f f in/f.txt out/f.o .wf/logs/conv/name=f.log");
    expect(jobs[0]!.params).toEqual({ flags: ['-v', 'a b'], gain: 1.5, n: 3 });
    expect(jobs[0]!.hasDeclaredLog).toBe(false);
  });

  it('keeps {{ }} as literal braces and leaves awk and ${VAR} alone', async () => {
    const jobs = await commands("awk '{print $1}' {input} | sed 's/{{x}}/y/' > ${OUT:-{output}}", { 'in/f.txt': '' });
    expect(jobs[0]!.command).toBe("awk '{print $1}' in/f.txt | sed 's/{x}/y/' > ${OUT:-out/f.o}");
  });

  it('uses a declared log pattern, and encodes / in default log names', async () => {
    const jobs = await commands('x', { 'in/f.txt': '' }, { log: 'logs/{name}.log' });
    expect(jobs[0]).toMatchObject({ logPath: 'logs/f.log', hasDeclaredLog: true });
  });

  it('gives every job of a rule the same stable rule digest', async () => {
    const jobs = await commands('x', { 'in/f.txt': '', 'in/g.txt': '' });
    expect(jobs[0]!.ruleDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(jobs[1]!.ruleDigest).toBe(jobs[0]!.ruleDigest);
  });
});
