// Wire shapes of a data provider's usage report: which jobs used a domain's data, and what it achieved.
import { z } from 'zod';
import { JobStatus } from './resources.ts';

/**
 * A UTC calendar day, `YYYY-MM-DD`, that exists (`2026-02-30` is refused).
 *
 * @example
 * UtcDay.parse('2026-03-01');
 * UtcDay.safeParse('2026-02-30').success; // false
 */
export const UtcDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD')
  .refine((s) => {
    // Runs after a failed pattern too: an unparsable string is simply not a day.
    const ms = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(s);
  }, 'not a calendar day');

/**
 * Query of `GET /v1/usage/:domain`: the period (UTC days, inclusive; default the last 30 days,
 * at most 366), JSON or CSV, and for CSV which table (`jobs`, default, or `scores`).
 *
 * @example
 * UsageQuery.parse({ from: '2026-03-01', to: '2026-03-31', format: 'csv', section: 'scores' });
 */
export const UsageQuery = z.strictObject({
  from: UtcDay.optional(),
  to: UtcDay.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  section: z.enum(['jobs', 'scores']).default('jobs'),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

/**
 * One job that listed the domain in its privacy report. `rowsContributed`: for a succeeded job on a
 * bank label set keyed by USCC, the authorised labelled enterprises routed to this domain; 0 for a
 * job that did not succeed (nothing was released); null where the lab does not record the domain's
 * share (labels held in the domains, or opaque ids, which every domain receives in full).
 * `bankOnlyAuc`: the newest succeeded model of the same bank on the same label set with no platform
 * features; `aucLift = auc − bankOnlyAuc`. Both null where no such baseline was measured.
 *
 * @example
 * UsageJob.parse({ jobId: 'job_Vx3kQ9mT2aLpR7wZ1cYbNg', bank: 'bank-a', name: 'sme-pd', status: 'succeeded',
 *   submittedAt: '2026-03-02T09:00:00.000Z', modelId: 'mdl_Vx3kQ9mT2aLpR7wZ1cYbNg', rowsContributed: 4210,
 *   auc: 0.78, bankOnlyAuc: 0.71, aucLift: 0.07 });
 */
export const UsageJob = z.object({
  jobId: z.string(),
  bank: z.string(),
  name: z.string(),
  status: JobStatus,
  submittedAt: z.string(),
  modelId: z.string().nullable(),
  rowsContributed: z.int().nullable(),
  auc: z.number().nullable(),
  bankOnlyAuc: z.number().nullable(),
  aucLift: z.number().nullable(),
});
export type UsageJob = z.infer<typeof UsageJob>;

/**
 * Scores the domain served on one UTC day for one bank's model.
 *
 * @example
 * UsageScoreLine.parse({ day: '2026-03-02', bank: 'bank-a', modelId: 'mdl_Vx3kQ9mT2aLpR7wZ1cYbNg', count: 1250 });
 */
export const UsageScoreLine = z.object({
  day: UtcDay,
  bank: z.string(),
  modelId: z.string(),
  count: z.int(),
});
export type UsageScoreLine = z.infer<typeof UsageScoreLine>;

/**
 * Totals of the period: `rowsContributed` sums the jobs' known shares; `banks` counts the distinct
 * banks that submitted a job on the domain or were served its scores.
 *
 * @example
 * UsageTotals.parse({ jobs: 3, succeeded: 2, rowsContributed: 8420, scoresServed: 1250, banks: 2 });
 */
export const UsageTotals = z.object({
  jobs: z.int(),
  succeeded: z.int(),
  rowsContributed: z.int(),
  scoresServed: z.int(),
  banks: z.int(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

/**
 * `GET /v1/usage/:domain` (JSON): jobs submitted in the period, oldest first; score lines by day,
 * bank and model.
 *
 * @example
 * const report = UsageReport.parse(await res.json()); report.totals.scoresServed;
 */
export const UsageReport = z.object({
  domain: z.string(),
  from: UtcDay,
  to: UtcDay,
  jobs: z.array(UsageJob),
  totals: UsageTotals,
  scores: z.array(UsageScoreLine),
});
export type UsageReport = z.infer<typeof UsageReport>;
