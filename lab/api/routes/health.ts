// Probes: liveness (`/healthz`, the process answers) and readiness (`/readyz`, Redis and the coordinator queue answer).
import { Hono } from 'hono';
import type { Health, Readiness } from '../../../client-sdk/contract/health.ts';
import type { LabContext } from '../../context.ts';
import { withDeadline } from '../../infra/deadline.ts';

/** How long a dependency may take before the process counts as not ready. */
const CHECK_MS = 1000;
/** Seconds a load balancer should wait before probing a not-ready process again. */
const RETRY_AFTER_S = 5;

/**
 * No API key on either probe: orchestrators call them, and they reveal only up/down per dependency.
 * A not-ready answer is a status report, not a refused request, so it keeps the Readiness shape.
 *
 * @example
 * app.route('/', healthRoutes(ctx));
 */
export function healthRoutes(ctx: LabContext, { checkMs = CHECK_MS }: { checkMs?: number } = {}) {
  return new Hono()
    .get('/healthz', (c) => c.json({ ok: true } satisfies Health))
    .get('/readyz', async (c) => {
      const [redis, queue] = await Promise.all([
        withDeadline(ctx.redis.ping(), checkMs),
        withDeadline(ctx.coordinatorQueue.getJobCounts('wait'), checkMs),
      ]);
      const body: Readiness = {
        ready: redis.state === 'ok' && queue.state === 'ok',
        checks: { redis: redis.state, coordinatorQueue: queue.state },
      };
      if (body.ready) return c.json(body);
      c.header('retry-after', String(RETRY_AFTER_S));
      return c.json(body, 503);
    });
}
