/**
 * Never wrong, never lose work (spec §3 Failure, Interruption, Concurrency,
 * State; §6): retries, timeouts, SIGINT with grandchildren, kill -9 of wf and
 * resume, concurrent runs, the run database after kill -9, temp and protected outputs and
 * `wf clean`. Real processes; synchronisation by awaiting files, never sleeps.
 */
import { execa } from 'execa';
import Database from 'better-sqlite3';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exists, mtimeMs, read, tempDir, WF, wf, writeFiles } from '../helpers/cli.js';

/** Poll the run database (read-only, beside the running wf) until `job`'s current status is `status`. */
async function waitForStatus(dbPath: string, job: string, status: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const db = new Database(dbPath, { readonly: true });
    const row = db.prepare('SELECT status FROM current_jobs WHERE job = ?').get(job) as { status: string } | undefined;
    db.close();
    if (row?.status === status) return;
    if (Date.now() > deadline) throw new Error(`${job} still ${row?.status ?? 'unrecorded'} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolve once `path` exists (polling the file system every 20 ms, up to `ms`). */
async function waitForFile(path: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while a process with this pid exists (and is not a zombie). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitDead(pids: number[], ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** A workflow whose `slow` jobs start a grandchild, write their pids, and block until `go/{x}` exists. */
const slowWorkflow = `
product seed  L0 "seed/{x}.txt"
product quick L1 "quick/{x}.txt"
product slow  L2 "slow/{x}.txt"

rule copy L1 {
  input  seed
  output quick
  shell  "cp {input} {output}"
}

rule block L2 {
  input  quick
  output slow
  shell  """
    echo partial > {output}
    sleep 300 & echo $! > pids/{x}.grandchild
    echo $$ > pids/{x}.child
    while [ ! -e go/{x} ]; do sleep 0.05; done
    kill %1
    echo done > {output}
  """
}
`;

function slowDir(): string {
  const dir = tempDir();
  writeFiles(dir, { 'workflow.wf': slowWorkflow, 'seed/a.txt': 'a\n', 'seed/b.txt': 'b\n', 'pids/.keep': '', 'go/.keep': '' });
  return dir;
}

function pidsIn(dir: string): number[] {
  return readdirSync(join(dir, 'pids'))
    .filter((f) => f !== '.keep')
    .map((f) => Number(read(join(dir, 'pids', f)).trim()));
}

describe('interruption', () => {
  it('on SIGINT kills running jobs with their grandchildren, removes partial outputs, exits 130, and resumes', async () => {
    const dir = slowDir();
    const run = execa('node', [WF, 'run', '-j', '2'], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
    await waitForFile(join(dir, 'pids/a.grandchild'));
    await waitForFile(join(dir, 'pids/b.grandchild'));
    await waitForFile(join(dir, 'pids/a.child'));
    await waitForFile(join(dir, 'pids/b.child'));
    const quickBefore = mtimeMs(join(dir, 'quick/a.txt'));
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(await waitDead(pidsIn(dir))).toBe(true);
    expect(exists(join(dir, 'slow/a.txt'))).toBe(false);
    expect(exists(join(dir, 'slow/b.txt'))).toBe(false);
    // resume: only the interrupted jobs run again
    writeFiles(dir, { 'go/a': '', 'go/b': '' });
    const dry = await wf(dir, ['run', '-n', '--explain']);
    expect(dry.stdout).toMatch(/block\[x=a\]: .*interrupted/);
    expect(dry.stdout).not.toMatch(/copy\[/);
    const again = await wf(dir, ['run']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(read(join(dir, 'slow/a.txt'))).toBe('done\n');
    expect(mtimeMs(join(dir, 'quick/a.txt'))).toBe(quickBefore);
  });

  it('after kill -9 of wf, the next run takes over the lock, kills the orphaned jobs and redoes only unfinished work', async () => {
    const dir = slowDir();
    const run = execa('node', [WF, 'run', '-j', '2'], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
    await waitForFile(join(dir, 'pids/a.child'));
    await waitForFile(join(dir, 'pids/b.child'));
    const orphans = pidsIn(dir);
    run.kill('SIGKILL');
    await run;
    expect(orphans.every(alive)).toBe(true); // the jobs outlive a kill -9 of wf …
    writeFiles(dir, { 'go/a': '', 'go/b': '' });
    const again = await wf(dir, ['run']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/WF3006|stale/);
    expect(await waitDead(orphans)).toBe(true); // … until the next run cleans them up
    expect(read(join(dir, 'slow/a.txt'))).toBe('done\n');
    const noop = await wf(dir, ['run']);
    expect(noop.stderr).toMatch(/nothing to do/);
  });
});

describe('concurrency', () => {
  it('refuses a second run in the same directory at once, naming the lock holder', async () => {
    const dir = slowDir();
    const first = execa('node', [WF, 'run', '-j', '2'], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
    await waitForFile(join(dir, 'pids/a.child'));
    const second = await wf(dir, ['run']);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/another wf run \(pid \d+/);
    expect(second.stderr).toMatch(/\.wf\/lock/);
    writeFiles(dir, { 'go/a': '', 'go/b': '' });
    expect((await first).exitCode).toBe(0);
  });
});

describe('run database', () => {
  it('survives kill -9 of wf mid-run: intact, every finished job recorded, the cut-off one reruns', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': `product a L0 "in/{x}.txt"
product b L1 "out/{x}.txt"
rule r L1 {
  input a
  output b
  shell """
    if [ {x} = 9 ]; then echo $$ > started9; while [ ! -e go ]; do sleep 0.05; done; fi
    cp {input} {output}
  """
}
`,
      'in/1.txt': '1',
      'in/2.txt': '2',
      'in/3.txt': '3',
      'in/9.txt': '9',
    });
    // -j 1: jobs run in plan order, so 1, 2 and 3 have finished when 9 starts. A finished job's
    // record is committed with the next job's start or within the batch interval (50 ms) while
    // 9 runs; 3's record may be the one still in flight when 9 starts, so wait for it.
    const run = execa('node', [WF, 'run', '-j', '1'], { cwd: dir, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
    await waitForFile(join(dir, 'started9'));
    await waitForStatus(join(dir, '.wf/wf.db'), 'r[x=3]', 'done');
    run.kill('SIGKILL');
    await run;
    const db = new Database(join(dir, '.wf/wf.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare('SELECT job, status FROM current_jobs ORDER BY job').all();
    db.close();
    expect(rows).toEqual([
      { job: 'r[x=1]', status: 'done' },
      { job: 'r[x=2]', status: 'done' },
      { job: 'r[x=3]', status: 'done' },
      { job: 'r[x=9]', status: 'started' },
    ]);
    writeFiles(dir, { go: '' });
    const again = await wf(dir, ['run']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/1 job\(s\) done/);
    expect(read(join(dir, 'out/9.txt'))).toBe('9');
    const runs = await wf(dir, ['runs']);
    expect(runs.stdout).toMatch(/^\s+1 .*crashed/m);
    expect(runs.stdout).toMatch(/^\s+2 .*succeeded/m);
  });
});

describe('retries and timeouts', () => {
  it('retries a flaky job and logs every attempt', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': `product out L1 "out.txt"
rule flaky L1 {
  output out
  retries 2
  shell  """
    n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) > count
    echo "attempt $((n + 1))"
    [ "$n" -ge 1 ] || { echo "transient failure" >&2; exit 75; }
    echo ok > {output}
  """
}
`,
    });
    const r = await wf(dir, ['run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(join(dir, 'count')).trim()).toBe('2');
    const log = read(join(dir, '.wf/logs/flaky/flaky.log'));
    expect(log).toMatch(/attempt 1/);
    expect(log).toMatch(/transient failure/);
    expect(log).toMatch(/attempt 2/);
  });

  it('kills a hung job and its grandchildren at the timeout and says so', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'workflow.wf': `product out L1 "out.txt"
rule hang L1 {
  output out
  timeout "1s"
  shell  "sleep 300 & echo $! > grandchild.pid; sleep 300"
}
`,
    });
    const r = await wf(dir, ['run']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/timed out after 1s/);
    expect(await waitDead([Number(read(join(dir, 'grandchild.pid')))])).toBe(true);
  });
});

describe('temp and protected outputs', () => {
  const workflow = `
product raw L0 "raw/{x}.txt"
product mid L1 "mid/{x}.txt"
product fin L2 "fin/{x}.txt"
rule one L1 {
  input  raw
  output temp mid
  shell  "cp {input} {output}"
}
rule two L2 {
  input  mid
  output protected fin
  shell  "cp {input} {output}"
}
`;

  it('deletes a temp output after its readers succeed and does not rerun for it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': workflow, 'raw/a.txt': 'a\n' });
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    expect(exists(join(dir, 'mid/a.txt'))).toBe(false);
    expect(read(join(dir, 'fin/a.txt'))).toBe('a\n');
    expect((await wf(dir, ['run'])).stderr).toMatch(/nothing to do/);
  });

  it('makes a protected output read-only, refuses to rebuild it without --force, and clean keeps it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'workflow.wf': workflow, 'raw/a.txt': 'a\n' });
    expect((await wf(dir, ['run'])).exitCode).toBe(0);
    expect(statSync(join(dir, 'fin/a.txt')).mode & 0o222).toBe(0);
    appendFileSync(join(dir, 'raw/a.txt'), 'more\n');
    const refused = await wf(dir, ['run']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/protected/);
    expect(read(join(dir, 'fin/a.txt'))).toBe('a\n');
    const forced = await wf(dir, ['run', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(read(join(dir, 'fin/a.txt'))).toBe('a\nmore\n');
    const clean = await wf(dir, ['clean']);
    expect(clean.exitCode).toBe(0);
    expect(exists(join(dir, 'fin/a.txt'))).toBe(true);
    expect(exists(join(dir, 'raw/a.txt'))).toBe(true);
    const cleanForce = await wf(dir, ['clean', '--force']);
    expect(cleanForce.exitCode).toBe(0);
    expect(exists(join(dir, 'fin/a.txt'))).toBe(false);
    expect(exists(join(dir, 'raw/a.txt'))).toBe(true);
  });
});
