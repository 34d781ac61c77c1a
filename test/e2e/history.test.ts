/**
 * Run history end to end (the run database, `.wf/wf.db`): `wf status`, `runs`,
 * `log`, `verify`, `prov`, `report` and `runs --prune` on real runs of a small
 * workflow with a failing job and QC metrics. Real CLI, real files.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, wf, writeFiles } from '../helpers/cli.js';

const WORKFLOW = `product raw L0 "raw/{n}.txt"
product cal L1 "L1/{n}.txt" { keywords { instrument = "ACIS" } }
product cat L2 "L2/catalog.txt"

rule calibrate {
  input raw
  output cal
  metrics "qc/{n}.json"
  shell """
    if [ {n} = 2 ] && [ -e fail2 ]; then echo "bad frame {n}" >&2; exit 3; fi
    tr a-z A-Z < {input} > {output}
    mkdir -p qc && echo '{{"nsrc": {n}, "rate": 0.5}}' > qc/{n}.json
  """
}

rule merge {
  input all cal
  output cat
  shell "cat {input} > {output}"
}
`;

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('run history', () => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('wf-history-');
    writeFiles(dir, { 'workflow.wf': WORKFLOW, 'raw/1.txt': 'one\n', 'raw/2.txt': 'two\n', 'raw/3.txt': 'three\n', fail2: '' });
    const dry = await wf(dir, ['run', '-n']);
    expect(dry.exitCode).toBe(0);
    expect(existsSync(join(dir, '.wf/wf.db'))).toBe(false);
    const first = await wf(dir, ['run', '-k', '-j', '2']);
    expect(first.exitCode).toBe(1);
  });

  it('status shows the failed run per level and rule, the failure with its reason and log tail, and the QC metrics', async () => {
    const r = await wf(dir, ['status']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^run 1: failed/);
    expect(r.stdout).toMatch(/L1\s+calibrate\s+3\s+2\s+1\s+0\s+0\s+0/);
    expect(r.stdout).toMatch(/L2\s+merge\s+1\s+0\s+0\s+1\s+0\s+0/);
    expect(r.stdout).toMatch(/calibrate\[n=2\]: exited with status 3 \[WF3001\]/);
    expect(r.stdout).toMatch(/\| bad frame 2/);
    expect(r.stdout).toMatch(/calibrate\.nsrc: 1 \/ 2 \/ 3 {2}n=2/);
    const json = JSON.parse((await wf(dir, ['status', '--json'])).stdout);
    expect(json.run.outcome).toBe('failed');
    expect(json.failed).toHaveLength(1);
    expect(json.failed[0]).toMatchObject({ id: 'calibrate[n=2]', exitCode: 3, code: 'WF3001' });
    expect(json.levels.map((l: { levelText: string; failed: number }) => [l.levelText, l.failed])).toEqual([['L1', 1], ['L2', 0]]);
  });

  it('log prints a job log by rule and wildcards or by job id, and exits 2 for an unknown or ambiguous job', async () => {
    const byRule = await wf(dir, ['log', 'calibrate', 'n=2']);
    expect(byRule.exitCode).toBe(0);
    expect(byRule.stdout).toMatch(/bad frame 2/);
    expect((await wf(dir, ['log', 'calibrate[n=2]'])).stdout).toBe(byRule.stdout);
    const typo = await wf(dir, ['log', 'calibrat', 'n=2']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/error\[WF3011\].*did you mean `calibrate`/s);
    const ambiguous = await wf(dir, ['log', 'calibrate']);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toMatch(/3 jobs of rule `calibrate` match/);
    expect(ambiguous.stderr).not.toMatch(/at .*\.js/);
  });

  it('report writes one self-contained HTML file with the summary, timeline, failure and metrics', async () => {
    const out = join(dir, 'report.html');
    const r = await wf(dir, ['report', '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toMatch(/class="badge failed"/);
    expect(html).toMatch(/<svg class="timeline"/);
    expect(html).toMatch(/calibrate\[n=2\]/);
    expect(html).toMatch(/bad frame 2/);
    expect(html).toMatch(/<td>nsrc<\/td>/);
    expect(html).not.toMatch(/(src|href)=|https?:\/\/|<script/);
  });

  it('after a fixed rerun, verify passes, then detects a corrupted, a deleted and an unrecorded product (exit 1)', async () => {
    rmSync(join(dir, 'fail2'));
    const again = await wf(dir, ['run']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect((await wf(dir, ['status'])).stdout).toMatch(/^run 2: succeeded/);
    const clean = await wf(dir, ['verify']);
    expect(clean.exitCode, clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(/verified 4 recorded product file\(s\): 4 ok, 0 missing, 0 altered; 0 unrecorded/);
    appendFileSync(join(dir, 'L1/1.txt'), 'tampered\n');
    rmSync(join(dir, 'L1/3.txt'));
    writeFiles(dir, { 'L1/7.txt': 'stray\n' });
    const bad = await wf(dir, ['verify']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/^altered\s+L1\/1\.txt .*\[WF3013\]$/m);
    expect(bad.stdout).toMatch(/^missing\s+L1\/3\.txt .*\[WF3012\]$/m);
    expect(bad.stdout).toMatch(/^unrecorded\s+L1\/7\.txt .*\[WF3014\]$/m);
    const narrowed = await wf(dir, ['verify', 'cat']);
    expect(narrowed.stdout).toMatch(/1 ok, 0 missing, 0 altered; 0 unrecorded/);
    expect(narrowed.exitCode).toBe(0);
  });

  it('prov gives PROV-JSON reaching from the catalogue back to the raw files, with correct checksums', async () => {
    const r = await wf(dir, ['prov', 'L2/catalog.txt']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const key of ['prefix', 'entity', 'activity', 'agent', 'used', 'wasGeneratedBy', 'wasAssociatedWith']) expect(doc).toHaveProperty(key);
    const entities = Object.values(doc.entity) as Record<string, unknown>[];
    const byPath = new Map(entities.filter((e) => e['wf:path']).map((e) => [e['wf:path'], e]));
    for (const p of ['L2/catalog.txt', 'L1/2.txt', 'raw/1.txt', 'raw/2.txt', 'raw/3.txt']) expect(byPath.has(p), p).toBe(true);
    expect(byPath.get('raw/2.txt')!['wf:sha256']).toBe(sha(join(dir, 'raw/2.txt')));
    expect(byPath.get('L2/catalog.txt')!['wf:sha256']).toBe(sha(join(dir, 'L2/catalog.txt')));
    expect(byPath.get('L1/2.txt')!['wfk:instrument']).toBe('ACIS');
    // every relation refers to declared nodes
    for (const u of Object.values(doc.used) as Record<string, string>[]) {
      expect(doc.activity).toHaveProperty([u['prov:activity']!]);
      expect(doc.entity).toHaveProperty([u['prov:entity']!]);
    }
    for (const g of Object.values(doc.wasGeneratedBy) as Record<string, string>[]) {
      expect(doc.activity).toHaveProperty([g['prov:activity']!]);
      expect(doc.entity).toHaveProperty([g['prov:entity']!]);
    }
    for (const a of Object.values(doc.wasAssociatedWith) as Record<string, string>[]) expect(doc.agent).toHaveProperty([a['prov:agent']!]);
    const merge = (Object.values(doc.activity) as Record<string, unknown>[]).find((a) => a['wf:rule'] === 'merge')!;
    expect(merge['wf:command']).toMatch(/^cat /);
    expect(Object.values(doc.agent).some((a) => (a as Record<string, unknown>)['wf:version'])).toBe(true);
    const unknown = await wf(dir, ['prov', 'L9/none.txt']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/WF3011/);
  });

  it('runs lists the history and --prune keeps the newest runs and every current record', async () => {
    const list = await wf(dir, ['runs']);
    expect(list.stdout).toMatch(/^\s+2 .*succeeded/m);
    expect(list.stdout).toMatch(/^\s+1 .*failed/m);
    const pruned = await wf(dir, ['runs', '--prune', '1']);
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/pruned 0 run\(s\) and 1 job record\(s\)/);
    const after = await wf(dir, ['runs', '--json']);
    const runs = JSON.parse(after.stdout) as { id: number }[];
    expect(runs.map((r) => r.id)).toEqual([2, 1]); // run 1 still holds the current records of calibrate n=1, n=3
    expect((await wf(dir, ['run', '-n'])).stderr).not.toMatch(/calibrate\[n=2\]/);
    expect((await wf(dir, ['runs', '--prune', 'x'])).exitCode).toBe(2);
  });
});
