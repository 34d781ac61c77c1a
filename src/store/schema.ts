/**
 * zod schemas for what enters the run database's edges (STYLE §1): the run
 * metadata the CLI supplies and rows read back by the history commands. The hot path (the executor's state load) does not use them:
 * the schema version is validated once at open instead.
 */
import { z } from 'zod';

/** Metadata of one `wf run`, recorded when the run first writes. Times epoch ms. */
export const RunInfoSchema = z.object({
  argv: z.array(z.string()),
  targets: z.array(z.string()),
  user: z.string(),
  host: z.string(),
  pid: z.number().int(),
  wfVersion: z.string(),
  /** Main workflow file, relative to the root. */
  workflow: z.string(),
  /** Effective config values (after --config overrides). */
  config: z.record(z.string(), z.unknown()),
  /** Product declarations: name → level, pattern, keywords. */
  products: z.array(
    z.object({ name: z.string(), level: z.number(), levelText: z.string(), pattern: z.string(), isSource: z.boolean(), keywords: z.record(z.string(), z.unknown()) }),
  ),
});
/** See {@link RunInfoSchema}. */
export type RunInfo = z.infer<typeof RunInfoSchema>;

/** Outcome of a run row. */
export const RunOutcomeSchema = z.enum(['running', 'succeeded', 'failed', 'interrupted', 'crashed']);
/** How a run ended: running (or killed, until the next run marks it crashed), succeeded, failed, interrupted, crashed. */
export type RunOutcome = z.infer<typeof RunOutcomeSchema>;

/** A `runs` row. */
export const RunRowSchema = z.object({
  id: z.number().int(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  argv: z.string(),
  targets: z.string(),
  user: z.string(),
  host: z.string(),
  pid: z.number().int(),
  wf_version: z.string(),
  workflow: z.string(),
  config: z.string(),
  outcome: RunOutcomeSchema,
  summary: z.string().nullable(),
});
/** One `runs` row as the history commands read it (times epoch ms, JSON columns still text). */
export type RunRow = z.infer<typeof RunRowSchema>;

/** A `jobs` row (one attempt). */
export const JobRowSchema = z.object({
  id: z.number().int(),
  run_id: z.number().int(),
  job: z.string(),
  rule: z.string(),
  wildcards: z.string(),
  level: z.number(),
  level_text: z.string(),
  /** `queued`: committed ahead of the job's start (StateStore.reserve), not known to have started. */
  status: z.enum(['queued', 'started', 'done', 'failed', 'interrupted']),
  attempt: z.number().int(),
  adopted: z.number().int(),
  code: z.string().nullable(),
  reason: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  started_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  duration_ms: z.number().nullable(),
  peak_rss_kb: z.number().nullable(),
  pgid: z.number().int().nullable(),
  command: z.string(),
  params: z.string().nullable(),
  rule_digest: z.string().nullable(),
  log_path: z.string().nullable(),
  log_tail: z.string().nullable(),
  metrics: z.string().nullable(),
});
/** One `jobs` row: one attempt of one job (times epoch ms, durations ms). */
export type JobRow = z.infer<typeof JobRowSchema>;

/** A `files` row: a used (role 0) or generated (role 1) edge. */
export const FileRowSchema = z.object({
  job_row: z.number().int(),
  role: z.union([z.literal(0), z.literal(1)]),
  path: z.string(),
  mtime_ns: z.string(),
  size: z.number(),
  sha256: z.string().nullable(),
  product: z.string().nullable(),
  temp: z.number().int(),
});
/** One `files` row: a used (role 0) or generated (role 1) file of an attempt, with stamp (mtime ns, bytes) and SHA-256. */
export type FileRow = z.infer<typeof FileRowSchema>;

/** Per level and rule counts of one run, stored in `runs.summary` (JSON). */
export const RunSummaryRowSchema = z.object({
  total: z.number(),
  byRule: z.array(
    z.object({
      rule: z.string(),
      level: z.number(),
      levelText: z.string(),
      planned: z.number(),
      upToDate: z.number(),
      succeeded: z.number(),
      failed: z.number(),
      skipped: z.number(),
      notStarted: z.number(),
      interrupted: z.number(),
    }),
  ),
});
/** The `summary` JSON of a `runs` row: per rule, jobs planned, up to date, succeeded, failed, skipped, not started, interrupted. */
export type RunSummaryRow = z.infer<typeof RunSummaryRowSchema>;
