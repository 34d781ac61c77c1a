/**
 * Test helpers for the run database: a {@link RunContext} for a plan, so unit
 * tests can open the real SQLite store the way `wf run` does.
 */
import type { Plan } from '../../src/ir/plan.js';
import { openRunStore, type RunContext, type RunStore } from '../../src/store/state.js';

/** A run context with fixed metadata for `plan`. */
export function runContext(plan: Plan): RunContext {
  return {
    plan,
    info: { argv: ['run'], targets: [], user: 'test', host: 'test-host', pid: process.pid, wfVersion: '0.0.0-test', workflow: 'workflow.wf', config: {}, products: [] },
  };
}

/** Open the real store of `plan.root`, able to record `plan`'s jobs. */
export function openTestStore(plan: Plan): RunStore {
  return openRunStore(plan.root, runContext(plan));
}
