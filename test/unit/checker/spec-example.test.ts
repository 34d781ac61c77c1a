import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkflow } from '../../../src/checker/index.js';
import { loadWorkflow } from '../../../src/loader/index.js';

const PIPELINE = `# examples/xray/pipeline.wf
workflow "xray-pipeline"

include "calib.wf"                 # path relative to this file

config {                           # defaults; --config key=value and --config-file FILE override
  gain    = 1.02
  exclude = ["0003"]               # observations to ignore
}

wildcard obsid = /[0-9]{4}/        # constraint for a wildcard (default: one path segment, [^/]+)

product telem   L0 "raw/{obsid}/telem.dat"
product evt1    L1 "L1/{obsid}/evt1.dat"
product evt2    L2 "L2/{obsid}/evt2.dat"
product srclist L2 "L2/{obsid}/src.tsv"
product catalog L3 "L3/catalog.tsv" { keywords { instrument = "ACIS" } }

default catalog                    # what a bare \`wf run\` builds

rule calibrate L1 {
  input  raw = telem
  input  bias = "caldb/bias.dat"   # a plain file path is allowed too
  output temp evt1                 # temp: deleted once every job that reads it has succeeded
  params { gain = config.gain }
  when   obsid not in config.exclude
  shell  "calibrate --gain {params.gain} {input.raw} {input.bias} > {output}"
}

rule filter L2 {
  input  evt1
  output evt2
  retries 2                        # transient failures: up to 2 more attempts
  timeout "10m"
  resources { cores = 1, mem = "2GiB" }
  shell """
    filter_events --in {input} --out {output}
  """
}

rule detect L2 {
  input  evt2
  output srclist
  shell  "detect {input} > {output}"
}

rule merge L3 {
  input  all srclist               # gather: every srclist instance
  output protected catalog         # protected: made read-only; \`wf clean\` keeps it
  shell  "merge_catalogs {input} > {output}"
}
`;

const CALIB = `# calibration defaults shared by pipelines
config {
  gain = 1.0
  caldb = "caldb"
}
`;

describe('the spec §1 example', () => {
  it('checks clean and yields the expected model', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-spec-'));
    writeFileSync(path.join(dir, 'pipeline.wf'), PIPELINE);
    writeFileSync(path.join(dir, 'calib.wf'), CALIB);

    const load = loadWorkflow(path.join(dir, 'pipeline.wf'), { displayRoot: dir });
    const result = checkWorkflow(load);

    expect(result.diagnostics).toEqual([]);
    const wf = result.workflow!;
    expect(wf.name).toBe('xray-pipeline');
    expect(wf.root).toBe(dir);
    expect(wf.files).toEqual([path.join(dir, 'pipeline.wf'), path.join(dir, 'calib.wf')]);
    expect(wf.config).toEqual({ gain: 1.02, caldb: 'caldb', exclude: ['0003'] });
    expect(wf.wildcards.get('obsid')!.regex).toBe('[0-9]{4}');
    expect([...wf.products.keys()]).toEqual(['telem', 'evt1', 'evt2', 'srclist', 'catalog']);
    expect([...wf.products.values()].map((p) => [p.name, p.level, p.isSource])).toEqual([
      ['telem', 0, true],
      ['evt1', 1, false],
      ['evt2', 2, false],
      ['srclist', 2, false],
      ['catalog', 3, false],
    ]);
    expect(wf.products.get('catalog')!.keywords).toEqual({ instrument: 'ACIS' });
    expect(wf.products.get('catalog')!.wildcards).toEqual([]);
    expect(wf.defaults).toMatchObject([{ kind: 'name', name: 'catalog' }]);

    const calibrate = wf.rules.get('calibrate')!;
    expect(calibrate.level).toBe(1);
    expect(calibrate.wildcards).toEqual(['obsid']);
    expect(calibrate.inputs.map((i) => [i.name, i.kind, i.product])).toEqual([
      ['raw', 'product', 'telem'],
      ['bias', 'path', undefined],
    ]);
    expect(calibrate.outputs[0]).toMatchObject({ name: 'evt1', product: 'evt1', temp: true, protected: false });
    expect(calibrate.params.map((e) => e.key)).toEqual(['gain']);
    expect(calibrate.when).toBeDefined();

    const filter = wf.rules.get('filter')!;
    expect(filter.retries).toBe(2);
    expect(filter.timeoutMs).toBe(600_000);
    expect(filter.memBytes).toBe(2_147_483_648);
    expect(filter.cores).toBe(1);
    expect(filter.shell.trim()).toBe('filter_events --in {input} --out {output}');

    const merge = wf.rules.get('merge')!;
    expect(merge.level).toBe(3);
    expect(merge.levelText).toBe('L3');
    expect(merge.wildcards).toEqual([]);
    expect(merge.inputs[0]).toMatchObject({ kind: 'gather', name: 'srclist', product: 'srclist' });
    expect(merge.outputs[0]).toMatchObject({ protected: true, temp: false });
  });
});
