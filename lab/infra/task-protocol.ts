// Queue payloads between the coordinator / scoring API and the domain brokers (BullMQ job data and results).
import { z } from 'zod';
import { BLOB_REF } from './blob-store.ts';

const FiniteArray = z.array(z.number().refine(Number.isFinite, 'must be finite'));

/** The per-job facts every training task carries, so any broker can (re)load the enclave from scratch. */
export const TrainSetup = z.strictObject({
  modelKind: z.literal('logistic'),
  features: z.array(z.string()).min(1),
  /** Sealed (to this domain's key) label slice `{ entities, labels }`. */
  labelsRef: z.string().regex(BLOB_REF),
  holdoutFraction: z.number().gt(0).lt(1),
  seed: z.int(),
  minCohort: z.int().min(1),
});
export type TrainSetup = z.infer<typeof TrainSetup>;

export const RoundInstructionWire = z.strictObject({
  phase: z.string().min(1).max(40),
  params: z.record(z.string(), z.unknown()),
});

/**
 * One domain's share of one round.
 *
 * @example
 * TrainTask.parse({ kind: 'train', jobId, round: 0, domain: 'd-bj', setup, instruction: { phase: 'stats', params: {} } });
 */
export const TrainTask = z.strictObject({
  kind: z.literal('train'),
  jobId: z.string(),
  round: z.int().min(0),
  domain: z.string(),
  setup: TrainSetup,
  instruction: RoundInstructionWire,
});
export type TrainTask = z.infer<typeof TrainTask>;

/** Only additive aggregates come back from a training task: named finite vectors. */
export const TrainResult = z.strictObject({
  jobId: z.string(),
  round: z.int(),
  domain: z.string(),
  update: z.record(z.string(), FiniteArray),
  rows: z.strictObject({ train: z.int(), holdout: z.int() }),
  backend: z.string(),
  computeMs: z.number(),
});
export type TrainResult = z.infer<typeof TrainResult>;

export const ScoreModelWire = z.strictObject({
  id: z.string(),
  kind: z.literal('logistic'),
  features: z.array(z.string()).min(1),
  intercept: z.number(),
  weights: FiniteArray,
  means: FiniteArray,
  stds: FiniteArray,
  beta: FiniteArray,
  rounds: z.int(),
});
export type ScoreModelWire = z.infer<typeof ScoreModelWire>;

export const ScoreTask = z.strictObject({
  kind: z.literal('score'),
  domain: z.string(),
  model: ScoreModelWire,
  entities: z.array(z.string()).min(1).max(10_000),
});
export type ScoreTask = z.infer<typeof ScoreTask>;

export const ScoreTaskResult = z.strictObject({
  scores: z.array(
    z.strictObject({ entity: z.string(), probability: z.number(), reasons: z.array(z.string()) }),
  ),
});
export type ScoreTaskResult = z.infer<typeof ScoreTaskResult>;

/** What a broker publishes about its domain: schema and public key, never values. */
export const DomainRegistration = z.strictObject({
  id: z.string(),
  name: z.string(),
  regions: z.array(z.string()),
  entityKey: z.enum(['uscc', 'opaque']),
  publicKeyPem: z.string(),
  features: z.array(
    z.strictObject({
      name: z.string(),
      type: z.string(),
      category: z.string(),
      sensitivity: z.string(),
      description: z.string(),
    }),
  ),
  publishedAt: z.string(),
});
export type DomainRegistration = z.infer<typeof DomainRegistration>;
