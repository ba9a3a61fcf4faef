// Messages between a domain broker and its enclave processes (IPC), schema-checked on both sides.
import { z } from 'zod';
import { ModelKind, ValidationSpec } from '../client-sdk/contract/job-spec.ts';
import { QualityReport } from '../client-sdk/contract/quality.ts';
import { CatalogFeature, Encoding, Evaluation } from '../client-sdk/contract/resources.ts';
import { idList, numberRows, ScoreModelWire, ScoreVectors } from '../lab/infra/score-wire.ts';
import { RoundInstructionWire } from '../lab/infra/task-protocol.ts';

/** Entities one enclave score request may carry (the broker merges calls up to this). */
export const MAX_SCORER_ENTITIES = 20_000;

const FiniteArray = z.array(z.number().refine(Number.isFinite, 'must be finite'));

/** Broker → enclave. */
export const ToEnclave = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('load'),
    id: z.int(),
    jobId: z.string(),
    modelKind: ModelKind,
    encoding: Encoding,
    bankFeatures: z.array(z.string()),
    labels: z.discriminatedUnion('source', [
      z.strictObject({
        source: z.literal('bank'),
        entityKey: z.enum(['uscc', 'opaque']),
        entities: z.array(z.string()),
        labels: z.array(z.union([z.literal(0), z.literal(1)])),
        bank: z.record(z.string(), z.array(z.number().nullable())),
      }),
      z.strictObject({ source: z.literal('domain'), column: z.string() }),
    ]),
    validation: ValidationSpec,
    minCohort: z.int().min(1),
    minClassCohort: z.int().min(1),
    /** Differential privacy is on: rounds run the kind's DP wrapper. */
    dp: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('round'),
    id: z.int(),
    jobId: z.string(),
    instruction: RoundInstructionWire,
  }),
  /** The dealer generates the job's CKKS keys and seals the secret key to every domain (X25519 PEMs). */
  z.strictObject({
    type: z.literal('keygen'),
    id: z.int(),
    jobId: z.string(),
    recipients: z.record(z.string(), z.string()),
  }),
  /** A CKKS round; byte fields are base64. The secret key is this job's, unsealed by the broker. */
  z.strictObject({
    type: z.literal('he-round'),
    id: z.int(),
    jobId: z.string(),
    modelConfig: z.record(z.string(), z.unknown()),
    publicKey: z.string(),
    secretKey: z.string(),
    aggregate: z.string().nullable(),
    state: z.string().nullable(),
  }),
  /** Load the domain's whole table now (a warm spare, or a scorer), before any job needs it. */
  z.strictObject({ type: z.literal('warm'), id: z.int() }),
  /** Safe description of the domain: catalog statistics (nothing from fewer than k rows) and data quality. */
  z.strictObject({ type: z.literal('describe'), id: z.int(), k: z.int().min(1) }),
  /** Scores entities in order; `model` travels once per enclave, later calls name it by id. */
  z.strictObject({
    type: z.literal('score'),
    id: z.int(),
    modelId: z.string(),
    model: ScoreModelWire.optional(),
    entities: idList(MAX_SCORER_ENTITIES),
    bankInputs: numberRows.optional(),
  }),
]);
export type ToEnclave = z.infer<typeof ToEnclave>;

export const DescribeResult = z.strictObject({
  rows: z.int(),
  features: z.array(CatalogFeature),
  quality: QualityReport,
});

export const KeygenResult = z.strictObject({
  publicKey: z.string(),
  sealed: z.record(z.string(), z.string()),
});
export const HeRoundResult = z.strictObject({
  encrypted: z.string().nullable(),
  state: z.string().nullable(),
  phase: z.string(),
  loss: z.number().nullable(),
  release: z.strictObject({ model: z.record(z.string(), z.unknown()), metrics: Evaluation }).nullable(),
  rows: z.strictObject({ train: z.int(), holdout: z.int() }),
  computeMs: z.number(),
});

export const LoadResult = z.strictObject({ train: z.int(), holdout: z.int(), positives: z.int() });
export const RoundResult = z.strictObject({
  update: z.record(z.string(), FiniteArray),
  rows: z.strictObject({ train: z.int(), holdout: z.int() }),
  computeMs: z.number(),
});
/** Scores of the requested entities, one slot each, in order. */
export const ScoreResultBody = z.strictObject({ scores: ScoreVectors });

/** Enclave → broker. */
export const FromEnclave = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), backend: z.string() }),
  z.strictObject({ type: z.literal('ok'), id: z.int(), body: z.unknown() }),
  z.strictObject({ type: z.literal('error'), id: z.int(), message: z.string(), retryable: z.boolean() }),
]);
export type FromEnclave = z.infer<typeof FromEnclave>;
