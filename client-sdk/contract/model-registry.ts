// Wire shapes of the model registry: listing, retire/activate, model card, weight downloads.
import { z } from 'zod';
import { DatasetFingerprint } from './dataset-fingerprint.ts';
import { Metrics, Model } from './resources.ts';

const ModelStatus = Model.shape.status;

/**
 * Query of `GET /v1/models` (strings, as they arrive). `tenant` is for operators and auditors;
 * banks always list their own.
 *
 * @example
 * ModelListQuery.parse({ name: 'sme-pd', status: 'active', limit: '20' });
 */
export const ModelListQuery = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  status: ModelStatus.optional(),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a tenant id')
    .optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ModelListQuery = z.infer<typeof ModelListQuery>;

/**
 * `GET /v1/models`: a page of models, newest first; `nextCursor` fetches the next page (null at the end).
 *
 * @example
 * const { data, nextCursor } = ModelList.parse(await res.json());
 */
export const ModelList = z.object({ data: z.array(Model), nextCursor: z.string().nullable() });
export type ModelList = z.infer<typeof ModelList>;

/**
 * Body of `POST /v1/models/:id/retire` and `/activate`: why (kept in the model and the audit log).
 *
 * @example
 * ModelStatusBody.parse({ note: 'replaced by version 3' });
 */
export const ModelStatusBody = z.strictObject({ note: z.string().min(1).max(2000) });
export type ModelStatusBody = z.infer<typeof ModelStatusBody>;

/**
 * `GET /v1/models/:id/weights`: the parameters in float64, with the names of the inputs they act on.
 *
 * @example
 * const { inputs, parameters } = ModelWeights.parse(await res.json());
 */
export const ModelWeights = z.object({
  modelId: z.string(),
  kind: Model.shape.kind,
  inputs: z.array(z.string()),
  /** How a row must be prepared for these parameters. */
  inputFormat: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type ModelWeights = z.infer<typeof ModelWeights>;

/**
 * `GET /v1/models/:id/tfjs/model.json`: a TensorFlow.js layers model; its weights are `weights.bin`
 * beside it, so `tf.loadLayersModel(url)` resolves them.
 *
 * @example
 * const json = TfjsModelJson.parse(await res.json()); json.weightsManifest[0].paths; // ['weights.bin']
 */
export const TfjsModelJson = z.object({
  format: z.literal('layers-model'),
  generatedBy: z.string(),
  convertedBy: z.null(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string()),
      weights: z.array(z.object({ name: z.string(), shape: z.array(z.int()), dtype: z.literal('float32') })),
    }),
  ),
  userDefinedMetadata: z.record(z.string(), z.unknown()),
});
export type TfjsModelJson = z.infer<typeof TfjsModelJson>;

/** Reliability in one figure: mean predicted vs observed rate, and the row-weighted mean gap of the bins. */
const CalibrationSummary = z.object({
  meanPredicted: z.number(),
  observedRate: z.number(),
  /** Σ rows_b / rows × |meanPredicted_b − observedRate_b| over the 10 equal-mass bins. */
  expectedCalibrationError: z.number(),
  maxBinGap: z.number(),
});

/**
 * `GET /v1/models/:id/card` (JSON; `?format=md` renders the same facts as Markdown).
 *
 * @example
 * const card = ModelCard.parse(await res.json()); card.evaluation.auc;
 */
export const ModelCard = z.object({
  model: Model.pick({
    id: true,
    name: true,
    version: true,
    status: true,
    kind: true,
    tenant: true,
    createdAt: true,
  }),
  purpose: z.string(),
  intendedUse: z.string(),
  inputs: z.object({
    /** Platform features by sensitivity (names only). */
    bySensitivity: z.record(z.string(), z.array(z.string())),
    bankFeatures: z.array(z.string()),
    encodedInputs: z.int(),
    /** What the JSON weights and the TF.js model expect as input rows. */
    format: z.string(),
  }),
  trainingData: z.object({
    domains: z.array(
      z.object({ id: z.string(), labelRows: z.int().nullable(), datasets: z.array(DatasetFingerprint) }),
    ),
    labelRows: z.int().nullable(),
    usedRows: z.int().nullable(),
    droppedUnauthorised: z.int().nullable(),
  }),
  evaluation: Metrics.extend({
    sample: z.enum(['holdout', 'training']),
    calibration: CalibrationSummary.nullable(),
    perDomain: z.record(z.string(), Metrics),
  }),
  privacy: z.object({
    minCohort: z.int(),
    minClassCohort: z.int(),
    parameterCount: z.int(),
    rowsPerParameter: z.number(),
    aggregation: z.enum(['plain', 'ckks']),
    dp: z
      .object({ epsilon: z.number(), delta: z.number(), sigma: z.number(), mechanism: z.string() })
      .nullable(),
    epsilonSpent: z.number(),
    personalFeatureGrants: z.array(z.string()),
  }),
  lineage: z.object({
    jobId: z.string(),
    approvals: z.array(z.object({ by: z.string(), at: z.string(), note: z.string() })),
    rounds: z.int(),
    backend: z.string(),
  }),
  limitations: z.array(z.string()),
  versions: z.array(Model.pick({ id: true, version: true, status: true, createdAt: true })),
});
export type ModelCard = z.infer<typeof ModelCard>;
