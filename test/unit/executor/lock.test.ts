import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { job, makePlan } from '../../helpers/plan.js';
import { openTestStore } from '../../helpers/store.js';
import { describe, expect, it } from 'vitest';
import { acquireLock, releaseLock } from '../../../src/executor/lock.js';
import { alive, tempRoot } from '../../helpers/fs.js';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync('bash', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

describe('lock', () => {
  it('refuses a second holder while the first is alive (WF3005) and frees on release', () => {
    const root = tempRoot();
    const first = acquireLock(root);
    expect(first.ok).toBe(true);
    const second = acquireLock(root);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.diagnostic.code).toBe('WF3005');
      expect(second.diagnostic.message).toMatch(new RegExp(`^another wf run \\(pid ${process.pid} on ${hostname()}, started .+\\) holds \\.wf/lock$`));
    }
    if (first.ok) releaseLock(first.lock);
    expect(existsSync(join(root, '.wf/lock'))).toBe(false);
    const third = acquireLock(root);
    expect(third.ok).toBe(true);
  });

  it('takes over a stale lock with WF3006 after killing the dead run’s recorded job groups', async () => {
    const root = tempRoot();
    mkdirSync(join(root, '.wf'));
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(join(root, '.wf/lock'), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt }));
    const leftover = spawn('bash', ['-c', 'sleep 100 & sleep 100; wait'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((r) => leftover.on('exit', r));
    const pgid = leftover.pid!;
    const plan = makePlan(root, [job({ rule: 'j', outputs: ['j.txt'], command: 'true' })]);
    const store = openTestStore(plan);
    store.append({ t: 'started', id: plan.jobs[0]!.id, at: Date.now(), attempt: 1 });
    store.append({ t: 'spawned', id: plan.jobs[0]!.id, pgid, at: Date.now() });
    store.close();
    const r = acquireLock(root);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.warnings.map((w) => w.code)).toEqual(['WF3006']);
      expect(r.warnings[0]!.hint).toBe('killed 1 leftover job process group(s) of that run');
      expect(JSON.parse(readFileSync(r.lock.path, 'utf8')).pid).toBe(process.pid);
    }
    await exited;
    expect(alive(pgid)).toBe(false);
  });
});
