// The one error body every lab route answers with, and the stable codes it carries.
import { z } from 'zod';

/**
 * The stable codes of lab errors: clients branch on these, never on the message.
 *
 * @example
 * if (err instanceof LabApiError && err.code === 'privacy_budget_exceeded') console.error(err.field, err.message);
 */
export const ErrorCode = z.enum([
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  /** The model has more parameters than its rows allow under the platform's floor (it could memorise rows). */
  'too_many_parameters',
  /** Fewer rows (or rows of one class) than the platform's minimum cohort. */
  'cohort_too_small',
  'class_cohort_too_small',
  /** A personal feature needs an explicit grant in the approval. */
  'grant_required',
  /** The job's ε would exceed the bank's privacy budget in a domain. */
  'privacy_budget_exceeded',
  /** An Idempotency-Key reused for another request, or for one still running. */
  'idempotency_conflict',
  /** The model is retired: it no longer scores (activate it again to score). */
  'model_retired',
  /** The key made more requests this minute than its rate limit allows; retry after `Retry-After` seconds. */
  'rate_limited',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * `{ error: { code, message, field? } }` — `field` names the offending input, dotted (`model.l2`).
 *
 * @example
 * ErrorBody.parse({ error: { code: 'not_found', message: 'job not found' } });
 */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
