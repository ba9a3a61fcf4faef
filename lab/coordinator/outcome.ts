// How a job ends: released to the model registry, or failed with a reason. Both are audited.
import type { DpRelease, Evaluation, Job } from '../../client-sdk/contract/resources.ts';
import { inputName } from '../../models/encoding.ts';
import type { LabContext } from '../context.ts';
import { grantedPersonal } from '../privacy/grants.ts';
import type { StoredModel } from '../store/models.ts';
import type { RunSetup } from './prepare.ts';

const modelIdOf = (jobId: string) => `mdl_${jobId.slice(4)}`;

/**
 * Tells the job's domains it is over, so each stops the job's enclave (and drops its rows) now.
 *
 * @example
 * await releaseEnclaves(ctx, job);
 */
export async function releaseEnclaves(ctx: LabContext, job: Job): Promise<void> {
  for (const domain of job.privacyReport.domains) {
    await ctx
      .domainQueue(domain)
      .queue.add(
        'release',
        { kind: 'release', jobId: job.id, domain },
        { removeOnComplete: true, removeOnFail: 100 },
      );
  }
}

/**
 * Fails a running job (idempotent: a job that already ended is left alone).
 *
 * @example
 * await failJob(ctx, jobId, 'domain task … failed: …');
 */
export async function failJob(ctx: LabContext, jobId: string, reason: string): Promise<void> {
  const job = await ctx.jobs.get(jobId);
  if (!job || ['succeeded', 'failed', 'cancelled', 'rejected'].includes(job.status)) return;
  await ctx.jobs.transition(jobId, 'failed', (j) => ({ ...j, error: reason }));
  await releaseEnclaves(ctx, job);
  await ctx.audit.append({
    kind: 'job.failed',
    actor: 'coordinator',
    tenant: job.tenant,
    subject: jobId,
    details: { reason },
  });
}

/**
 * Stores the released model (its id derives from the job's, so a replayed release is a no-op) and
 * marks the job succeeded.
 *
 * @example
 * await releaseModel(ctx, job, setup, { parameters, metrics, rounds, domains, backends });
 */
export async function releaseModel(
  ctx: LabContext,
  job: Job,
  setup: RunSetup,
  out: {
    parameters: Record<string, unknown>;
    metrics: Evaluation;
    rounds: number;
    domains: string[];
    backends: string[];
    /** The DP mechanism that noised the weights and metrics, when the job asked for DP. */
    dp?: DpRelease;
  },
): Promise<void> {
  const stored: StoredModel = {
    id: modelIdOf(job.id),
    jobId: job.id,
    tenant: job.tenant,
    kind: job.spec.model.kind,
    status: 'active',
    features: job.spec.features,
    bankFeatures: job.spec.bankFeatures,
    inputs: job.encoding.inputs.map(inputName),
    parameters: out.parameters,
    encoding: job.encoding,
    entityKey: setup.entityKey,
    rounds: out.rounds,
    metrics: out.metrics,
    domains: out.domains,
    backend: [...new Set(out.backends)].join(','),
    privacy: {
      dp: out.dp ?? null,
      epsilonSpent: job.spec.privacy.dp?.epsilon ?? 0,
      personalFeatures: grantedPersonal(job),
    },
    createdAt: new Date().toISOString(),
  };
  await ctx.models.put(stored);
  await ctx.jobs.transition(job.id, 'succeeded', (j) => ({ ...j, modelId: stored.id }));
  await releaseEnclaves(ctx, job);
  await ctx.audit.append({
    kind: 'job.succeeded',
    actor: 'coordinator',
    tenant: job.tenant,
    subject: job.id,
    details: {
      modelId: stored.id,
      auc: out.metrics.auc,
      ks: out.metrics.ks,
      aggregation: job.spec.aggregation,
      epsilonSpent: job.spec.privacy.dp?.epsilon ?? 0,
    },
  });
}
