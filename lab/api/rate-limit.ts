// Per-key rate limits: a fixed window per key id, counted atomically in Redis in one round trip.
import type { MiddlewareHandler } from 'hono';
import type { LabContext } from '../context.ts';
import type { AuthEnv } from './auth.ts';
import { HttpError } from './http-error.ts';

/** Key records state their limits per minute. */
const WINDOW_MS = 60_000;

/**
 * Counts one request and returns `[count, ms left in the window]`. The window opens with a key's
 * first request and expires by itself, so idle keys leave nothing behind in Redis; the PTTL repair
 * covers a counter whose expiry was lost (e.g. written by hand), which would otherwise block forever.
 */
const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

/**
 * Enforces each key's `rateLimit` (requests per minute) after authentication,
 * answering 429 `rate_limited` with `Retry-After`; every answer carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds).
 *
 * @example
 * app.use('/v1/*', authenticate(ctx));
 * app.use('/v1/*', rateLimit(ctx));
 */
export function rateLimit(ctx: LabContext): MiddlewareHandler<AuthEnv> {
  return async function limitRate(c, next) {
    const { keyId, rateLimit: limit } = c.get('principal');
    const [count, ttlMs] = (await ctx.redis.eval(COUNT, 1, ctx.keys.rateLimit(keyId), WINDOW_MS)) as [
      number,
      number,
    ];
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
