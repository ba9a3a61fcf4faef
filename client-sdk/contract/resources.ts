// Wire shapes of the lab's resources: label sets, jobs, privacy reports, models, scores.
import { z } from 'zod';
import { DatasetFingerprint } from './dataset-fingerprint.ts';
import { BankFeatureName, JobSpec, ModelKind } from './job-spec.ts';
import { isValidUscc } from './uscc.ts';

/**
 * Who a key speaks for. Bank tenants: `bank-scientist`, `risk-system`. Platform tenant (`platform`):
 * `operator` (approves, governs), `auditor` (reads everything, changes nothing). Data-provider
 * tenants (a domain id): `data-provider` (reads how its domain's data was used).
 *
 * @example
 * Role.parse('risk-system');
 */
export const Role = z.enum(['bank-scientist', 'operator', 'risk-system', 'auditor', 'data-provider']);
export type Role = z.infer<typeof Role>;

/**
 * Roles whose keys belong to the platform tenant.
 *
 * @example
 * PLATFORM_ROLES.includes('auditor'); // true: auditor keys belong to tenant platform
 */
export const PLATFORM_ROLES: readonly Role[] = ['operator', 'auditor'];

/**
 * How enterprises are named: by USCC (the default), or by an opaque id (public data sets, internal keys).
 *
 * @example
 * EntityKey.parse('opaque');
 */
export const EntityKey = z.enum(['uscc', 'opaque']);
export type EntityKey = z.infer<typeof EntityKey>;

/**
 * Opaque entity ids (integer ids of public data sets, internal keys): short, plain characters.
 *
 * @example
 * OpaqueId.parse('loan:000123');
 */
export const OpaqueId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'an opaque id: 1-64 letters, digits, _ . : -');

/** OpaqueId's pattern, for checks of thousands of ids without a parse each. */
const OPAQUE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Checks an entity id against its key type (USCC check character, or the opaque id pattern).
 *
 * @example
 * isValidEntity('91350100M000100Y43', 'uscc'); // true
 */
export function isValidEntity(entity: string, key: EntityKey): boolean {
  // The schemas' own checks, called directly: a batch checks up to 10,000 ids.
  return key === 'uscc' ? isValidUscc(entity) : OPAQUE_ID.test(entity);
}

/**
 * One labelled enterprise of a label set: its id, 1 if it defaulted, and optional bank-side features.
 *
 * @example
 * LabelRow.parse({ entity: '91350100M000100Y43', label: 1, features: { tenure_months: 14, overdue_days: null } });
 */
export const LabelRow = z.strictObject({
  entity: z.string().min(1).max(64),
  label: z.union([z.literal(0), z.literal(1)]),
  /** Bank-side features of this row (null = missing); the same columns in every row. */
  features: z
    .record(BankFeatureName, z.number().refine(Number.isFinite, 'must be finite').nullable())
    .optional(),
});

/**
 * Upload body for `POST /v1/label-sets` (JSON). CSV (`entity,label[,feature…]` header) is accepted too.
 *
 * @example
 * LabelSetUpload.parse({ name: 'book-2026', rows: [{ entity: '91350100M000100Y43', label: 0 }] });
 */
export const LabelSetUpload = z
  .strictObject({
    name: z.string().min(1).max(200),
    entityKey: EntityKey.default('uscc'),
    rows: z.array(LabelRow).min(1).max(2_000_000),
  })
  .superRefine((u, ctx) => {
    const columns = Object.keys(u.rows[0]?.features ?? {})
      .sort()
      .join(',');
    const seen = new Set<string>();
    u.rows.forEach((r, i) => {
      if (!isValidEntity(r.entity, u.entityKey)) {
        const what =
          u.entityKey === 'uscc'
            ? 'not a valid Unified Social Credit Code (GB 32100-2015)'
            : 'not a valid opaque id';
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'entity'], message: what });
      } else if (seen.has(r.entity)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i, 'entity'],
          message: `duplicate entity ${r.entity}`,
        });
      }
      seen.add(r.entity);
      if (
        Object.keys(r.features ?? {})
          .sort()
          .join(',') !== columns
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i, 'features'],
          message: 'every row must have the same feature columns',
        });
      }
    });
  });
export type LabelSetUpload = z.infer<typeof LabelSetUpload>;
/**
 * What a caller may send as a label-set upload (defaults not yet applied).
 *
 * @example
 * const upload: LabelSetUploadInput = { name: 'book-2026', rows }; // entityKey defaults to 'uscc'
 */
export type LabelSetUploadInput = z.input<typeof LabelSetUpload>;

/**
 * A stored label set as the lab describes it: its columns and counts, never its rows.
 *
 * @example
 * LabelSet.parse({ id: 'ls_8fK2pQ7xLm4TzR1vW9cAbE', tenant: 'bank-a', name: 'book-2026', entityKey: 'uscc',
 *   bankFeatures: ['tenure_months'], bankFeatureNulls: { tenure_months: 3 }, rows: 1200, positives: 84, createdAt: '2026-01-05T10:00:00.000Z' });
 */
export const LabelSet = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  entityKey: EntityKey,
  bankFeatures: z.array(z.string()),
  /** Missing values per bank-side feature. */
  bankFeatureNulls: z.record(z.string(), z.int()),
  rows: z.int(),
  positives: z.int(),
  createdAt: z.string(),
});
export type LabelSet = z.infer<typeof LabelSet>;

/**
 * Where a job is in its life: awaiting approval, approved and queued, training, or one of the
 * terminal statuses (`TERMINAL_STATUSES`).
 *
 * @example
 * JobStatus.parse('pending_approval');
 */
export const JobStatus = z.enum([
  'pending_approval',
  'approved',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  /** Not decided within the approval policy's time limit. */
  'expired',
]);
export type JobStatus = z.infer<typeof JobStatus>;

/**
 * Statuses a job never leaves.
 *
 * @example
 * if (TERMINAL_STATUSES.has(job.status)) console.log('finished:', job.status);
 */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
]);

/**
 * What operators review before approving a job: its features by sensitivity, parameters against
 * label rows, the domains, cohort floor and ε it would use, and warnings.
 *
 * @example
 * const { warnings, approvalsRequired } = (await lab.jobs.retrieve(id)).privacyReport;
 */
export const PrivacyReport = z.object({
  featuresBySensitivity: z.record(z.string(), z.array(z.string())),
  parameterCount: z.int(),
  labelRows: z.int(),
  rowsPerParameter: z.number(),
  domains: z.array(z.string()),
  minCohort: z.int(),
  dpEpsilon: z.number().nullable(),
  /** Distinct operators who must approve (the approval policy at submit). */
  approvalsRequired: z.int().min(1).default(1),
  purpose: z.string(),
  warnings: z.array(z.string()),
});
export type PrivacyReport = z.infer<typeof PrivacyReport>;

/**
 * One operator's decision on a job, as recorded.
 *
 * @example
 * Decision.parse({ decision: 'approved', by: 'operator:platform:ab12', note: 'ok', at: '2026-01-05T10:00:00.000Z' }).personalFeatures; // []
 */
export const Decision = z.object({
  decision: z.enum(['approved', 'rejected']),
  by: z.string(),
  note: z.string(),
  /** Personal features this approval explicitly allowed as inputs. */
  personalFeatures: z.array(z.string()).default([]),
  at: z.string(),
});

/**
 * One training round as the coordinator reports it: phase, loss, rows and time.
 *
 * @example
 * JobProgress.parse({ round: 3, phase: 'newton', loss: 0.412, rows: 12000, elapsedMs: 5400, computeMs: 1800 });
 */
export const JobProgress = z.object({
  round: z.int(),
  phase: z.string(),
  loss: z.number().nullable(),
  rows: z.int(),
  elapsedMs: z.number(),
  /** The slowest domain's compute time in this round (domains run in parallel). */
  computeMs: z.number(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/**
 * What the coordinator did with the label set before training.
 *
 * @example
 * TrainingReport.parse({ labelRows: 1200, usedRows: 1150, droppedUnauthorised: 30, droppedNoDomain: 20,
 *   rowsByDomain: { 'd-bj': 700, 'd-sh': 450 } });
 */
export const TrainingReport = z.object({
  labelRows: z.int(),
  usedRows: z.int(),
  droppedUnauthorised: z.int(),
  droppedNoDomain: z.int(),
  rowsByDomain: z.record(z.string(), z.int()),
});
export type TrainingReport = z.infer<typeof TrainingReport>;

/**
 * One encoded model input (see models/encoding.ts): a value, a missing indicator, or a one-hot category.
 *
 * @example
 * EncodedInput.parse({ kind: 'category', source: 'registration.industry', value: 'manufacturing' });
 */
export const EncodedInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('value'), source: z.string() }),
  z.strictObject({ kind: z.literal('missing'), source: z.string() }),
  z.strictObject({ kind: z.literal('category'), source: z.string(), value: z.string().nullable() }),
]);
/**
 * A job's model inputs, in the order the model's parameters use them.
 *
 * @example
 * Encoding.parse({ inputs: [{ kind: 'value', source: 'tax.annual_tax_paid' }, { kind: 'missing', source: 'tax.annual_tax_paid' }] });
 */
export const Encoding = z.strictObject({ inputs: z.array(EncodedInput) });
export type Encoding = z.infer<typeof Encoding>;

/**
 * One server-sent event of `GET /v1/jobs/:id/events`.
 *
 * @example
 * JobEvent.parse({ type: 'status', status: 'succeeded', modelId: 'mdl_Vx3kQ9mT2aLpR7wZ1cYbNg', error: null });
 */
export const JobEvent = z.discriminatedUnion('type', [
  JobProgress.extend({ type: z.literal('progress') }),
  z.object({
    type: z.literal('status'),
    status: JobStatus,
    modelId: z.string().nullable(),
    error: z.string().nullable(),
  }),
]);
export type JobEvent = z.infer<typeof JobEvent>;

/**
 * A job: its spec, the privacy report and encoding frozen at submit, decisions, progress and outcome.
 *
 * @example
 * const job = Job.parse(await res.json()); if (job.status === 'failed') console.error(job.error);
 */
export const Job = z.object({
  id: z.string(),
  tenant: z.string(),
  status: JobStatus,
  spec: JobSpec,
  privacyReport: PrivacyReport,
  /** The model inputs, frozen at submit from the catalog's federated statistics. */
  encoding: Encoding,
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

/**
 * A page of jobs, newest first; `nextCursor` fetches the next page (null at the end).
 *
 * @example
 * JobList.parse({ data: [] }).nextCursor; // null
 */
export const JobList = z.object({ data: z.array(Job), nextCursor: z.string().nullable().default(null) });

/**
 * Operator's approve / reject body. A job with personal features is approved only with every one
 * of them listed in `personalFeatures` (an explicit grant).
 *
 * @example
 * DecisionBody.parse({ note: 'ok', personalFeatures: ['personnel.rep_age'] });
 */
export const DecisionBody = z.strictObject({
  note: z.string().max(2000).default(''),
  personalFeatures: z.array(z.string().max(200)).max(500).default([]),
});
export type DecisionBody = z.infer<typeof DecisionBody>;

/**
 * Body of `POST /v1/jobs/:id/cancel` (the job's bank scientists, or operators): why.
 *
 * @example
 * CancelBody.parse({ note: 'wrong label set' });
 */
export const CancelBody = z.strictObject({ note: z.string().max(2000).default('') });
export type CancelBody = z.infer<typeof CancelBody>;

/**
 * A model's discrimination and calibration on one sample: AUC, KS, Gini, log loss, Brier score, rows, positives.
 *
 * @example
 * Metrics.parse({ auc: 0.78, ks: 0.42, gini: 0.56, logLoss: 0.31, brier: 0.09, rows: 2400, positives: 170 });
 */
export const Metrics = z.object({
  auc: z.number(),
  ks: z.number(),
  gini: z.number(),
  logLoss: z.number(),
  brier: z.number(),
  rows: z.number(),
  positives: z.number(),
});
export type Metrics = z.infer<typeof Metrics>;

/**
 * Full evaluation: pooled metrics, lift by decile, calibration, and per-domain metrics where the holdout is large enough.
 *
 * @example
 * const { auc, sample, perDomain } = (await lab.models.retrieve(id)).metrics;
 */
export const Evaluation = Metrics.extend({
  /** `holdout` normally; `training` when the job asked for no holdout (in-sample metrics). */
  sample: z.enum(['holdout', 'training']),
  deciles: z.array(z.record(z.string(), z.number())),
  calibration: z.array(z.record(z.string(), z.number())),
  perDomain: z.record(z.string(), Metrics),
});
export type Evaluation = z.infer<typeof Evaluation>;

/**
 * How differential privacy was applied to a released model (null: it was not).
 *
 * @example
 * DpRelease.parse({ epsilon: 1, delta: 1e-6, mechanism: 'output-perturbation', sigma: 0.9, sensitivity: 0.2, evaluationSigma: 3.1 });
 */
export const DpRelease = z.object({
  epsilon: z.number(),
  delta: z.number(),
  /** Mechanism of the weights, e.g. `output-perturbation` or `dp-fedavg`. */
  mechanism: z.string(),
  /** Noise standard deviation on the (standardised) weights, and the sensitivity it is calibrated to. */
  sigma: z.number(),
  sensitivity: z.number(),
  /** Noise standard deviation on each score-histogram cell behind the metrics. */
  evaluationSigma: z.number(),
});
export type DpRelease = z.infer<typeof DpRelease>;
/**
 * The privacy side of a released model: its DP release, the ε it cost, and the personal features granted.
 *
 * @example
 * ModelPrivacy.parse({ dp: null, epsilonSpent: 0, personalFeatures: [] });
 */
export const ModelPrivacy = z.object({
  dp: DpRelease.nullable(),
  /** ε charged to the bank's budget in each domain the model used (0 without DP). */
  epsilonSpent: z.number(),
  /** Personal features the approval granted. */
  personalFeatures: z.array(z.string()),
});
export type ModelPrivacy = z.infer<typeof ModelPrivacy>;

/**
 * A released model: parameters, evaluation, privacy and lineage; models of one tenant and name are versions.
 *
 * @example
 * const { version, metrics, lineage } = await lab.models.retrieve(id); console.log(version, metrics.auc, lineage.approvals);
 */
export const Model = z.object({
  id: z.string(),
  jobId: z.string(),
  tenant: z.string(),
  /** The job's `spec.name`: models of one tenant and name are versions of each other. */
  name: z.string(),
  /** 1 + the number of earlier models of the same tenant and name. */
  version: z.int().min(1),
  kind: ModelKind,
  status: z.enum(['active', 'retired']),
  /** Every retire / activate, oldest first (who, why, when). */
  statusChanges: z.array(
    z.object({ status: z.enum(['active', 'retired']), by: z.string(), note: z.string(), at: z.string() }),
  ),
  /** Platform features the model reads (by name, `<dataset>.<column>`). */
  features: z.array(z.string()),
  /** Bank-side inputs every scoring call must supply for each entity. */
  bankFeatures: z.array(z.string()),
  /** The encoded inputs, in the order the parameters use them. */
  inputs: z.array(z.string()),
  /** The model kind's parameters (logistic: intercept, weights, means, stds). */
  parameters: z.record(z.string(), z.unknown()),
  metrics: Evaluation,
  domains: z.array(z.string()),
  rounds: z.int(),
  backend: z.string(),
  privacy: ModelPrivacy,
  /** Where the model came from, as it stood at release. */
  lineage: z.object({
    spec: JobSpec,
    /** The job's approving decisions: who, note, personal-feature grants, when. */
    approvals: z.array(Decision),
    privacyReport: PrivacyReport,
    trainingReport: TrainingReport.nullable(),
    /** Per domain, the fingerprints of its dataset files as its broker registered them ([] if it published none). */
    datasets: z.record(z.string(), z.array(DatasetFingerprint)),
  }),
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
  /** Bank-side inputs per entity, for models that declare `bankFeatures`. */
  inputs: z
    .record(z.string(), z.record(z.string(), z.number().refine(Number.isFinite, 'must be finite')))
    .optional(),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

/**
 * One entity's outcome of a scoring call: its score, P(bad) and reasons, or why it was not scored.
 *
 * @example
 * ScoreResult.parse({ entity: '91350100M000100Y43', ok: false, error: 'not_authorized' });
 */
export const ScoreResult = z.discriminatedUnion('ok', [
  z.object({
    entity: z.string(),
    ok: z.literal(true),
    probability: z.number(),
    score: z.number(),
    reasons: z.array(z.string()),
    /** The version of the model that scored (its registry version under the job's name). */
    modelVersion: z.int().min(1),
  }),
  z.object({
    entity: z.string(),
    ok: z.literal(false),
    error: z.enum(['invalid_entity', 'missing_inputs', 'not_authorized', 'unavailable']),
  }),
]);
export type ScoreResult = z.infer<typeof ScoreResult>;

/**
 * The answer to `POST /v1/models/:id/score`: the model and version that scored, and one result per entity.
 *
 * @example
 * for (const r of ScoreResponse.parse(await res.json()).results) if (r.ok) console.log(r.entity, r.score);
 */
export const ScoreResponse = z.object({
  modelId: z.string(),
  modelVersion: z.int().min(1),
  results: z.array(ScoreResult),
});
export type ScoreResponse = z.infer<typeof ScoreResponse>;

/**
 * One enterprise authorisation (an enterprise's consent to a bank), as an operator imports it.
 *
 * @example
 * AuthorizationGrant.parse({ entity: '91350100M000100Y43', bank: 'bank-a', purposes: ['modelling', 'scoring'],
 *   grantedAt: '2026-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' });
 */
export const AuthorizationGrant = z.strictObject({
  entity: z.string().min(1).max(64),
  bank: z.string().min(1).max(64),
  purposes: z.array(z.enum(['modelling', 'scoring'])).min(1),
  grantedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  evidence: z.string().max(500).default(''),
});
/**
 * Body of `POST /v1/authorizations` (operators): a bulk import of grants, each ending after it starts.
 *
 * @example
 * AuthorizationImport.parse({ grants: [{ entity: '91350100M000100Y43', bank: 'bank-a', purposes: ['scoring'],
 *   grantedAt: '2026-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z', evidence: 'consent form 2026-017' }] });
 */
export const AuthorizationImport = z
  .strictObject({
    entityKey: EntityKey.default('uscc'),
    grants: z.array(AuthorizationGrant).min(1).max(100_000),
  })
  .superRefine((b, ctx) => {
    b.grants.forEach((g, i) => {
      if (!isValidEntity(g.entity, b.entityKey)) {
        ctx.addIssue({
          code: 'custom',
          path: ['grants', i, 'entity'],
          message: `not a valid ${b.entityKey} entity id`,
        });
      }
      if (Date.parse(g.expiresAt) <= Date.parse(g.grantedAt)) {
        ctx.addIssue({
          code: 'custom',
          path: ['grants', i, 'expiresAt'],
          message: 'must be after grantedAt',
        });
      }
    });
  });
export type AuthorizationGrant = z.infer<typeof AuthorizationGrant>;
/**
 * The answer to an import: how many grants were stored.
 *
 * @example
 * AuthorizationImportResult.parse({ imported: 1 });
 */
export const AuthorizationImportResult = z.object({ imported: z.int() });

/**
 * A feature as a domain publishes it: schema, and statistics only where backed by ≥ k rows.
 *
 * @example
 * CatalogFeature.parse({ name: 'tax.annual_tax_paid', type: 'number', category: 'tax', sensitivity: 'restricted',
 *   description: 'Total tax paid over the last fiscal year', unit: '10k CNY', rows: 11873, missingRate: 0.04 });
 */
export const CatalogFeature = z.object({
  name: z.string(),
  type: z.enum(['number', 'category', 'boolean', 'date']),
  category: z.string(),
  sensitivity: z.enum(['public', 'restricted', 'personal', 'identifier']),
  description: z.string(),
  unit: z.string().optional(),
  rows: z.int().optional(),
  missingRate: z.number().optional(),
  mean: z.number().optional(),
  std: z.number().optional(),
  categories: z.array(z.object({ value: z.string(), count: z.int() })).optional(),
  suppressedCategories: z.int().optional(),
});
export type CatalogFeature = z.infer<typeof CatalogFeature>;
/**
 * A domain as the catalog lists it: its regions (division codes), entity key, rows and features.
 *
 * @example
 * CatalogDomain.parse({ id: 'd-bj', name: 'Beijing', regions: ['110000'], entityKey: 'uscc', features: [], publishedAt: '2026-01-05T10:00:00.000Z' });
 */
export const CatalogDomain = z.object({
  id: z.string(),
  name: z.string(),
  regions: z.array(z.string()),
  entityKey: EntityKey,
  rows: z.int().optional(),
  features: z.array(CatalogFeature),
  publishedAt: z.string(),
});
export type CatalogDomain = z.infer<typeof CatalogDomain>;
/**
 * `GET /v1/catalog`: every domain and the features it publishes.
 *
 * @example
 * const { domains } = Catalog.parse(await res.json()); domains.flatMap((d) => d.features.map((f) => f.name));
 */
export const Catalog = z.object({ domains: z.array(CatalogDomain) });

/**
 * Operator's revocation of enterprises' authorisations to one bank (every purpose, from now on).
 *
 * @example
 * AuthorizationRevoke.parse({ bank: 'bank-a', entities: ['91350100M000100Y43'], reason: 'consent withdrawn' });
 */
export const AuthorizationRevoke = z
  .strictObject({
    bank: z.string().min(1).max(64),
    entityKey: EntityKey.default('uscc'),
    entities: z.array(z.string().min(1).max(64)).min(1).max(100_000),
    reason: z.string().min(1).max(500),
  })
  .superRefine((b, ctx) => {
    const invalid = b.entities.findIndex((e) => !isValidEntity(e, b.entityKey));
    if (invalid >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['entities', invalid],
        message: `not a valid ${b.entityKey} entity id`,
      });
  });
export type AuthorizationRevoke = z.infer<typeof AuthorizationRevoke>;
/**
 * What a caller may send as a revocation (defaults not yet applied).
 *
 * @example
 * const body: AuthorizationRevokeInput = { bank: 'bank-a', entities, reason: 'consent withdrawn' }; // entityKey 'uscc'
 */
export type AuthorizationRevokeInput = z.input<typeof AuthorizationRevoke>;
/**
 * The answer to a revocation: how many authorisations it ended.
 *
 * @example
 * AuthorizationRevokeResult.parse({ revoked: 2 });
 */
export const AuthorizationRevokeResult = z.object({ revoked: z.int() });

/**
 * One (bank, domain) line of the privacy-budget ledger.
 *
 * @example
 * BudgetLine.parse({ domain: 'd-bj', cap: 5, spent: 1.5, remaining: 3.5 });
 */
export const BudgetLine = z.object({
  domain: z.string(),
  cap: z.number(),
  spent: z.number(),
  remaining: z.number(),
});
/**
 * `GET /v1/privacy/budgets` answer: one bank's ledger, a line per domain.
 *
 * @example
 * const { bank, data } = BudgetList.parse(await res.json()); data.filter((l) => l.remaining === 0);
 */
export const BudgetList = z.object({ bank: z.string(), data: z.array(BudgetLine) });
export type BudgetList = z.infer<typeof BudgetList>;

/**
 * Operator's cap on the ε one bank may spend on one domain's data (`PUT /v1/privacy/budgets`).
 *
 * @example
 * BudgetCap.parse({ bank: 'bank-a', domain: 'd-bj', epsilonCap: 5 });
 */
export const BudgetCap = z.strictObject({
  bank: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a tenant id'),
  domain: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'a domain id'),
  epsilonCap: z.number().min(0).max(1000),
});
export type BudgetCap = z.infer<typeof BudgetCap>;
