/**
 * The executor layer's public surface (STYLE §1): {@link execute} plus the
 * ports and helpers the CLI wires around it.
 */
export { execute, type ExecDeps, type ExecOptions } from './executor.js';
export type { DirtyReason, ExecEvent, FailedJob, JobReasons, LevelCount, RunSummary } from './events.js';
export { ALL_TRIGGERS, type RerunTrigger } from './freshness.js';
export type { JobOutcome, JobRunner, JobSpec, RunControl } from './job-runner.js';
export { createLauncherRunner, type LauncherRunnerOptions } from './launcher-runner.js';
export { createMemoryStateStore, type StateRecord, type StateStore } from './state-store.js';
export { acquireLock, releaseLock, type Lock, type LockInfo, type LockResult } from './lock.js';
