// Hand-made job and model records for usage-report tests, written straight into a lab's stores.
import type { z } from 'zod';
import { JobSpec } from '../../client-sdk/contract/job-spec.ts';
import { Job, type JobStatus, type TrainingReport } from '../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../lab/context.ts';
import type { StoredModel } from '../../lab/store/models.ts';
import { FEATURES } from './api-fixture.ts';
import { storedModel } from './stored-model.ts';

export interface HandJob {
  id: string;
  bank: string;
  name: string;
  status: JobStatus;
  submittedAt: string;
  domains: string[];
  /** A bank label set id, or null for labels held in the domains. */
  labelSetId: string | null;
  features?: string[];
  rowsByDomain?: Record<string, number>;
  /** The released model of a succeeded job. */
  model?: { id: string; auc: number; createdAt: string; entityKey?: 'uscc' | 'opaque' };
}

/**
 * Stores a job (and its model, if it has one) as the lab would have left it.
 *
 * @example
 * await putHandJob(fx.ctx, { id: 'job_x', bank: 'bank-a', name: 'pd', status: 'rejected', … });
 */
export async function putHandJob(ctx: LabContext, h: HandJob): Promise<Job> {
  const features = h.features ?? FEATURES;
  const spec = JobSpec.parse({
    name: h.name,
    purpose: 'usage report test',
    model: { kind: 'logistic' },
    features,
    ...(features.length === 0 ? { bankFeatures: ['revenue'] } : {}),
    labels:
      h.labelSetId === null
        ? { source: 'domain', column: 'tax.defaulted' }
        : { source: 'bank', labelSetId: h.labelSetId },
  });
  const trainingReport: TrainingReport | null = h.rowsByDomain
    ? {
        labelRows: 5000,
        usedRows: Object.values(h.rowsByDomain).reduce((a, b) => a + b, 0),
        droppedUnauthorised: 0,
        droppedNoDomain: 0,
        rowsByDomain: h.rowsByDomain,
      }
    : null;
  const decided = h.status !== 'pending_approval';
  const input: z.input<typeof Job> = {
    id: h.id,
    tenant: h.bank,
    status: h.status,
    spec,
    privacyReport: {
      featuresBySensitivity: { public: features },
      parameterCount: features.length + 1,
      labelRows: 5000,
      rowsPerParameter: 5000 / (features.length + 1),
      domains: h.domains,
      minCohort: 50,
      dpEpsilon: null,
      purpose: spec.purpose,
      warnings: [],
    },
    encoding: { inputs: features.map((source) => ({ kind: 'value' as const, source })) },
    submittedBy: `bank-scientist:${h.bank}:key_test`,
    createdAt: h.submittedAt,
    updatedAt: h.submittedAt,
    decisions: decided
      ? [
          {
            decision: h.status === 'rejected' ? 'rejected' : 'approved',
            by: 'operator:platform:key_test',
            note: '',
            at: h.submittedAt,
          },
        ]
      : [],
    progress: [],
    trainingReport,
    modelId: h.model?.id ?? null,
    error: null,
  };
  const job = Job.parse(input);
  await ctx.jobs.create(job);
  if (h.model) await ctx.models.put(modelOf(job, h.model));
  return job;
}

/** The shared stored-model record, made to match the job it came from. */
function modelOf(job: Job, m: NonNullable<HandJob['model']>): StoredModel {
  const base = storedModel({ tenant: job.tenant, id: m.id });
  return storedModel({
    tenant: job.tenant,
    id: m.id,
    jobId: job.id,
    name: job.spec.name,
    features: job.spec.features,
    bankFeatures: job.spec.bankFeatures,
    inputs: job.encoding.inputs.map((i) => i.source),
    encoding: job.encoding,
    entityKey: m.entityKey ?? 'uscc',
    metrics: { ...base.metrics, auc: m.auc },
    domains: job.privacyReport.domains,
    createdAt: m.createdAt,
  });
}
