// Wire shapes of the lab's probes: liveness (`/healthz`) and readiness (`/readyz`).
import { z } from 'zod';

/**
 * `GET /healthz`: the process answers (liveness); it says nothing about Redis.
 *
 * @example
 * Health.parse(await (await fetch(`${url}/healthz`)).json()).ok; // true
 */
export const Health = z.object({ ok: z.literal(true) });
export type Health = z.infer<typeof Health>;

/**
 * One dependency's answer: in time, too late, or an error.
 *
 * @example
 * ReadinessCheck.parse('timeout');
 */
export const ReadinessCheck = z.enum(['ok', 'timeout', 'error']);
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

/**
 * `GET /readyz`: whether this API process can serve requests now. `ready` is true only when every
 * check is `ok` (status 200); otherwise the status is 503 with `Retry-After`.
 *
 * @example
 * Readiness.parse({ ready: false, checks: { redis: 'timeout', coordinatorQueue: 'timeout' } });
 */
export const Readiness = z.object({
  ready: z.boolean(),
  checks: z.object({
    /** Redis answered PING. */
    redis: ReadinessCheck,
    /** The coordinator's BullMQ queue answered a count of its waiting jobs. */
    coordinatorQueue: ReadinessCheck,
  }),
});
export type Readiness = z.infer<typeof Readiness>;
