// The scoring channel between the lab and each domain's warm scorer: calls on a Redis list per
// domain (any of the domain's brokers takes them), replies on the calling lab process's channel.
import { z } from 'zod';
import { ModelKind } from '../../client-sdk/contract/job-spec.ts';
import { Encoding } from '../../client-sdk/contract/resources.ts';
import { inputName, sourceReasons } from '../../models/encoding.ts';

/** Reason codes a score may carry at most. */
export const MAX_REASONS = 10;

/**
 * Lab → domain: score these entities with this model. Micro-batched: one call carries every
 * request the lab process had for (domain, model) while the previous call was out.
 *
 * @example
 * ScoreCall.parse({ id: 'c1', replyTo: 'lab-9f…', deadline: Date.now() + 2000, tenant: 'bank-a', modelId: 'mdl_x', entities: ['9111…'] });
 */
export const ScoreCall = z.strictObject({
  id: z.string().min(1).max(64),
  /** The lab process's reply channel id. */
  replyTo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Epoch ms after which nobody waits for the answer: the broker skips the call. */
  deadline: z.number().int(),
  /** The bank whose risk system asked (audit attribution of refusals). */
  tenant: z.string().min(1),
  /** A released model: its record is read once per broker and cached (parameters never change). */
  modelId: z.string().min(1).max(64),
  entities: z.array(z.string().min(1).max(64)).min(1).max(50_000),
  /** Per entity, the model's bank-side inputs in `bankFeatures` order (models that declare them). */
  bankInputs: z.array(z.array(z.number())).optional(),
});
export type ScoreCall = z.infer<typeof ScoreCall>;

/** A released model as a scorer needs it (read from its record once, cached by id). */
export const ScoreModelWire = z.strictObject({
  id: z.string(),
  kind: ModelKind,
  encoding: Encoding,
  bankFeatures: z.array(z.string()),
  parameters: z.record(z.string(), z.unknown()),
});
export type ScoreModelWire = z.infer<typeof ScoreModelWire>;

/**
 * Scores of a call's entities as the domain's enclave computed them, one slot per entity in call
 * order (replies carry no entity ids): the probability (`null`: an opaque id this domain does not
 * hold), points (scorecards only, from their own table) and reason codes as indices into the
 * model's source features (`scoreSources`), so nothing but the model's feature names can come back.
 *
 * @example
 * ScoreVectors.parse({ probability: [0.04, null], reasons: [[2, 0], []] });
 */
export const ScoreVectors = z.strictObject({
  probability: z.array(z.number().min(0).max(1).nullable()),
  points: z.array(z.number().refine(Number.isFinite, 'must be finite').nullable()).optional(),
  reasons: z.array(z.array(z.int().min(0)).max(MAX_REASONS)),
});
export type ScoreVectors = z.infer<typeof ScoreVectors>;

/**
 * The source features a model's reason codes index: each encoded input's source, once, in input
 * order (`tax.tax_grade=C` and `tax.tax_grade#missing` are both `tax.tax_grade`).
 *
 * @example
 * scoreSources(model.encoding); // ['tax.annual_tax_paid', 'tax.tax_grade', …]
 */
export function scoreSources(encoding: Encoding): string[] {
  return sourceReasons(encoding.inputs.map(inputName));
}

/**
 * The slots `from` (inclusive) to `to` (exclusive) of a call's scores.
 *
 * @example
 * sliceScores(vectors, 0, 2).probability.length; // 2
 */
export function sliceScores(v: ScoreVectors, from: number, to: number): ScoreVectors {
  return {
    probability: v.probability.slice(from, to),
    ...(v.points ? { points: v.points.slice(from, to) } : {}),
    reasons: v.reasons.slice(from, to),
  };
}

/**
 * Domain → lab. `unavailable`: the scorer is (re)starting or failed; `retryAfterMs` says when to
 * try again. `refused`: the egress guard or the enclave refused the call (never retried).
 */
export const ScoreReply = z.discriminatedUnion('ok', [
  z.strictObject({
    id: z.string(),
    ok: z.literal(true),
    scores: ScoreVectors,
    /** Whether the enclave ran sandboxed (false: the broker runs with --unsafe-no-sandbox). */
    sandboxed: z.boolean(),
  }),
  z.strictObject({
    id: z.string(),
    ok: z.literal(false),
    code: z.enum(['unavailable', 'refused']),
    message: z.string(),
    retryAfterMs: z.number().int().min(0).optional(),
  }),
]);
export type ScoreReply = z.infer<typeof ScoreReply>;

/** A broker refreshes its scorer's liveness key this often, and the key lives this long. */
export const SCORER_HEARTBEAT_MS = 1000;
export const SCORER_LIVENESS_TTL_MS = 3000;
