// The one error body every lab route answers with, and the stable codes it carries.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
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
