// Wire shapes of the lab's resources: label sets, jobs, privacy reports, models, scores.
import { z } from 'zod';
import { JobSpec } from './job-spec.ts';
import { Uscc } from './uscc.ts';

export const Role = z.enum(['bank-scientist', 'operator', 'risk-system']);
export type Role = z.infer<typeof Role>;

export const LabelRow = z.strictObject({ entity: Uscc, label: z.union([z.literal(0), z.literal(1)]) });

/**
 * Upload body for `POST /v1/label-sets` (JSON). CSV (`entity,label` header) is accepted too.
 *
 * @example
 * LabelSetUpload.parse({ name: 'book-2026', rows: [{ entity: '91350100M000100Y43', label: 0 }] });
 */
export const LabelSetUpload = z.strictObject({
  name: z.string().min(1).max(200),
  rows: z.array(LabelRow).min(1).max(2_000_000),
});
export type LabelSetUpload = z.infer<typeof LabelSetUpload>;

export const LabelSet = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  rows: z.int(),
  positives: z.int(),
  createdAt: z.string(),
});
export type LabelSet = z.infer<typeof LabelSet>;

export const JobStatus = z.enum([
  'pending_approval',
  'approved',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]);
export type JobStatus = z.infer<typeof JobStatus>;

export const PrivacyReport = z.object({
  featuresBySensitivity: z.record(z.string(), z.array(z.string())),
  parameterCount: z.int(),
  labelRows: z.int(),
  rowsPerParameter: z.number(),
  domains: z.array(z.string()),
  minCohort: z.int(),
  dpEpsilon: z.number().nullable(),
  purpose: z.string(),
  warnings: z.array(z.string()),
});
export type PrivacyReport = z.infer<typeof PrivacyReport>;

export const Decision = z.object({
  decision: z.enum(['approved', 'rejected']),
  by: z.string(),
  note: z.string(),
  at: z.string(),
});

export const JobProgress = z.object({
  round: z.int(),
  phase: z.string(),
  loss: z.number().nullable(),
  rows: z.int(),
  elapsedMs: z.number(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** What the coordinator did with the label set before training. */
export const TrainingReport = z.object({
  labelRows: z.int(),
  usedRows: z.int(),
  droppedUnauthorised: z.int(),
  droppedNoDomain: z.int(),
  rowsByDomain: z.record(z.string(), z.int()),
});
export type TrainingReport = z.infer<typeof TrainingReport>;

export const Job = z.object({
  id: z.string(),
  tenant: z.string(),
  status: JobStatus,
  spec: JobSpec,
  privacyReport: PrivacyReport,
  submittedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  decisions: z.array(Decision),
  progress: z.array(JobProgress),
  trainingReport: TrainingReport.nullable(),
  modelId: z.string().nullable(),
  error: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const JobList = z.object({ data: z.array(Job) });

/** Operator's approve / reject body. */
export const DecisionBody = z.strictObject({ note: z.string().max(2000).default('') });

export const Metrics = z.object({
  auc: z.number(),
  ks: z.number(),
  gini: z.number(),
  logLoss: z.number(),
  brier: z.number(),
  rows: z.int(),
  positives: z.int(),
});
export type Metrics = z.infer<typeof Metrics>;

export const Model = z.object({
  id: z.string(),
  jobId: z.string(),
  tenant: z.string(),
  kind: z.literal('logistic'),
  status: z.enum(['active', 'retired']),
  features: z.array(z.string()),
  intercept: z.number(),
  weights: z.array(z.number()),
  metrics: Metrics,
  domains: z.array(z.string()),
  rounds: z.int(),
  backend: z.string(),
  createdAt: z.string(),
});
export type Model = z.infer<typeof Model>;

/**
 * `POST /v1/models/:id/score` body.
 *
 * @example
 * ScoreRequest.parse({ entities: ['91350100M000100Y43'] });
 */
export const ScoreRequest = z.strictObject({
  entities: z.array(z.string().min(1).max(64)).min(1).max(10_000),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

export const ScoreResult = z.discriminatedUnion('ok', [
  z.object({
    entity: z.string(),
    ok: z.literal(true),
    probability: z.number(),
    score: z.number(),
    reasons: z.array(z.string()),
  }),
  z.object({
    entity: z.string(),
    ok: z.literal(false),
    error: z.enum(['invalid_entity', 'not_authorized', 'unavailable']),
  }),
]);
export type ScoreResult = z.infer<typeof ScoreResult>;

export const ScoreResponse = z.object({ modelId: z.string(), results: z.array(ScoreResult) });
export type ScoreResponse = z.infer<typeof ScoreResponse>;

/** Operator's bulk grant of enterprise authorisations (an enterprise's consent to a bank). */
export const AuthorizationGrant = z.strictObject({
  entity: Uscc,
  bank: z.string().min(1).max(64),
  purposes: z.array(z.enum(['modelling', 'scoring'])).min(1),
  grantedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  evidence: z.string().max(500).default(''),
});
export const AuthorizationImport = z.strictObject({
  grants: z.array(AuthorizationGrant).min(1).max(100_000),
});
export type AuthorizationGrant = z.infer<typeof AuthorizationGrant>;
export const AuthorizationImportResult = z.object({ imported: z.int() });

export const CatalogFeature = z.object({
  name: z.string(),
  type: z.string(),
  category: z.string(),
  sensitivity: z.string(),
  description: z.string(),
});
export const CatalogDomain = z.object({
  id: z.string(),
  name: z.string(),
  regions: z.array(z.string()),
  entityKey: z.enum(['uscc', 'opaque']),
  features: z.array(CatalogFeature),
  publishedAt: z.string(),
});
export type CatalogDomain = z.infer<typeof CatalogDomain>;
export const Catalog = z.object({ domains: z.array(CatalogDomain) });
