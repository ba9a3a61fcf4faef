// Queue payloads between the coordinator / scoring API and the domain brokers (BullMQ job data and results).
import { z } from 'zod';
import { DatasetFingerprint } from '../../client-sdk/contract/dataset-fingerprint.ts';
import { ModelKind, ValidationSpec } from '../../client-sdk/contract/job-spec.ts';
import { CatalogFeature, Encoding, Evaluation } from '../../client-sdk/contract/resources.ts';
import { BLOB_REF } from './blob-store.ts';

const FiniteArray = z.array(z.number().refine(Number.isFinite, 'must be finite'));

/** Columnar label rows, the shape they are stored and sliced in. */
export const LabelColumns = z.strictObject({
  entities: z.array(z.string()),
  labels: z.array(z.union([z.literal(0), z.literal(1)])),
  /** Bank-side feature columns, aligned with `entities` (null = missing). */
  bank: z.record(z.string(), z.array(z.number().nullable())).default({}),
});
export type LabelColumns = z.infer<typeof LabelColumns>;

/**
 * What the lab's approval allows a domain to release for one job; the domain's broker enforces it
 * (with its own manifest's sensitivities) in its egress guard.
 */
export const EgressPolicy = z.strictObject({
  /** The bank the job is for (audit attribution). */
  tenant: z.string().min(1),
  /** Personal features the approval granted explicitly; any other personal feature is refused. */
  grantedPersonal: z.array(z.string()),
  /** Largest result (serialised JSON, bytes) one task may return. */
  maxPayloadBytes: z.int().positive(),
});
export type EgressPolicy = z.infer<typeof EgressPolicy>;

/** Default cap on one task's result: far above any declared update, far below a table of rows. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** The per-job facts every training task carries, so any broker can (re)load the enclave from scratch. */
export const TrainSetup = z.strictObject({
  modelKind: ModelKind,
  encoding: Encoding,
  bankFeatures: z.array(z.string()),
  labels: z.discriminatedUnion('source', [
    /** Sealed (to this domain's key) label slice `{ entities, labels, bank }`. */
    z.strictObject({
      source: z.literal('bank'),
      labelsRef: z.string().regex(BLOB_REF),
      entityKey: z.enum(['uscc', 'opaque']),
    }),
    z.strictObject({ source: z.literal('domain'), column: z.string() }),
  ]),
  validation: ValidationSpec,
  minCohort: z.int().min(1),
  minClassCohort: z.int().min(1),
  egress: EgressPolicy,
  /** Differential privacy is on: the enclave runs the kind's DP wrapper (row clipping, public standardisation). */
  dp: z.boolean(),
  /** The model kind's configuration (the JobSpec's `model`): in CKKS mode the enclaves run the strategy's steps. */
  modelConfig: z.record(z.string(), z.unknown()),
  /** CKKS custody of this job, for this domain: the public key and the secret key sealed to this domain. */
  he: z
    .strictObject({
      publicKeyRef: z.string().regex(BLOB_REF),
      sealedSecretKeyRef: z.string().regex(BLOB_REF),
    })
    .nullable(),
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
  /** Whether the enclave ran sandboxed (false: its broker runs with --unsafe-no-sandbox). */
  sandboxed: z.boolean().optional(),
  /** CKKS key generation (the dealer): the public key and one sealed secret key per domain, as blobs. */
  keys: z
    .strictObject({
      publicKeyRef: z.string().regex(BLOB_REF),
      sealed: z.record(z.string(), z.string().regex(BLOB_REF)),
    })
    .optional(),
  /** A CKKS round: the encrypted update and the (domain-key encrypted) strategy state, as blobs. */
  he: z
    .strictObject({
      encryptedRef: z.string().regex(BLOB_REF).nullable(),
      stateRef: z.string().regex(BLOB_REF).nullable(),
      phase: z.string(),
      loss: z.number().nullable(),
      /** The release round: the final model and the pooled metrics, decrypted inside the domains. */
      release: z.strictObject({ model: z.record(z.string(), z.unknown()), metrics: Evaluation }).nullable(),
    })
    .optional(),
});
export type TrainResult = z.infer<typeof TrainResult>;

/** The job ended: its enclave (and the rows it holds) can go now rather than at the idle timeout. */
export const ReleaseTask = z.strictObject({
  kind: z.literal('release'),
  jobId: z.string(),
  domain: z.string(),
});
export type ReleaseTask = z.infer<typeof ReleaseTask>;

/** What a broker publishes about its domain: schema, safe statistics and public key, never values. */
export const DomainRegistration = z.strictObject({
  id: z.string(),
  name: z.string(),
  regions: z.array(z.string()),
  entityKey: z.enum(['uscc', 'opaque']),
  publicKeyPem: z.string(),
  rows: z.int().optional(),
  features: z.array(CatalogFeature),
  /** SHA-256 and data rows of each dataset file, in manifest order (models record them in their lineage). */
  datasets: z.array(DatasetFingerprint).optional(),
  publishedAt: z.string(),
});
export type DomainRegistration = z.infer<typeof DomainRegistration>;
