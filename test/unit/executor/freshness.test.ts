import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/executor/executor.js';
import { decide, stableJson } from '../../../src/executor/freshness.js';
import { indexPlan } from '../../../src/executor/plan-index.js';
import { StampCache } from '../../../src/executor/stamps.js';
import { createMemoryStateStore } from '../../../src/executor/state-store.js';
import { FakeJobRunner } from '../../helpers/fake-runner.js';
import { put, tempRoot } from '../../helpers/fs.js';
import { job, makePlan, options } from '../../helpers/plan.js';

describe('freshness', () => {
  it('stats each path once and hashes nothing when stamps match', async () => {
    const root = tempRoot();
    put(root, 'shared.txt', 's', 1_000_000);
    const plan = makePlan(
      root,
      ['1', '2', '3'].map((n) => job({ rule: 'r', wildcards: { n }, inputs: ['shared.txt'], outputs: [`o${n}`] })),
    );
    const store = createMemoryStateStore();
    await execute(plan, options(root), { runner: new FakeJobRunner(plan), store }, () => {});
    const stamps = new StampCache(root);
    const d = await decide(plan, indexPlan(plan), options(root), store, stamps);
    expect([...d.dirty]).toEqual([0, 0, 0]);
    expect(stamps.statCalls).toBe(4); // shared.txt + three outputs
    expect(stamps.hashCalls).toBe(0);
  });

  it('hashes a touched input once and only confirms, then a changed size needs no hash', async () => {
    const root = tempRoot();
    put(root, 'in.txt', 'abc', 1_000_000);
    const plan = makePlan(root, [job({ rule: 'a', inputs: ['in.txt'], outputs: ['a'] }), job({ rule: 'b', inputs: ['in.txt'], outputs: ['b'] })]);
    const store = createMemoryStateStore();
    await execute(plan, options(root), { runner: new FakeJobRunner(plan), store }, () => {});
    utimesSync(join(root, 'in.txt'), 2_000_000, 2_000_000);
    const stamps = new StampCache(root);
    const d = await decide(plan, indexPlan(plan), options(root), store, stamps);
    expect(d.reRecord).toEqual([0, 1]);
    expect(stamps.hashCalls).toBe(1);
    writeFileSync(join(root, 'in.txt'), 'abcd');
    const s2 = new StampCache(root);
    const d2 = await decide(plan, indexPlan(plan), options(root), store, s2);
    expect(d2.reasons[0]).toEqual([{ kind: 'input-changed', path: 'in.txt', detail: 'content' }]);
    expect(s2.hashCalls).toBe(0);
  });

  it('forces by rule and reports params and rule changes', async () => {
    const root = tempRoot();
    const mk = (gain: number, digest: string) => makePlan(root, [job({ rule: 'cal', outputs: ['x'], params: { gain, z: { b: 1, a: 2 } }, ruleDigest: digest }), job({ rule: 'other', outputs: ['y'] })]);
    const store = createMemoryStateStore();
    await execute(mk(1, 'd1'), options(root), { runner: new FakeJobRunner(mk(1, 'd1')), store }, () => {});
    const p = mk(2, 'd2');
    const d = await decide(p, indexPlan(p), options(root, { forceRules: ['other'] }), store, new StampCache(root));
    expect(d.reasons).toEqual([[{ kind: 'rule-changed' }, { kind: 'params-changed' }], [{ kind: 'forced', rule: 'other' }]]);
  });

  it('writes params as JSON with sorted keys', () => {
    expect(stableJson({ b: [1, { d: 1, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":1}]}');
  });
});
