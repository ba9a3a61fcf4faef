// The scoring channel between the lab and each domain's warm scorer: calls on a Redis list per
// domain (any of the domain's brokers takes them), replies on the calling lab process's channel.
import { z } from 'zod';
import { ModelKind } from '../../client-sdk/contract/job-spec.ts';
import { Encoding } from '../../client-sdk/contract/resources.ts';
import { inputName, sourceReasons } from '../../models/encoding.ts';

/** Reason codes a score may carry at most. */
export const MAX_REASONS = 10;

// The large arrays of the channel are checked by one loop each: zod's checks per element cost more
// than scoring itself when a call carries thousands of entities.

/**
 * A non-empty list of ids of 1–64 characters, at most `max` of them.
 *
 * @example
 * idList(10).parse(['9111…']);
 */
export function idList(max: number) {
  return z.custom<string[]>(
    (v) => {
      if (!Array.isArray(v) || v.length === 0 || v.length > max) return false;
      for (const e of v) if (typeof e !== 'string' || e.length === 0 || e.length > 64) return false;
      return true;
    },
    { message: `expected 1 to ${max} ids of 1-64 characters` },
  );
}

/**
 * Rows of numbers (bank-side inputs per entity).
 *
 * @example
 * numberRows.parse([[1, 2.5]]);
 */
export const numberRows = z.custom<number[][]>(
  (v) => {
    if (!Array.isArray(v)) return false;
    for (const row of v) {
      if (!Array.isArray(row)) return false;
      for (const x of row) if (typeof x !== 'number') return false;
    }
    return true;
  },
  { message: 'expected rows of numbers' },
);

const probabilities = z.custom<(number | null)[]>(
  (v) => {
    if (!Array.isArray(v)) return false;
    for (const p of v) if (p !== null && !(typeof p === 'number' && p >= 0 && p <= 1)) return false;
    return true;
  },
  { message: 'expected probabilities in [0, 1] or null' },
);

const finiteOrNull = z.custom<(number | null)[]>(
  (v) => {
    if (!Array.isArray(v)) return false;
    for (const x of v) if (x !== null && !(typeof x === 'number' && Number.isFinite(x))) return false;
    return true;
  },
  { message: 'expected finite numbers or null' },
);

const reasonLists = z.custom<number[][]>(
  (v) => {
    if (!Array.isArray(v)) return false;
    for (const r of v) {
      if (!Array.isArray(r) || r.length > MAX_REASONS) return false;
      for (const k of r) if (!Number.isInteger(k) || k < 0) return false;
    }
    return true;
  },
  { message: `expected lists of at most ${MAX_REASONS} feature indices` },
);

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
  entities: idList(50_000),
  /** Per entity, the model's bank-side inputs in `bankFeatures` order (models that declare them). */
  bankInputs: numberRows.optional(),
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
  probability: probabilities,
  points: finiteOrNull.optional(),
  reasons: reasonLists,
});
export type ScoreVectors = z.infer<typeof ScoreVectors>;

/**
 * The source features a model's reason codes index: each encoded input's source, once, in input
 * order (`tax.tax_grade=C` and `tax.tax_grade#missing` are both `tax.tax_grade`).
 *
 * @example
 * scoreSources(model.encoding); // ['tax.annual_tax_paid', 'tax.tax_grade', …]
 */
export function scoreSources(encoding: Encoding): readonly string[] {
  let list = sourcesByEncoding.get(encoding);
  if (!list) {
    list = sourceReasons(encoding.inputs.map(inputName));
    sourcesByEncoding.set(encoding, list);
  }
  return list;
}

/** Computed once per encoding object (a cached model keeps its object; callers only read the list). */
const sourcesByEncoding = new WeakMap<Encoding, string[]>();

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
