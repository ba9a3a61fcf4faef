// Per-key rate limits: a fixed window per key, counted by `authenticate` in its key lookup.
import type { Context, MiddlewareHandler } from 'hono';
import type { Principal, RateWindow } from '../store/api-keys.ts';
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
    enforceRateLimit(c, c.get('principal'), c.get('rateWindow'));
    await next();
  };
}

/**
 * Sets the rate-limit headers for the request's place in its key's window, and refuses it (429)
 * past the key's limit. For routes that authenticate themselves (the scoring route).
 *
 * @example
 * enforceRateLimit(c, principal, window);
 */
export function enforceRateLimit(c: Context, principal: Principal, window: RateWindow): void {
  const limit = principal.rateLimit;
  const { count, ttlMs } = window;
  const reset = Math.max(1, Math.ceil(ttlMs / 1000));
  c.header('RateLimit-Limit', String(limit));
  c.header('RateLimit-Remaining', String(Math.max(0, limit - count)));
  c.header('RateLimit-Reset', String(reset));
  if (count > limit) {
    c.header('Retry-After', String(reset));
    throw new HttpError(429, 'rate_limited', `this key allows ${limit} requests per minute`);
  }
}
