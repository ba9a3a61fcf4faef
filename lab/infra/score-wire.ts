// The scoring channel between the lab and each domain's warm scorer: calls on a Redis list per
// domain (any of the domain's brokers takes them), replies on the calling lab process's channel.
import { z } from 'zod';
import { Encoding } from '../../client-sdk/contract/resources.ts';

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
  kind: z.enum(['logistic', 'scorecard', 'mlp']),
  encoding: Encoding,
  bankFeatures: z.array(z.string()),
  parameters: z.record(z.string(), z.unknown()),
});
export type ScoreModelWire = z.infer<typeof ScoreModelWire>;

/**
 * One entity's score as the domain's enclave computed it: probability, points (scorecards, from
 * their own table) and reason codes (feature names, never values). Replies carry no entity ids:
 * scores are in the order of the call's entities.
 */
export const ScoreWire = z.strictObject({
  probability: z.number(),
  points: z.number().optional(),
  reasons: z.array(z.string()).max(MAX_REASONS),
});
export type ScoreWire = z.infer<typeof ScoreWire>;

/**
 * Domain → lab. `unavailable`: the scorer is (re)starting or failed; `retryAfterMs` says when to
 * try again. `refused`: the egress guard or the enclave refused the call (never retried).
 */
export const ScoreReply = z.discriminatedUnion('ok', [
  z.strictObject({
    id: z.string(),
    ok: z.literal(true),
    /** One per entity of the call, in order; `null`: this domain does not hold that (opaque) id. */
    scores: z.array(ScoreWire.nullable()),
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
