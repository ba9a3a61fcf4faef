// A registry record as a release would store it, for API tests that need models without training one.
import { JobSpec } from '../../client-sdk/contract/job-spec.ts';
import { PrivacyReport } from '../../client-sdk/contract/resources.ts';
import { type ModelDraft, StoredModel } from '../../lab/store/models.ts';
import { FEATURES } from './api-fixture.ts';

/** A valid SHA-256 for dataset fingerprints in tests. */
export const FAKE_SHA = 'ab'.repeat(32);

/**
 * An ISO time `minute` minutes into 2026 (UTC), for models whose order tests check.
 *
 * @example
 * minuteIso(5); // '2026-01-01T00:05:00.000Z'
 */
export const minuteIso = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/**
 * An error body without its per-request id: what must not differ between "not yours" and "no such id".
 *
 * @example
 * expect(errorOf(other.body)).toEqual(errorOf(missing.body));
 */
export const errorOf = (body: Record<string, { code: string; message: string }>) => ({
  code: body.error!.code,
  message: body.error!.message,
});

/**
 * A stored logistic model of `tenant` (name `pd`, two platform features, d-bj) with its lineage;
 * `overrides` replace top-level fields. The registry assigns `version` when it is `put`.
 *
 * @example
 * const v = await fx.ctx.models.put(storedModel({ tenant: 'bank-a', id: 'mdl_a1', name: 'sme-pd' }));
 */
export function storedModel(overrides: Partial<ModelDraft> & { tenant: string; id: string }): StoredModel {
  const metrics = { auc: 0.8, ks: 0.4, gini: 0.6, logLoss: 0.2, brier: 0.05, rows: 100, positives: 10 };
  const name = overrides.name ?? 'pd';
  const at = overrides.createdAt ?? new Date().toISOString();
  const spec = JobSpec.parse({
    name,
    purpose: 'SME probability of default',
    labels: { source: 'bank', labelSetId: 'ls_test00000000' },
    model: { kind: 'logistic' },
    features: FEATURES,
  });
  return StoredModel.parse({
    jobId: 'job_x',
    kind: 'logistic',
    status: 'active',
    statusChanges: [],
    features: FEATURES,
    bankFeatures: [],
    inputs: FEATURES,
    parameters: {
      kind: 'logistic',
      intercept: -3,
      weights: [0.1, 0.2],
      means: [0, 0],
      stds: [1, 1],
      beta: [-3, 0.1, 0.2],
      rounds: 5,
    },
    encoding: { inputs: FEATURES.map((source) => ({ kind: 'value' as const, source })) },
    entityKey: 'uscc',
    rounds: 5,
    metrics: { ...metrics, sample: 'holdout', deciles: [], calibration: [], perDomain: {} },
    domains: ['d-bj'],
    backend: 'wasm',
    privacy: { dp: null, epsilonSpent: 0, personalFeatures: [] },
    lineage: {
      spec,
      approvals: [{ decision: 'approved', by: 'operator:platform:k1', note: 'ok', personalFeatures: [], at }],
      privacyReport: PrivacyReport.parse({
        featuresBySensitivity: { public: FEATURES },
        parameterCount: 3,
        labelRows: 200,
        rowsPerParameter: 200 / 3,
        domains: ['d-bj'],
        minCohort: 50,
        dpEpsilon: null,
        purpose: spec.purpose,
        warnings: [],
      }),
      trainingReport: {
        labelRows: 200,
        usedRows: 180,
        droppedUnauthorised: 20,
        droppedNoDomain: 0,
        rowsByDomain: { 'd-bj': 180 },
      },
      datasets: { 'd-bj': [{ dataset: 'tax', sha256: FAKE_SHA, rows: 1000 }] },
    },
    version: 1,
    ...overrides,
    name,
    createdAt: at,
  });
}
