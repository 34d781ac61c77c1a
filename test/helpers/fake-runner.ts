/**
 * A {@link JobRunner} that runs nothing: each call is recorded and answered
 * by a handler (which may create the job's output files) after a macrotask,
 * so the executor's concurrency can be observed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JobOutcome, JobRunner, JobSpec, RunControl } from '../../src/executor/job-runner.js';
import type { Plan } from '../../src/ir/plan.js';

export type FakeBehaviour = 'ok' | 'fail' | 'no-output';

export class FakeJobRunner implements JobRunner {
  readonly calls: JobSpec[] = [];
  /** Ids in start order. */
  readonly started: string[] = [];
  inFlightCores = 0;
  maxInFlightCores = 0;
  readonly #plan: Plan;
  readonly #behaviour: (id: string, attempt: number) => FakeBehaviour;
  readonly #gates = new Map<string, Promise<void>>();
  readonly #attempts = new Map<string, number>();

  constructor(plan: Plan, behaviour: (id: string, attempt: number) => FakeBehaviour = () => 'ok') {
    this.#plan = plan;
    this.#behaviour = behaviour;
  }

  /** Hold job `id` running until `gate` resolves. */
  hold(id: string, gate: Promise<void>): void {
    this.#gates.set(id, gate);
  }

  async run(spec: JobSpec, control: RunControl): Promise<JobOutcome> {
    const job = this.#plan.jobs.find((j) => j.id === spec.id)!;
    const attempt = (this.#attempts.get(spec.id) ?? 0) + 1;
    this.#attempts.set(spec.id, attempt);
    this.calls.push(spec);
    this.started.push(spec.id);
    this.inFlightCores += job.cores;
    this.maxInFlightCores = Math.max(this.maxInFlightCores, this.inFlightCores);
    await new Promise((r) => setImmediate(r));
    await this.#gates.get(spec.id);
    this.inFlightCores -= job.cores;
    if (control.signal.aborted) return { exitCode: null, signal: 'SIGTERM', timedOut: false, aborted: true };
    const b = this.#behaviour(spec.id, attempt);
    if (b === 'fail') return { exitCode: 1, signal: null, timedOut: false, aborted: false };
    if (b === 'ok') {
      for (const o of job.outputs) {
        const abs = join(spec.cwd, o.path);
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, `${spec.id}\n`);
      }
    }
    return { exitCode: 0, signal: null, timedOut: false, aborted: false };
  }
}
