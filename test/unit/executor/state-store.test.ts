import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asJobId } from '../../../src/ir/ids.js';
import { openStateStore, type StateRecord } from '../../../src/executor/state-store.js';

function doneRecord(i: number): StateRecord {
  return {
    t: 'done',
    id: asJobId(`calibrate[obsid=${String(i).padStart(6, '0')}]`),
    command: `calibrate --gain 1.02 raw/${i}/telem.dat caldb/bias.dat > L1/${i}/evt1.dat`,
    params: '{"gain":1.02}',
    ruleDigest: 'abcdef0123456789',
    inputs: [
      [`raw/${i}/telem.dat`, '1700000000123456789', 123456, 'a'.repeat(64)],
      ['caldb/bias.dat', '1700000000123456789', 42, 'b'.repeat(64)],
    ],
    outputs: [[`L1/${i}/evt1.dat`, '1700000000123456789', 999, 'c'.repeat(64)]],
    endTime: 1700000000000,
    durationMs: 1234,
  };
}

describe('state store', () => {
  it('loads 100,000 records well under a second', () => {
    const root = mkdtempSync(join(tmpdir(), 'wf-state-'));
    mkdirSync(join(root, '.wf'));
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(JSON.stringify(doneRecord(i)));
    writeFileSync(join(root, '.wf/state.jsonl'), lines.join('\n') + '\n');
    lines.length = 0;
    let ms = Infinity;
    let store = openStateStore(root);
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      store = openStateStore(root);
      ms = Math.min(ms, performance.now() - t0);
    }
    const t1 = performance.now();
    let n = 0;
    for (let i = 0; i < 100_000; i++) if (store.get(asJobId(`calibrate[obsid=${String(i).padStart(6, '0')}]`))?.t === 'done') n++;
    const readMs = performance.now() - t1;
    console.log(`state load: 100k records indexed in ${ms.toFixed(0)} ms; every record read in ${readMs.toFixed(0)} ms more`);
    expect(n).toBe(100_000);
    expect(store.get(asJobId('calibrate[obsid=099999]'))?.t).toBe('done');
    expect(ms).toBeLessThan(1000);
  });

  it('skips a torn tail with WF3007, keeps earlier records, and cuts the tail off on the next append', () => {
    const root = mkdtempSync(join(tmpdir(), 'wf-state-'));
    mkdirSync(join(root, '.wf'));
    const a = doneRecord(1);
    const b = doneRecord(2);
    writeFileSync(join(root, '.wf/state.jsonl'), JSON.stringify(a) + '\n' + JSON.stringify(b).slice(0, 40));
    const store = openStateStore(root);
    expect(store.takeWarnings().map((d) => d.code)).toEqual(['WF3007']);
    expect(store.get(a.id)?.t).toBe('done');
    expect(store.get(b.id)).toBeUndefined();
    store.append({ t: 'interrupted', id: b.id, endTime: 1 });
    store.close();
    const again = openStateStore(root);
    expect(again.takeWarnings()).toHaveLength(0);
    expect(again.get(b.id)?.t).toBe('interrupted');
  });

  it('lets the last record of a job win and compacts when lines far exceed live jobs', () => {
    const root = mkdtempSync(join(tmpdir(), 'wf-state-'));
    const store = openStateStore(root);
    const id = asJobId('j');
    for (let i = 0; i < 1500; i++) store.append({ t: 'started', id, at: i, attempt: 1 });
    store.append({ t: 'interrupted', id, endTime: 9 });
    expect(store.compactIfNeeded()).toBe(true);
    store.append({ t: 'started', id: asJobId('k'), at: 1, attempt: 1 });
    store.close();
    const text = readFileSync(join(root, '.wf/state.jsonl'), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(2);
    const again = openStateStore(root);
    expect(again.get(id)?.t).toBe('interrupted');
    expect(again.get(asJobId('k'))?.t).toBe('started');
  });

  it('writes nothing until the first append', () => {
    const root = mkdtempSync(join(tmpdir(), 'wf-state-'));
    const store = openStateStore(root);
    store.close();
    expect(() => readFileSync(join(root, '.wf/state.jsonl'))).toThrow();
    appendFileSync(join(root, 'x'), '');
  });
});
