// Request headers several catalogue entries share.
import { z } from 'zod';
import type { HeaderDoc } from '../route-doc.ts';

/**
 * The creating routes' retry guard (lab/api/idempotency.ts).
 *
 * @example
 * const submit: RouteDoc = { method: 'post', path: '/v1/jobs', headers: [IDEMPOTENCY_KEY], ... };
 */
export const IDEMPOTENCY_KEY: HeaderDoc = {
  name: 'Idempotency-Key',
  description:
    'A retry with the same key and request replays the first answer (`Idempotent-Replayed: true`); the same key with another request is 409 `idempotency_conflict`',
  schema: z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/),
};
