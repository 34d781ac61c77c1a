/**
 * `wf run` end to end on the shipped toy-xray example (spec §1-§3, §5):
 * the built CLI, real bash jobs, real files in a temp directory.
 */
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample, dryRunJobs, exists, mtimeMs, read, setMtime, tempDir, wf, writeFiles } from '../helpers/cli.js';

describe('wf run on the toy-xray example', () => {
  let dir: string;

  beforeAll(async () => {
    dir = copyExample('toy-xray');
  });

  it('builds the L3 catalogue from every observation not excluded by config', async () => {
    const r = await wf(dir, ['run', '-j', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    const catalog = read(join(dir, 'L3/catalog.tsv')).trim().split('\n');
    // 3 observations (0003 is excluded by `when`) x the top 3 sources each
    expect(catalog).toHaveLength(9);
    expect(new Set(catalog.map((l) => l.split('\t')[0]))).toEqual(new Set(['0001', '0002', '0004']));
    expect(exists(join(dir, 'L2/0003'))).toBe(false);
    // evt1 is temp: deleted once its readers succeeded
    expect(exists(join(dir, 'L1/0001/evt1.dat'))).toBe(false);
    expect(exists(join(dir, 'L2/0001/evt2.dat'))).toBe(true);
    expect(exists(join(dir, '.wf/logs/detect/obsid=0001.log'))).toBe(true);
  });

  it('runs no job on a second run and says so in one line', async () => {
    const before = mtimeMs(join(dir, 'L3/catalog.tsv'));
    const r = await wf(dir, ['run']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nothing to do/);
    expect(mtimeMs(join(dir, 'L3/catalog.tsv'))).toBe(before);
  });

  it('reruns exactly the downstream jobs of a changed raw file', async () => {
    appendFileSync(join(dir, 'raw/0002/telem.dat'), '99.00 3.900\n');
    const dry = await wf(dir, ['run', '-n', '--explain']);
    expect(dry.exitCode).toBe(0);
    expect(dryRunJobs(dry.stdout)).toEqual(['calibrate[obsid=0002]', 'detect[obsid=0002]', 'filter[obsid=0002]', 'merge']);
    expect(dry.stdout).toMatch(/calibrate\[obsid=0002\]: input raw\/0002\/telem.dat changed/);
    const evt2Other = mtimeMs(join(dir, 'L2/0001/evt2.dat'));
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(mtimeMs(join(dir, 'L2/0001/evt2.dat'))).toBe(evt2Other);
    expect(read(join(dir, 'L3/catalog.tsv'))).toMatch(/0002\t99.00\t/);
  });

  it('does not rerun anything when a raw file is only touched', async () => {
    setMtime(join(dir, 'raw/0004/telem.dat'), Date.now() / 1000 + 5);
    const r = await wf(dir, ['run', '-n']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/nothing to do/);
  });

  it('reruns the jobs of a rule whose command changed, and only those', async () => {
    const wfFile = join(dir, 'workflow.wf');
    writeFileSync(wfFile, read(wfFile).replace('head -n {config.top}', 'head -n 2'));
    const dry = await wf(dir, ['run', '-n', '--explain']);
    expect(dryRunJobs(dry.stdout)).toEqual(['detect[obsid=0001]', 'detect[obsid=0002]', 'detect[obsid=0004]', 'merge']);
    expect(dry.stdout).toMatch(/detect\[obsid=0001\]: its command changed/);
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'L3/catalog.tsv')).trim().split('\n')).toHaveLength(6);
  });

  it('reruns the jobs whose params changed through --config', async () => {
    const dry = await wf(dir, ['run', '-n', '--explain', '--config', 'min_pha=2.5']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/filter\[obsid=0001\]: .*(params|command) changed/);
  });

  it('rejects an unknown --config key with a did-you-mean hint', async () => {
    const r = await wf(dir, ['run', '-n', '--config', 'gian=1.1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/gian/);
    expect(r.stderr).toMatch(/did you mean `gain`/);
  });
});

describe('wf run targets', () => {
  it('builds only the chain of a file-path target', async () => {
    const dir = copyExample('toy-xray');
    const r = await wf(dir, ['run', 'L2/0002/src.tsv']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(exists(join(dir, 'L2/0002/src.tsv'))).toBe(true);
    expect(exists(join(dir, 'L2/0001'))).toBe(false);
    expect(exists(join(dir, 'L3/catalog.tsv'))).toBe(false);
  });

  it('names the chain of rules when a path target needs a missing source file', async () => {
    const dir = copyExample('toy-xray');
    const r = await wf(dir, ['run', 'L2/0009/src.tsv']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/raw\/0009\/telem.dat/);
    expect(r.stderr).toMatch(/L1\/0009\/evt1.dat/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('says a path target is excluded by when', async () => {
    const dir = copyExample('toy-xray');
    const r = await wf(dir, ['run', 'L2/0003/src.tsv']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/when/);
  });

  it('restricts wildcard values with --where, and a gather sees only those', async () => {
    const dir = copyExample('toy-xray');
    const r = await wf(dir, ['run', '--where', 'obsid=0001,0004']);
    expect(r.exitCode, r.stderr).toBe(0);
    const obs = new Set(read(join(dir, 'L3/catalog.tsv')).trim().split('\n').map((l) => l.split('\t')[0]));
    expect(obs).toEqual(new Set(['0001', '0004']));
    expect(exists(join(dir, 'L2/0002'))).toBe(false);
  });

  it('builds every product up to a level target', async () => {
    const dir = copyExample('toy-xray');
    const r = await wf(dir, ['run', 'L2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'L2')).sort()).toEqual(['0001', '0002', '0004']);
    expect(exists(join(dir, 'L3'))).toBe(false);
  });

  it('suggests the nearest name for an unknown target', async () => {
    const dir = copyExample('toy-xray');
    const r = await wf(dir, ['run', 'catalgo']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/catalog/);
  });
});

describe('wf graph', () => {
  it('prints the job DAG as JSON and the rule graph as dot', async () => {
    const dir = copyExample('toy-xray');
    const jobs = await wf(dir, ['graph', '--format', 'json']);
    expect(jobs.exitCode, jobs.stderr).toBe(0);
    const g = JSON.parse(jobs.stdout) as { nodes: { id: string }[]; edges: { from: string; to: string }[] };
    expect(g.nodes).toHaveLength(10);
    expect(g.edges.filter((e) => e.to === 'merge').map((e) => e.from).sort()).toEqual(['detect[obsid=0001]', 'detect[obsid=0002]', 'detect[obsid=0004]']);
    const rules = await wf(dir, ['graph', '--rules', '--format', 'dot']);
    expect(rules.stdout).toMatch(/"detect" -> "merge";/);
    expect(rules.stdout).toMatch(/"calibrate" -> "filter";/);
  });
});

describe('output through a pipe', () => {
  it('writes every line of a dry run and of a graph longer than a pipe holds (64 KiB)', async () => {
    const dir = tempDir();
    const n = 6000;
    writeFiles(dir, {
      'w.wf': 'wildcard id = /[0-9]+/\nproduct raw L0 "raw/{id}.txt"\nproduct cal L1 "cal/{id}.txt"\ndefault cal\n' +
        'rule calibrate L1 {\n  input raw\n  output cal\n  shell "cp {input} {output}"\n}\n',
      ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`raw/${100000 + i}.txt`, 'x\n'])),
    });
    const dry = await wf(dir, ['run', '-n', '-f', 'w.wf']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout.length).toBeGreaterThan(65536);
    const jobs = dryRunJobs(dry.stdout);
    expect(jobs).toHaveLength(n);
    expect(jobs.at(-1)).toBe(`calibrate[id=${100000 + n - 1}]`);
    const graph = await wf(dir, ['graph', '--format', 'json', '-f', 'w.wf']);
    expect(graph.exitCode, graph.stderr).toBe(0);
    expect((JSON.parse(graph.stdout) as { nodes: unknown[] }).nodes).toHaveLength(n);
  });
});
