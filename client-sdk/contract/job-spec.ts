// The JobSpec a bank submits: what to train, on which features, with which labels and privacy.
import { z } from 'zod';

/** Feature names are `<dataset>.<column>` as published in the catalog. */
export const FeatureName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'expected <dataset>.<column>');

export const LogisticModelSpec = z.strictObject({
  kind: z.literal('logistic'),
  /** L2 penalty on standardised coefficients (scikit-learn's C = 1 / l2); the intercept is not penalised. */
  l2: z.number().min(0).max(1e6).default(1),
  maxRounds: z.int().min(1).max(50).default(25),
  tolerance: z.number().positive().max(1e-3).default(1e-10),
});

export const ModelSpec = z.discriminatedUnion('kind', [LogisticModelSpec]);
export type ModelSpec = z.infer<typeof ModelSpec>;

/**
 * A model job as submitted. Strict: unknown fields are refused, so a typo never silently changes a job.
 *
 * @example
 * JobSpec.parse({
 *   name: 'sme-pd-2026q4', purpose: 'SME probability of default', labelSetId: 'ls_…',
 *   model: { kind: 'logistic' }, features: ['tax.annual_tax_paid', 'judicial.lawsuits_as_defendant'],
 * });
 */
export const JobSpec = z.strictObject({
  name: z.string().min(1).max(200),
  purpose: z.string().min(1).max(2000),
  model: ModelSpec,
  features: z.array(FeatureName).min(1).max(500),
  labelSetId: z.string().regex(/^ls_[A-Za-z0-9_-]{8,64}$/, 'a label set id (ls_…)'),
  /** Domains to train on; default: every domain in the catalog that holds all the features. */
  domains: z
    .array(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/))
    .min(1)
    .max(64)
    .optional(),
  aggregation: z.enum(['plain', 'ckks']).default('plain'),
  privacy: z
    .strictObject({
      /** Minimum rows per domain (and per class) behind any released aggregate. */
      minCohort: z.int().min(1).max(1_000_000).default(50),
    })
    .default({ minCohort: 50 }),
  validation: z
    .strictObject({
      /** Share of each domain's labelled rows held out for evaluation. */
      holdoutFraction: z.number().gt(0).lt(0.9).default(0.2),
      /** Seed of the deterministic holdout split. */
      seed: z
        .int()
        .min(0)
        .max(2 ** 31)
        .default(1),
    })
    .default({ holdoutFraction: 0.2, seed: 1 }),
});
export type JobSpec = z.infer<typeof JobSpec>;
/** What a caller may send (defaults not yet applied). */
export type JobSpecInput = z.input<typeof JobSpec>;
