/**
 * The up-to-date snapshot (`store/uptodate.ts`): after a run leaves
 * everything up to date, the next run proves "nothing to do" without
 * planning. Each case changes one thing the verdict rests on and checks that
 * the run notices it exactly as a run without a snapshot would.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { dryRunJobs, exists, read, setMtime, tempDir, wf, writeFiles } from '../helpers/cli.js';

const WORKFLOW = `
config { tag = "v1" }
wildcard obs = /[a-z0-9]+/
product raw   L0 "raw/{obs}/in.txt"
product upper L1 "L1/{obs}/up.txt"
product mid   L1 "L1/{obs}/mid.txt"
product summary L2 "L2/all.txt"
default summary

rule stage L1 {
  input  raw
  output temp mid
  shell  "cp {input} {output}"
}

rule shout L1 {
  input  mid
  output upper
  when   not exists("raw/{obs}/SKIP")
  shell  "tr a-z A-Z < {input} > {output}"
}

rule gather L2 {
  input  all upper
  output summary
  shell  "cat {input} > {output}; echo {config.tag} >> {output}"
}
`;

/** True when the run database holds an up-to-date snapshot. */
function hasSnapshot(dir: string): boolean {
  const db = new Database(join(dir, '.wf/wf.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM uptodate').get() as { n: number }).n === 1;
  } finally {
    db.close();
  }
}

describe('the up-to-date snapshot', () => {
  let dir: string;

  beforeEach(async () => {
    dir = tempDir('wf-uptodate-');
    writeFiles(dir, { 'workflow.wf': WORKFLOW, 'raw/a/in.txt': 'alpha\n', 'raw/b/in.txt': 'beta\n' });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hasSnapshot(dir)).toBe(true);
  });

  it('is written by a complete run and answers the next one, deleted temp outputs included', async () => {
    expect(exists(join(dir, 'L1/a/mid.txt'))).toBe(false);
    const r = await wf(dir, ['run']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr.trim()).toBe('wf: nothing to do (5 job(s) up to date)');
    const json = await wf(dir, ['run', '--log-format', 'json']);
    const decided = json.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; total?: number; toRun?: number }).find((e) => e.event === 'plan-decided');
    expect(decided).toMatchObject({ total: 5, toRun: 0 });
  });

  it('notices a new source file (a glob with new hits)', async () => {
    writeFiles(dir, { 'raw/c/in.txt': 'gamma\n' });
    const dry = await wf(dir, ['run', '-n']);
    expect(dryRunJobs(dry.stdout)).toEqual(['gather', 'shout[obs=c]', 'stage[obs=c]']);
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'L2/all.txt'))).toBe('ALPHA\nBETA\nGAMMA\nv1\n');
  });

  it('notices a removed source file', async () => {
    rmSync(join(dir, 'raw/b'), { recursive: true });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'L2/all.txt'))).toBe('ALPHA\nv1\n');
  });

  it('notices a file that turns an exists() in a when', async () => {
    writeFiles(dir, { 'raw/b/SKIP': '' });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'L2/all.txt'))).toBe('ALPHA\nv1\n');
  });

  it('notices a changed input, a changed output and a deleted output', async () => {
    appendFileSync(join(dir, 'raw/a/in.txt'), 'more\n');
    expect(dryRunJobs((await wf(dir, ['run', '-n'])).stdout)).toEqual(['gather', 'shout[obs=a]', 'stage[obs=a]']);
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    // An edited output is new input for its readers (as without a snapshot).
    writeFileSync(join(dir, 'L1/b/up.txt'), 'tampered\n');
    expect(dryRunJobs((await wf(dir, ['run', '-n'])).stdout)).toEqual(['gather']);
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    rmSync(join(dir, 'L2/all.txt'));
    expect(dryRunJobs((await wf(dir, ['run', '-n'])).stdout)).toEqual(['gather']);
  });

  it('after a partial run keeps its base and records only the changed stamps; a full run writes a new base', async () => {
    const rows = (): { base: { id: string; paths: string[] }; marker: { base: string; delta: [number, string | null, number][] } } => {
      const db = new Database(join(dir, '.wf/wf.db'), { readonly: true });
      try {
        const text = (sql: string): string => db.prepare(sql).pluck().get() as string;
        return { base: JSON.parse(text('SELECT data FROM uptodate_base')), marker: JSON.parse(text('SELECT data FROM uptodate')) };
      } finally {
        db.close();
      }
    };
    const before = rows();
    expect(before.marker).toEqual({ base: before.base.id, delta: [] });
    rmSync(join(dir, 'L2/all.txt')); // only the gather is affected: a partial run
    expect((await wf(dir, ['run'])).stderr).toMatch(/1 job\(s\) done/);
    const after = rows();
    expect(after.base.id).toBe(before.base.id);
    expect(after.marker.delta.map(([i]) => after.base.paths[i])).toEqual(['L2/all.txt']);
    expect((await wf(dir, ['run'])).stderr.trim()).toBe('wf: nothing to do (5 job(s) up to date)');
    // The delta is applied on top of the base: the next change is measured against both.
    appendFileSync(join(dir, 'L1/b/up.txt'), 'edited\n');
    expect(dryRunJobs((await wf(dir, ['run', '-n'])).stdout)).toEqual(['gather']);
    // A changed source whose job writes a deleted temp output needs the full plan: a new base, no delta.
    appendFileSync(join(dir, 'raw/a/in.txt'), 'more\n');
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    const full = rows();
    expect(full.base.id).not.toBe(before.base.id);
    expect(full.marker).toEqual({ base: full.base.id, delta: [] });
  });

  it('does not rerun anything for a touch alone, as without a snapshot', async () => {
    setMtime(join(dir, 'raw/a/in.txt'), Date.now() / 1000 + 5);
    const r = await wf(dir, ['run']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/nothing to do/);
    expect(hasSnapshot(dir)).toBe(true);
  });

  it('is not used for other targets, config, triggers or the workflow text', async () => {
    expect(dryRunJobs((await wf(dir, ['run', '-n', '--config', 'tag=v2'])).stdout)).toEqual(['gather']);
    expect((await wf(dir, ['run', '-n', 'shout'])).stderr).toMatch(/nothing to do \(4 job/);
    writeFiles(dir, { 'workflow.wf': WORKFLOW.replace('echo {config.tag}', 'echo tag={config.tag}') });
    expect(dryRunJobs((await wf(dir, ['run', '-n'])).stdout)).toEqual(['gather']);
  });

  it('is dropped by the first write of a run, so an interrupted state is never called up to date', async () => {
    mkdirSync(join(dir, 'raw/c'));
    writeFiles(dir, { 'raw/c/in.txt': 'gamma\n' });
    const r = await wf(dir, ['run', '--forcerun', 'gather']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hasSnapshot(dir)).toBe(true);
    // A failing job leaves no snapshot behind.
    writeFiles(dir, { 'workflow.wf': WORKFLOW.replace('cat {input} > {output};', 'false;') });
    expect((await wf(dir, ['run'])).exitCode).toBe(1);
    expect(hasSnapshot(dir)).toBe(false);
  });
});

/** The shared peer workload's shape, small: L1 per observation, two L2 products, one L3 gather. */
const CHAIN = `
wildcard obs = /obs[0-9]+/
product telem   L0 "raw/{obs}/telem.dat"
product evt1    L1 "L1/{obs}/evt1.dat"
product evt2    L2 "L2/{obs}/evt2.dat"
product src     L2 "L2/{obs}/src.dat"
product catalog L3 "L3/catalog.dat"
default catalog, evt2, src

rule l1 L1 {
  input  telem
  output evt1
  shell  "tr a-z A-Z < {input} > {output}"
}
rule l2evt L2 {
  input  evt1
  output evt2
  shell  "cp {input} {output}"
}
rule l2src L2 {
  input  evt1
  output src
  shell  "head -n 1 {input} > {output}"
}
rule l3 L3 {
  input  all src
  output catalog
  shell  "cat {input} > {output}"
}
`;

describe('a run after only some files changed (partial plan from the snapshot)', () => {
  let dir: string;
  const obs = ['obs1', 'obs2', 'obs3', 'obs4', 'obs5'];

  beforeEach(async () => {
    dir = tempDir('wf-partial-');
    writeFiles(dir, { 'workflow.wf': CHAIN, ...Object.fromEntries(obs.map((o) => [`raw/${o}/telem.dat`, `${o} line\nsecond\n`])) });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hasSnapshot(dir)).toBe(true);
  });

  it('runs exactly the dependents of the changed input, reports every job, and leaves a valid snapshot', async () => {
    appendFileSync(join(dir, 'raw/obs3/telem.dat'), 'changed\n');
    const dry = await wf(dir, ['run', '-n']);
    expect(dryRunJobs(dry.stdout)).toEqual(['l1[obs=obs3]', 'l2evt[obs=obs3]', 'l2src[obs=obs3]', 'l3']);
    expect(dry.stdout).toMatch(/would run 4 of 16 job\(s\)/);
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wf: 4 job\(s\) done in [\d.]+ s, 12 up to date/);
    expect(read(join(dir, 'L2/obs3/evt2.dat'))).toBe('OBS3 LINE\nSECOND\nCHANGED\n');
    expect(read(join(dir, 'L3/catalog.dat'))).toBe(obs.map((o) => `${o.toUpperCase()} LINE\n`).join(''));
    // The run's record counts the whole plan, as a full plan would.
    const status = JSON.parse((await wf(dir, ['status', '--json'])).stdout) as { rules: { rule: string; planned: number; succeeded: number; upToDate: number }[] };
    expect(status.rules.map((r) => [r.rule, r.planned, r.succeeded, r.upToDate])).toEqual([
      ['l1', 5, 1, 4],
      ['l2evt', 5, 1, 4],
      ['l2src', 5, 1, 4],
      ['l3', 1, 1, 0],
    ]);
    expect(hasSnapshot(dir)).toBe(true);
    expect((await wf(dir, ['run'])).stderr.trim()).toBe('wf: nothing to do (16 job(s) up to date)');
  });

  it('treats an edited intermediate output as new input for its readers only', async () => {
    writeFileSync(join(dir, 'L1/obs2/evt1.dat'), 'EDITED\n');
    const r = await wf(dir, ['run', '--log-format', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const started = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; id?: string }).filter((e) => e.event === 'job-started').map((e) => e.id).sort();
    expect(started).toEqual(['l2evt[obs=obs2]', 'l2src[obs=obs2]', 'l3']);
    expect(read(join(dir, 'L3/catalog.dat'))).toBe(['OBS1 LINE', 'EDITED', 'OBS3 LINE', 'OBS4 LINE', 'OBS5 LINE'].map((l) => `${l}\n`).join(''));
    expect((await wf(dir, ['run'])).stderr).toMatch(/nothing to do \(16 job/);
  });

  it('reruns a deleted output and changes made again afterwards, like a full plan', async () => {
    rmSync(join(dir, 'L2/obs5/src.dat'));
    expect(dryRunJobs((await wf(dir, ['run', '-n'])).stdout)).toEqual(['l2src[obs=obs5]', 'l3']);
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    appendFileSync(join(dir, 'raw/obs1/telem.dat'), 'again\n');
    appendFileSync(join(dir, 'raw/obs4/telem.dat'), 'again\n');
    const r = await wf(dir, ['run']);
    expect(r.stderr).toMatch(/wf: 7 job\(s\) done in [\d.]+ s, 9 up to date/);
    expect((await wf(dir, ['run'])).stderr).toMatch(/nothing to do \(16 job/);
  });
});

describe('a partial run of a wide gather', () => {
  it('reruns the 4 affected jobs of 150 and records every file the gather used, in input order', async () => {
    const dir = tempDir('wf-wide-');
    const obs = Array.from({ length: 150 }, (_, i) => `obs${String(i).padStart(3, '0')}`);
    writeFiles(dir, { 'workflow.wf': CHAIN, ...Object.fromEntries(obs.map((o) => [`raw/${o}/telem.dat`, `${o} line\n`])) });
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    appendFileSync(join(dir, 'raw/obs077/telem.dat'), 'changed\n');
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wf: 4 job\(s\) done in [\d.]+ s, 447 up to date/);
    const db = new Database(join(dir, '.wf/wf.db'), { readonly: true });
    try {
      const attempts = db.prepare(`SELECT id FROM jobs WHERE job = 'l3' AND status = 'done' ORDER BY id`).pluck().all() as number[];
      expect(attempts).toHaveLength(2);
      const rows = db.prepare('SELECT role, path, size FROM files WHERE job_row = ? ORDER BY rowid').all(attempts[1]) as { role: number; path: string; size: number }[];
      expect(rows.filter((f) => f.role === 0).map((f) => f.path)).toEqual(obs.map((o) => `L2/${o}/src.dat`));
      expect(rows.filter((f) => f.role === 1).map((f) => f.path)).toEqual(['L3/catalog.dat']);
      expect(rows.find((f) => f.path === 'L2/obs077/src.dat')!.size).toBe('OBS077 LINE\n'.length);
    } finally {
      db.close();
    }
    expect((await wf(dir, ['run'])).stderr.trim()).toBe('wf: nothing to do (451 job(s) up to date)');
  });
});
