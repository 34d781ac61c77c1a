/**
 * `bin/wf`, the command users start (the package's `bin`): it starts Node
 * on dist/cli/main.js without `NODE_EXTRA_CA_CERTS` (Node would build its
 * TLS root store at every start) and jobs still get the variable exactly as
 * wf was given it (src/cli/node-env.ts).
 */
import { execa } from 'execa';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir, writeFiles } from '../helpers/cli.js';

const BIN = join(REPO, 'bin/wf');

/** One job that writes what it sees: the variable (or `unset`), the carrier, and whether wf's own process started with the variable. */
const WORKFLOW = `product seen L1 "seen.txt"

rule look {
  output seen
  shell """
    wf_pid=$(awk '{print $4}' /proc/$PPID/stat)
    in_wf=$(tr '\\\\0' '\\\\n' < /proc/$wf_pid/environ | grep -c '^NODE_EXTRA_CA_CERTS=' || true)
    echo "\${NODE_EXTRA_CA_CERTS-unset}|\${WF_NODE_EXTRA_CA_CERTS-unset}|$in_wf" > {output}
  """
}
`;

/** Run `bin/wf run` in a fresh workflow with `env` as the whole environment (plus PATH and HOME); returns what the job saw. */
async function jobSees(env: Record<string, string>): Promise<string> {
  const dir = tempDir('wf-bin-');
  writeFiles(dir, { 'workflow.wf': WORKFLOW });
  const r = await execa(BIN, ['run'], {
    cwd: dir,
    reject: false,
    stdin: 'ignore',
    extendEnv: false,
    env: { PATH: process.env['PATH']!, HOME: process.env['HOME'] ?? dir, NO_COLOR: '1', ...env },
  });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return readFileSync(join(dir, 'seen.txt'), 'utf8').trim();
}

describe('bin/wf', () => {
  it('starts wf without NODE_EXTRA_CA_CERTS and gives jobs the value unchanged, without the carrier', async () => {
    expect(await jobSees({ NODE_EXTRA_CA_CERTS: '/etc/ssl/my ca.pem' })).toBe('/etc/ssl/my ca.pem|unset|0');
  });

  it('keeps an empty NODE_EXTRA_CA_CERTS set and empty for jobs', async () => {
    expect(await jobSees({ NODE_EXTRA_CA_CERTS: '' })).toBe('|unset|0');
  });

  it('leaves NODE_EXTRA_CA_CERTS unset for jobs when it was unset', async () => {
    expect(await jobSees({})).toBe('unset|unset|0');
  });

  it('runs through a relative symbolic link, as npm installs it in node_modules/.bin', async () => {
    const dir = tempDir('wf-bin-link-');
    mkdirSync(join(dir, '.bin'));
    symlinkSync(relative(join(dir, '.bin'), BIN), join(dir, '.bin', 'wf'));
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await execa(join(dir, '.bin', 'wf'), ['--version'], { reject: false, stdin: 'ignore' });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout).trim()).toBe(version);
  });
});
