// The JobSpec a bank submits: what to train, on which features, with which labels and privacy.
import { z } from 'zod';

/**
 * Platform feature names are `<dataset>.<column>` as published in the catalog.
 *
 * @example
 * FeatureName.parse('tax.annual_tax_paid');
 */
export const FeatureName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'expected <dataset>.<column>');

/**
 * Bank-side feature names are columns of the bank's label set.
 *
 * @example
 * BankFeatureName.parse('tenure_months');
 */
export const BankFeatureName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower_snake_case column of the label set');

const l2 = (dflt: number) => z.number().min(0).max(1e6).default(dflt);

/**
 * Logistic regression on standardised inputs, fitted by Newton rounds across the domains until no
 * coefficient moves by `tolerance` or more.
 *
 * @example
 * LogisticModelSpec.parse({ kind: 'logistic', l2: 0.5, maxRounds: 30 });
 */
export const LogisticModelSpec = z.strictObject({
  kind: z.literal('logistic'),
  /** L2 penalty on standardised coefficients (scikit-learn's C = 1 / l2); the intercept is not penalised. */
  l2: l2(1),
  maxRounds: z.int().min(1).max(50).default(25),
  tolerance: z.number().positive().max(1e-3).default(1e-10),
});

/**
 * A points scorecard: features binned (optionally monotonic) and WoE-encoded, a logistic fit, and
 * points scaled so that `baseScore` means `baseOdds` good:bad and `pdo` points double the odds.
 *
 * @example
 * ScorecardModelSpec.parse({ kind: 'scorecard', bins: 8, monotonic: true, baseScore: 600, pdo: 20 });
 */
export const ScorecardModelSpec = z.strictObject({
  kind: z.literal('scorecard'),
  bins: z.int().min(2).max(50).default(10),
  /** Rows every final bin must hold (and both classes). */
  minBinRows: z.int().min(1).max(1_000_000).default(50),
  monotonic: z.boolean().default(false),
  /** Features with information value below this are dropped. */
  minIv: z.number().min(0).max(10).default(0.02),
  l2: l2(1),
  maxRounds: z.int().min(1).max(50).default(25),
  tolerance: z.number().positive().max(1e-3).default(1e-10),
  /** Points to double the odds. */
  pdo: z.number().positive().max(1000).default(20),
  baseScore: z.number().min(0).max(10_000).default(600),
  /** Good:bad odds at the base score. */
  baseOdds: z.number().positive().max(1e6).default(50),
});

/**
 * A multilayer perceptron trained by federated averaging: `localEpochs` per domain each round,
 * stopping once the federated validation loss has not improved for `patience` rounds.
 *
 * @example
 * MlpModelSpec.parse({ kind: 'mlp', hidden: [64, 32], dropout: 0.2, maxRounds: 50 });
 */
export const MlpModelSpec = z.strictObject({
  kind: z.literal('mlp'),
  hidden: z.array(z.int().min(1).max(512)).min(1).max(4).default([32, 16]),
  dropout: z.number().min(0).max(0.9).default(0.1),
  l2: z.number().min(0).max(1).default(1e-4),
  learningRate: z.number().positive().max(1).default(1e-3),
  batchSize: z.int().min(8).max(65_536).default(256),
  localEpochs: z.int().min(1).max(20).default(1),
  maxRounds: z.int().min(1).max(200).default(30),
  patience: z.int().min(1).max(50).default(3),
  validationFraction: z.number().gt(0).lt(0.5).default(0.1),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
});

/**
 * Gradient-boosted trees on federated gradient/Hessian histograms: federated quantile bins, one
 * tree level per round, split gain with an L2 penalty, missing values sent where they gain most,
 * early stopping on the federated validation loss. Every leaf holds ≥ `minLeafRows` rows.
 *
 * @example
 * GbdtModelSpec.parse({ kind: 'gbdt', trees: 200, maxDepth: 4, learningRate: 0.05 });
 */
export const GbdtModelSpec = z.strictObject({
  kind: z.literal('gbdt'),
  trees: z.int().min(1).max(1000).default(100),
  maxDepth: z.int().min(1).max(8).default(5),
  maxLeaves: z.int().min(2).max(256).default(31),
  learningRate: z.number().positive().max(1).default(0.1),
  /** L2 penalty on leaf values (XGBoost's λ). */
  l2: l2(1),
  /** Smallest gain a split must bring (XGBoost's γ). */
  minGain: z.number().min(0).max(1e6).default(0),
  /** Smallest Hessian sum a child may have. */
  minChildWeight: z.number().min(0).max(1e6).default(1e-3),
  /** Rows every leaf must hold: the cohort below which nothing is released. */
  minLeafRows: z.int().min(1).max(1_000_000).default(50),
  bins: z.int().min(2).max(64).default(32),
  subsample: z.number().gt(0).max(1).default(1),
  colsample: z.number().gt(0).max(1).default(1),
  validationFraction: z.number().min(0).lt(0.5).default(0.1),
  patience: z.int().min(1).max(100).default(10),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
});

/**
 * The model to train, chosen by `kind`; every other field has a default.
 *
 * @example
 * ModelSpec.parse({ kind: 'scorecard' }).kind; // 'scorecard'
 */
export const ModelSpec = z.discriminatedUnion('kind', [
  LogisticModelSpec,
  ScorecardModelSpec,
  MlpModelSpec,
  GbdtModelSpec,
]);
export type ModelSpec = z.infer<typeof ModelSpec>;
/**
 * The model kinds a job may train: the kinds of `ModelSpec`, as one schema for every message that
 * names a kind.
 *
 * @example
 * ModelKind.parse('gbdt'); // 'gbdt'
 */
export const ModelKind = z.enum(
  ModelSpec.options.map((o) => o.shape.kind.value) as [ModelSpec['kind'], ...ModelSpec['kind'][]],
);
export type ModelKind = z.infer<typeof ModelKind>;

/**
 * Where labels come from: the bank's label set (the joint case), or a label column the domains
 * themselves hold (the horizontal case).
 *
 * @example
 * LabelSource.parse({ source: 'bank', labelSetId: 'ls_8fK2pQ7xLm4TzR1vW9cAbE' });
 */
export const LabelSource = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('bank'),
    labelSetId: z.string().regex(/^ls_[A-Za-z0-9_-]{8,64}$/, 'a label set id (ls_…)'),
  }),
  z.strictObject({ source: z.literal('domain'), column: FeatureName }),
]);
export type LabelSource = z.infer<typeof LabelSource>;

/**
 * How holdout rows are chosen: a seeded hash of the entity, numeric ids modulo m (public
 * benchmarks), or none (train on every row; the lab's metrics are then in-sample and say so).
 *
 * @example
 * ValidationSpec.parse({ split: 'id-mod', modulus: 5, remainder: 0 });
 */
export const ValidationSpec = z.discriminatedUnion('split', [
  z.strictObject({ split: z.literal('none') }),
  z.strictObject({
    split: z.literal('hash'),
    holdoutFraction: z.number().gt(0).lt(0.9).default(0.2),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
  }),
  z.strictObject({
    split: z.literal('id-mod'),
    modulus: z.int().min(2).max(1000),
    remainder: z.int().min(0).max(999),
  }),
]);
export type ValidationSpec = z.infer<typeof ValidationSpec>;

/**
 * Differential privacy for the released model and metrics (see docs/privacy.md): Gaussian noise
 * calibrated to (ε, δ) under zero-concentrated DP accounting. Logistic regression: output
 * perturbation, rows clipped to `rowNorm` after standardisation with public statistics. MLP:
 * DP-FedAvg, each domain's update clipped to `clip`. Metrics: noisy score histograms.
 *
 * @example
 * DpSpec.parse({ epsilon: 1, delta: 1e-6 });
 */
export const DpSpec = z.strictObject({
  epsilon: z.number().gt(0).max(100),
  delta: z.number().gt(0).max(1e-3).default(1e-6),
  /** Logistic: bound on the L2 norm of a standardised input row. */
  rowNorm: z.number().positive().max(100).default(1),
  /** MLP: bound on the L2 norm of one domain's weight update per round. */
  clip: z.number().positive().max(1000).default(1),
});
export type DpSpec = z.infer<typeof DpSpec>;

/**
 * A model job as submitted. Strict: unknown fields are refused, so a typo never silently changes a job.
 *
 * @example
 * JobSpec.parse({
 *   name: 'sme-pd-2026q4', purpose: 'SME probability of default',
 *   labels: { source: 'bank', labelSetId: 'ls_8fK2pQ7xLm4TzR1vW9cAbE' },
 *   model: { kind: 'logistic' }, features: ['tax.annual_tax_paid', 'judicial.lawsuits_as_defendant'],
 * });
 */
export const JobSpec = z
  .strictObject({
    name: z.string().min(1).max(200),
    purpose: z.string().min(1).max(2000),
    model: ModelSpec,
    /** Platform features (from the catalog). */
    features: z.array(FeatureName).max(500).default([]),
    /** Bank-side features (columns of the label set); scoring calls must then supply them. */
    bankFeatures: z.array(BankFeatureName).max(100).default([]),
    labels: LabelSource,
    /** Domains to train on; default: every domain in the catalog that holds at least one feature. */
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
        /** Minimum rows of each class (defaulters and non-defaulters) in every domain's training rows. */
        minClassCohort: z.int().min(1).max(1_000_000).default(20),
        /** Optional differential privacy; its ε is charged to the bank's budget in every domain used. */
        dp: DpSpec.optional(),
      })
      .default({ minCohort: 50, minClassCohort: 20 }),
    encoding: z
      .strictObject({
        /** Add a 0/1 input per feature that may be missing. */
        missingIndicators: z.boolean().default(true),
        /** Categories counted fewer times across the domains fall into "other". */
        minCategoryCount: z.int().min(1).max(1_000_000).default(50),
      })
      .default({ missingIndicators: true, minCategoryCount: 50 }),
    validation: ValidationSpec.default({ split: 'hash', holdoutFraction: 0.2, seed: 1 }),
  })
  .superRefine((spec, ctx) => {
    if (spec.features.length + spec.bankFeatures.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'at least one feature is required' });
    }
    const dp = spec.privacy.dp;
    if (dp && (spec.model.kind === 'scorecard' || spec.model.kind === 'gbdt')) {
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'dp'],
        message: 'differential privacy is available for logistic and mlp models',
      });
    }
    if (dp && spec.aggregation === 'ckks') {
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'dp'],
        message: 'differential privacy runs with plain aggregation only',
      });
    }
    if (dp && spec.model.kind === 'logistic' && spec.model.l2 === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'l2'],
        message: 'differential privacy needs l2 > 0 (output perturbation relies on strong convexity)',
      });
    }
    if (spec.bankFeatures.length > 0 && spec.labels.source !== 'bank') {
      ctx.addIssue({
        code: 'custom',
        path: ['bankFeatures'],
        message: 'bank-side features need a bank label set',
      });
    }
  });
export type JobSpec = z.infer<typeof JobSpec>;
/**
 * What a caller may send (defaults not yet applied).
 *
 * @example
 * const spec: JobSpecInput = { name: 'pd', purpose: 'SME PD', labels: { source: 'bank', labelSetId }, model: { kind: 'mlp' }, features };
 */
export type JobSpecInput = z.input<typeof JobSpec>;
