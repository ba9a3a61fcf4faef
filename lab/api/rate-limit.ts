// Per-key rate limits: a fixed window per key, counted by `authenticate` in its key lookup.
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from './auth.ts';
import { HttpError } from './http-error.ts';

/**
 * Enforces each key's `rateLimit` (requests per minute) after authentication, answering 429
 * `rate_limited` with `Retry-After`; every answer carries `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (seconds).
 *
 * @example
 * app.use('/v1/*', authenticate(ctx));
 * app.use('/v1/*', rateLimit());
 */
export function rateLimit(): MiddlewareHandler<AuthEnv> {
  return async function limitRate(c, next) {
    const { rateLimit: limit } = c.get('principal');
    const { count, ttlMs } = c.get('rateWindow');
    const reset = Math.max(1, Math.ceil(ttlMs / 1000));
    c.header('RateLimit-Limit', String(limit));
    c.header('RateLimit-Remaining', String(Math.max(0, limit - count)));
    c.header('RateLimit-Reset', String(reset));
    if (count > limit) {
      c.header('Retry-After', String(reset));
      throw new HttpError(429, 'rate_limited', `this key allows ${limit} requests per minute`);
    }
    await next();
  };
}
