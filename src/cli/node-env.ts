/**
 * The environment wf was started with, as its jobs must see it.
 *
 * `bin/wf` starts Node without `NODE_EXTRA_CA_CERTS` (Node reads it only at
 * start-up, and with it set builds its whole TLS root store first: 50–90 ms
 * on a 2-core machine; wf opens no TLS connection) and carries the value in
 * {@link CARRIER}. {@link restoreNodeEnv} puts it back into `process.env`
 * before any job or launcher is started, so that every child process (jobs,
 * launchers, `sbatch`) inherits the environment the user gave wf, and the
 * carrier itself is never seen by a job.
 */

/** The variable `bin/wf` carries `NODE_EXTRA_CA_CERTS` in. */
const CARRIER = 'WF_NODE_EXTRA_CA_CERTS';

/**
 * Move the carried `NODE_EXTRA_CA_CERTS` (an empty value included) back
 * into `env` and remove the carrier. No change when there is no carrier
 * (wf started as `node dist/cli/main.js`, or the variable was unset).
 */
export function restoreNodeEnv(env: NodeJS.ProcessEnv = process.env): void {
  const carried = env[CARRIER];
  if (carried === undefined) return;
  env['NODE_EXTRA_CA_CERTS'] = carried;
  delete env[CARRIER];
}
