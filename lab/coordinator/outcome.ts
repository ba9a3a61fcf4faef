// How a job ends: released to the model registry, or failed with a reason. Both are audited.
import type { DatasetFingerprint } from '../../client-sdk/contract/dataset-fingerprint.ts';
import {
  type DpRelease,
  type Evaluation,
  type Job,
  TERMINAL_STATUSES,
} from '../../client-sdk/contract/resources.ts';
import { inputName } from '../../models/encoding.ts';
import type { LabContext } from '../context.ts';
import { grantedPersonal } from '../privacy/grants.ts';
import type { ModelDraft } from '../store/models.ts';
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
  if (!job || TERMINAL_STATUSES.has(job.status)) return;
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

/** The fingerprints each domain's broker registered (what its datasets were when the model was released). */
async function datasetFingerprints(
  ctx: LabContext,
  domains: readonly string[],
): Promise<Record<string, DatasetFingerprint[]>> {
  const out: Record<string, DatasetFingerprint[]> = {};
  for (const id of domains) out[id] = (await ctx.domains.get(id))?.datasets ?? [];
  return out;
}

/**
 * Stores the released model with its lineage under the next version of its name (its id derives
 * from the job's, so a replayed release is a no-op and keeps its version) and marks the job succeeded.
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
  const draft: ModelDraft = {
    id: modelIdOf(job.id),
    jobId: job.id,
    tenant: job.tenant,
    name: job.spec.name,
    kind: job.spec.model.kind,
    status: 'active',
    statusChanges: [],
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
    lineage: {
      spec: job.spec,
      approvals: job.decisions.filter((d) => d.decision === 'approved'),
      privacyReport: job.privacyReport,
      trainingReport: job.trainingReport ?? setup.report,
      datasets: await datasetFingerprints(ctx, out.domains),
    },
    createdAt: new Date().toISOString(),
  };
  const stored = await ctx.models.put(draft);
  await ctx.jobs.transition(job.id, 'succeeded', (j) => ({ ...j, modelId: stored.id }));
  await releaseEnclaves(ctx, job);
  await ctx.audit.append({
    kind: 'job.succeeded',
    actor: 'coordinator',
    tenant: job.tenant,
    subject: job.id,
    details: {
      modelId: stored.id,
      version: stored.version,
      auc: out.metrics.auc,
      ks: out.metrics.ks,
      aggregation: job.spec.aggregation,
      epsilonSpent: job.spec.privacy.dp?.epsilon ?? 0,
    },
  });
}
