// A domain's usage report: the jobs that used its data in a period, the rows and effect, the scores served.
import type { Job } from '../../client-sdk/contract/resources.ts';
import type { UsageJob, UsageReport } from '../../client-sdk/contract/usage.ts';
import type { LabContext } from '../context.ts';
import type { StoredModel } from '../store/models.ts';
import { bankOnlyBaselines } from './baseline.ts';
import { jobsSubmitted } from './jobs.ts';
import type { Period } from './period.ts';
import { scoresServed } from './score-counts.ts';

/**
 * The domain's share of a succeeded job's rows, where the lab knows it: bank labels keyed by USCC
 * are routed to exactly one domain each, so `rowsByDomain` is that domain's share. Labels held in
 * the domains, and opaque ids (every domain receives the whole slice), leave it unrecorded (null).
 */
function rowsContributed(job: Job, domain: string, model: StoredModel | null): number | null {
  if (job.status !== 'succeeded') return 0;
  if (job.spec.labels.source !== 'bank' || model?.entityKey !== 'uscc') return null;
  return job.trainingReport?.rowsByDomain[domain] ?? null;
}

/** A model with platform features on a bank label set is compared with that bank's own baseline. */
async function effect(
  ctx: LabContext,
  job: Job,
  model: StoredModel | null,
  baselines: Map<string, Promise<Map<string, StoredModel>>>,
): Promise<Pick<UsageJob, 'auc' | 'bankOnlyAuc' | 'aucLift'>> {
  if (!model || job.spec.labels.source !== 'bank' || model.features.length === 0)
    return { auc: model?.metrics.auc ?? null, bankOnlyAuc: null, aucLift: null };
  const auc = model.metrics.auc;
  if (!baselines.has(job.tenant)) baselines.set(job.tenant, bankOnlyBaselines(ctx, job.tenant));
  const baseline = (await baselines.get(job.tenant)!).get(job.spec.labels.labelSetId);
  const bankOnlyAuc = baseline?.metrics.auc ?? null;
  return { auc, bankOnlyAuc, aucLift: bankOnlyAuc === null ? null : auc - bankOnlyAuc };
}

/**
 * Jobs whose privacy report lists the domain and that were submitted in the period, in every status
 * (a rejected or failed job is listed and contributes no rows); scores the domain served in the
 * period, whichever job their model came from.
 *
 * @example
 * const report = await usageReport(ctx, 'd-bj', resolvePeriod('2026-03-01', '2026-03-31', new Date()));
 */
export async function usageReport(ctx: LabContext, domain: string, period: Period): Promise<UsageReport> {
  const jobs = await jobsSubmitted(ctx, ctx.keys.jobsAll, period, (j) =>
    j.privacyReport.domains.includes(domain) ? j : null,
  );
  const baselines = new Map<string, Promise<Map<string, StoredModel>>>();
  // Concurrent reads: ioredis sends them back to back, so a year of jobs costs few round trips.
  const rows: UsageJob[] = await Promise.all(
    jobs.map(async (job) => {
      const model = job.status === 'succeeded' && job.modelId ? await ctx.models.get(job.modelId) : null;
      return {
        jobId: job.id,
        bank: job.tenant,
        name: job.spec.name,
        status: job.status,
        submittedAt: job.createdAt,
        modelId: job.modelId,
        rowsContributed: rowsContributed(job, domain, model),
        ...(await effect(ctx, job, model, baselines)),
      };
    }),
  );
  const scores = await scoresServed(ctx.redis, ctx.keys, domain, period.days);
  const banks = new Set([...rows.map((r) => r.bank), ...scores.map((s) => s.bank)]);
  return {
    domain,
    from: period.from,
    to: period.to,
    jobs: rows,
    totals: {
      jobs: rows.length,
      succeeded: rows.filter((r) => r.status === 'succeeded').length,
      rowsContributed: rows.reduce((n, r) => n + (r.rowsContributed ?? 0), 0),
      scoresServed: scores.reduce((n, s) => n + s.count, 0),
      banks: banks.size,
    },
    scores,
  };
}
