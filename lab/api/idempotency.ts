// Idempotency keys on creating routes: a retried request with the same key gets the first answer
// instead of creating a second job or label set.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { LabContext } from '../context.ts';
import type { AuthEnv } from './auth.ts';
import { HttpError } from './http-error.ts';

const KEY = /^[A-Za-z0-9_.:-]{1,255}$/;
/** How long an answer is kept for replay. */
const KEEP_SECONDS = 24 * 3600;
/** A request still running after this long is presumed dead; its key can be used again. */
const PENDING_SECONDS = 120;

interface Stored {
  fingerprint: string;
  status?: number;
  body?: string;
  contentType?: string;
}

/**
 * With an `Idempotency-Key` header, the first request under that key (per tenant) runs; a retry
 * with the same method, path and body replays its answer (`Idempotent-Replayed: true`); the same
 * key with another request is 409 `idempotency_conflict`; one still running is 409 too. Only
 * successful answers are kept: a refused request can be corrected and retried under its key.
 *
 * @example
 * app.post('/', requireRole('bank-scientist'), idempotency(ctx), handler);
 */
export function idempotency(ctx: LabContext): MiddlewareHandler<AuthEnv> {
  return async function idempotentRequest(c, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      throw new HttpError(
        400,
        'invalid_request',
        'Idempotency-Key: 1-255 letters, digits, _ . : -',
        'Idempotency-Key',
      );
    }
    const p = c.get('principal');
    const body = Buffer.from(await c.req.arrayBuffer());
    const fingerprint = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n`)
      .update(body)
      .digest('hex');
    const slot = ctx.keys.idempotency(p.tenant, createHash('sha256').update(key).digest('hex'));
    const claim = JSON.stringify({ fingerprint } satisfies Stored);
    if ((await ctx.redis.set(slot, claim, 'EX', PENDING_SECONDS, 'NX')) !== 'OK') {
      const raw = await ctx.redis.get(slot);
      const seen = raw ? (JSON.parse(raw) as Stored) : null;
      if (seen && seen.fingerprint !== fingerprint) {
        throw new HttpError(
          409,
          'idempotency_conflict',
          'this Idempotency-Key was used for another request',
          'Idempotency-Key',
        );
      }
      if (seen?.status === undefined) {
        throw new HttpError(
          409,
          'idempotency_conflict',
          'a request with this Idempotency-Key is still running',
          'Idempotency-Key',
        );
      }
      c.header('idempotent-replayed', 'true');
      return c.body(seen.body ?? '', seen.status as 200, {
        'content-type': seen.contentType ?? 'application/json',
      });
    }
    try {
      await next();
    } catch (err) {
      await ctx.redis.del(slot);
      throw err;
    }
    if (c.res.status >= 200 && c.res.status < 300) {
      const answer: Stored = {
        fingerprint,
        status: c.res.status,
        body: await c.res.clone().text(),
        contentType: c.res.headers.get('content-type') ?? 'application/json',
      };
      await ctx.redis.set(slot, JSON.stringify(answer), 'EX', KEEP_SECONDS);
    } else {
      await ctx.redis.del(slot);
    }
  };
}
