#!/usr/bin/env node
/**
 * The `wf` command (spec §5): argument parsing with commander, then one
 * lazily imported module per command. Owns exit codes: usage errors exit 2,
 * a bug exits 3 with "internal error", never a bare stack trace.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliExit, EXIT } from './exit-codes.js';
import { wfVersion } from '../util/version.js';
import { restoreNodeEnv } from './node-env.js';

// Before anything can start a child process: jobs see the environment wf was given (bin/wf).
restoreNodeEnv();

const version = wfVersion();

/** Collect a repeatable option into a list. */
const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

/** True when colour escapes should be written to the given stream. */
function wantsColor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb';
}

function buildProgram(): Command {
  const program = new Command();
  program
    .name('wf')
    .description('Plan and run .wf workflows: data products by processing level, rebuilt only when out of date.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`wf: ${str.replace(/^error: /, '')}`) });

  program
    .command('run')
    .description('plan and run the jobs that are out of date for TARGETs (products, rules, levels such as L2, or file paths)')
    .argument('[targets...]', 'what to build; default: the workflow\'s `default`, else every product of the highest level')
    .option('-f, --file <file>', 'workflow file (default ./workflow.wf, else the only .wf in the directory)')
    .option('-j, --jobs <n>', 'job slots to use at once (default: number of cores)')
    .option('-n, --dry-run', 'show what would run, run nothing', false)
    .option('--explain', 'say why each job must run', false)
    .option('-k, --keep-going', 'after a failure, go on with jobs that do not depend on it', false)
    .option('--force', 'run every planned job, even up-to-date ones (and rebuild protected outputs)', false)
    .option('--forcerun <rule>', 'run every job of RULE (repeatable)', collect, [])
    .option('--where <key=values>', 'only wildcard values KEY=V1[,V2…] (repeatable)', collect, [])
    .option('--config <key=value>', 'override a config value (repeatable; a.b=V sets a nested key)', collect, [])
    .option('--config-file <file>', 'override config values from a JSON or .wf config file')
    .option('--rerun-triggers <list>', 'which changes rerun a job: mtime,content,command,params,rule (default: all)')
    .addOption(new Option('--executor <name>', 'where jobs run').choices(['local', 'slurm']).default('local'))
    .option('--slurm-partition <name>', 'SLURM partition for jobs whose rule sets none (--executor slurm)')
    .option('--slurm-account <name>', 'SLURM account for jobs whose rule sets none')
    .option('--slurm-qos <name>', 'SLURM QOS for jobs whose rule sets none')
    .option('--slurm-extra <flags>', 'extra sbatch flags for jobs whose rule sets none, e.g. "--constraint=ssd"')
    .option('--slurm-array-threshold <n>', 'submit ≥N ready jobs of one rule as one job array (0: never; default 20)')
    .option('--slurm-poll-interval <seconds>', 'seconds between two squeue polls for all jobs in flight (default 2)')
    .option('--max-jobs-in-flight <n>', 'at most N jobs submitted and not finished at once (--executor slurm; default 1000)')
    .addOption(new Option('--log-format <format>', 'progress as human text or JSON events (stderr)').choices(['text', 'json']).default('text'))
    .action(async (targets: string[], opts) => {
      const { runCommand } = await import('./run.js');
      process.exitCode = await runCommand(targets, { ...opts, color: wantsColor(process.stderr) });
    });

  program
    .command('check')
    .description('check workflow files statically, for CI (exit 0 clean, 2 on any error)')
    .argument('[files...]', 'main workflow files (default: the one in the current directory)')
    .option('-f, --file <file>', 'workflow file when no FILE is given')
    .addOption(new Option('--format <format>', 'diagnostics format').choices(['text', 'json', 'github']).default('text'))
    .action(async (files: string[], opts) => {
      const { runCheck } = await import('./check.js');
      process.exitCode = await runCheck(files, { ...opts, color: wantsColor(process.stdout) });
    });

  program
    .command('graph')
    .description('print the job graph (or with --rules the rule graph) of TARGETs')
    .argument('[targets...]', 'what to plan; default as for `wf run`')
    .option('-f, --file <file>', 'workflow file')
    .addOption(new Option('--format <format>', 'output format').choices(['dot', 'mermaid', 'json']).default('dot'))
    .option('--rules', 'draw rules instead of jobs', false)
    .option('--where <key=values>', 'only wildcard values KEY=V1[,V2…] (repeatable)', collect, [])
    .option('--config <key=value>', 'override a config value (repeatable)', collect, [])
    .option('--config-file <file>', 'override config values from a file')
    .action(async (targets: string[], opts) => {
      const { prepare } = await import('./prepare.js');
      const { renderJobGraph, renderRuleGraph } = await import('./graph.js');
      const { workflow, plan } = await prepare(targets, { ...opts, cache: 'read', color: wantsColor(process.stderr) });
      process.stdout.write(opts.rules ? renderRuleGraph(workflow, plan, opts.format) : renderJobGraph(plan, opts.format));
    });

  program
    .command('clean')
    .description('remove the generated outputs of TARGETs (never source products; protected ones only with --force)')
    .argument('[targets...]', 'what to clean; default as for `wf run`')
    .option('-f, --file <file>', 'workflow file')
    .option('-n, --dry-run', 'list what would be removed', false)
    .option('--force', 'also remove protected outputs', false)
    .option('--where <key=values>', 'only wildcard values KEY=V1[,V2…] (repeatable)', collect, [])
    .option('--config <key=value>', 'override a config value (repeatable)', collect, [])
    .option('--config-file <file>', 'override config values from a file')
    .action(async (targets: string[], opts) => {
      const { runClean } = await import('./clean.js');
      process.exitCode = await runClean(targets, { ...opts, cache: 'read', color: wantsColor(process.stderr) });
    });

  program
    .command('status')
    .description('what a run did (default: the last one): per level and rule done / failed / pending, durations, failures, QC metrics')
    .option('-f, --file <file>', 'workflow file (its directory holds .wf/)')
    .option('--run <id>', 'the run to show (see `wf runs`)')
    .option('--json', 'print JSON', false)
    .action(async (opts) => {
      const { runStatus } = await import('./status.js');
      process.exitCode = runStatus({ ...opts, color: wantsColor(process.stderr) });
    });

  program
    .command('runs')
    .description('the run history, newest first; --prune KEEP keeps only the newest KEEP runs\' records and logs')
    .option('-f, --file <file>', 'workflow file (its directory holds .wf/)')
    .option('--json', 'print JSON', false)
    .option('--prune <keep>', 'keep the records and logs of the newest KEEP runs only')
    .action(async (opts) => {
      const { runRuns } = await import('./runs.js');
      process.exitCode = runRuns({ ...opts, color: wantsColor(process.stderr) });
    });

  program
    .command('log')
    .description('print a job\'s log: JOB is a job id such as detect[obsid=0001], or a rule name followed by KEY=VALUE wildcard values')
    .argument('<job>', 'job id, or rule name')
    .argument('[values...]', 'wildcard values KEY=VALUE picking the job of the rule')
    .option('-f, --file <file>', 'workflow file (its directory holds .wf/)')
    .option('--run <id>', 'the job as recorded by this run')
    .action(async (job: string, values: string[], opts) => {
      const { runLog } = await import('./log.js');
      process.exitCode = runLog(job, values, { ...opts, color: wantsColor(process.stderr) });
    });

  program
    .command('verify')
    .description('re-hash recorded products; report missing, altered and unrecorded ones (exit 1 if any)')
    .argument('[target]', 'a product name, a level such as L2, or a path (file or directory)')
    .option('-f, --file <file>', 'workflow file (its directory holds .wf/)')
    .option('--json', 'print JSON', false)
    .action(async (target: string | undefined, opts) => {
      const { runVerify } = await import('./verify.js');
      process.exitCode = await runVerify(target, { ...opts, color: wantsColor(process.stderr) });
    });

  program
    .command('prov')
    .description('the upstream provenance of a product as W3C PROV-JSON')
    .argument('<file>', 'a product file a run made')
    .option('-f, --file <file>', 'workflow file (its directory holds .wf/)')
    .action(async (file: string, opts) => {
      const { runProv } = await import('./prov.js');
      process.exitCode = runProv(file, { ...opts, color: wantsColor(process.stderr) });
    });

  program
    .command('report')
    .description('write a self-contained HTML report of a run (summary, progress, timeline, failures, QC metrics)')
    .option('-f, --file <file>', 'workflow file (its directory holds .wf/)')
    .option('--run <id>', 'the run to report (default: the last one)')
    .option('-o, --output <file>', 'where to write it (- for stdout)', 'wf-report.html')
    .action(async (opts) => {
      const { runReport } = await import('./report-html.js');
      process.exitCode = runReport({ ...opts, color: wantsColor(process.stderr) });
    });

  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CliExit) {
      if (e.message) process.stderr.write(`wf: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors exit 2 (spec §5).
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    } else {
      const err = e as Error;
      process.stderr.write(`wf: internal error: ${err?.message ?? String(e)}\n`);
      if (process.env['WF_DEBUG']) process.stderr.write(`${err?.stack ?? ''}\n`);
      else process.stderr.write('wf: this is a bug in wf; rerun with WF_DEBUG=1 for details and report it\n');
      process.exitCode = EXIT.internal;
    }
  }
}

/**
 * Resolves once everything written to `stream` has reached the kernel. Writes to files and
 * terminals are synchronous, but a pipe takes 64 KiB at once and Node queues the rest: exiting
 * before the queue drains would cut `wf run -n | less` short. A reader that went away (EPIPE)
 * ends the wait too.
 */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('drain', resolve);
    stream.once('error', () => resolve());
  });
}

// A reader that closes the pipe early (`wf run -n | head`) is not an error of wf's.
for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);

await main(process.argv);
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// Exit without tearing down a heap that may hold a 300,000-job plan (tens of ms).
process.exit();
