// Request ids: every response carries one in `X-Request-Id`, handlers read it as `c.get('requestId')`.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** The id of this request: the caller's `X-Request-Id` when well formed, else a fresh UUID. */
    requestId: string;
  }
}

/** What a caller may choose as its id: short, and safe to copy into logs and headers as is. */
const WELL_FORMED = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Takes a well-formed incoming id (so a caller can follow its own id through the lab) or makes
 * one up, and sets it on the response. A malformed id is replaced, never echoed.
 *
 * @example
 * app.use('*', requestId());
 */
export function requestId({
  header = 'X-Request-Id',
  generate = randomUUID,
}: {
  header?: string;
  generate?: () => string;
} = {}): MiddlewareHandler {
  return async function assignRequestId(c, next) {
    const incoming = c.req.header(header);
    const id = incoming !== undefined && WELL_FORMED.test(incoming) ? incoming : generate();
    c.set('requestId', id);
    c.header(header, id);
    await next();
    // Responses built outside the context (streams, `new Response`) did not see the header above.
    if (!c.res.headers.has(header)) c.res.headers.set(header, id);
  };
}
