// The bank-only baseline of a joint model: what the bank's own features achieved on the same labels.
import type { Job } from '../../client-sdk/contract/resources.ts';
import type { LabContext } from '../context.ts';
import type { StoredModel } from '../store/models.ts';
import { jobsSubmitted } from './jobs.ts';

/** A succeeded job on a bank label set that used no platform feature: the bank's data alone. */
const bankOnlyLabelSet = (job: Job): { labelSetId: string; modelId: string } | null =>
  job.status === 'succeeded' &&
  job.modelId !== null &&
  job.spec.labels.source === 'bank' &&
  job.spec.features.length === 0
    ? { labelSetId: job.spec.labels.labelSetId, modelId: job.modelId }
    : null;

/**
 * Per label set, the newest (by model `createdAt`) succeeded bank-only model of a bank, over all
 * its jobs: a baseline measured before or after the joint model compares the same labels.
 *
 * @example
 * const baseline = (await bankOnlyBaselines(ctx, 'bank-a')).get('ls_…')?.metrics.auc;
 */
export async function bankOnlyBaselines(ctx: LabContext, bank: string): Promise<Map<string, StoredModel>> {
  const index = ctx.keys.jobsByTenant(bank);
  const candidates = await jobsSubmitted(ctx, index, 'ever', bankOnlyLabelSet);
  const models = await Promise.all(candidates.map(({ modelId }) => ctx.models.get(modelId)));
  const newest = new Map<string, StoredModel>();
  for (const [i, { labelSetId }] of candidates.entries()) {
    const model = models[i];
    const seen = newest.get(labelSetId);
    if (model && model.tenant === bank && (!seen || model.createdAt > seen.createdAt))
      newest.set(labelSetId, model);
  }
  return newest;
}
