// Body size limits that read only the headers when they can: a request with a Content-Length is
// judged by it (Node's parser holds the body to that length), so the body is not streamed twice.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Hono's `bodyLimit`, with a fast path for requests that state their length: those are refused or
 * passed on the header alone. Chunked bodies are counted as they stream, as `bodyLimit` does.
 *
 * @example
 * app.use('/v1/jobs/*', limitBody({ maxSize: 4 * MiB, onError: tooLarge }));
 */
export function limitBody(opts: { maxSize: number; onError: Parameters<typeof bodyLimit>[0]['onError'] }) {
  const streamed = bodyLimit(opts);
  const handler: MiddlewareHandler = async function limitBodySize(c, next) {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > opts.maxSize) return opts.onError!(c);
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streamed(c, next);
  };
  return handler;
}
