// The lab's HTTP API (Hono): routes, authentication, body limits and the one error body.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LabContext } from '../context.ts';
import { type AuthEnv, authenticate } from './auth.ts';
import { HttpError } from './http-error.ts';
import { authorizationRoutes, catalogRoutes, domainRoutes } from './routes/catalog.ts';
import { jobRoutes } from './routes/jobs.ts';
import { labelSetRoutes } from './routes/label-sets.ts';
import { modelRoutes } from './routes/models.ts';

const MiB = 1024 * 1024;

/**
 * Builds the API on a lab context. Test it with `app.request()`; serve it with @hono/node-server.
 *
 * @example
 * const app = createApp(ctx); const res = await app.request('/healthz');
 */
export function createApp(ctx: LabContext) {
  const tooLarge = () => {
    throw new HttpError(413, 'payload_too_large', 'request body too large', 'body');
  };
  const app = new Hono<AuthEnv>();
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      const field = err.field === undefined ? {} : { field: err.field };
      return c.json({ error: { code: err.code, message: err.message, ...field } }, err.status);
    }
    console.error('lab api: unexpected error', err instanceof Error ? err.stack : err);
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  app.get('/healthz', (c) => c.json({ ok: true }));
  const limits: [string, number][] = [
    ['/v1/label-sets', 256 * MiB],
    ['/v1/authorizations', 64 * MiB],
    ['/v1/jobs', 4 * MiB],
    ['/v1/models', 4 * MiB],
  ];
  for (const [path, maxSize] of limits) {
    app.use(path, bodyLimit({ maxSize, onError: tooLarge }));
    app.use(`${path}/*`, bodyLimit({ maxSize, onError: tooLarge }));
  }
  app.use('/v1/*', authenticate(ctx));
  app.route('/v1/label-sets', labelSetRoutes(ctx));
  app.route('/v1/jobs', jobRoutes(ctx));
  app.route('/v1/models', modelRoutes(ctx));
  app.route('/v1/catalog', catalogRoutes(ctx));
  app.route('/v1/domains', domainRoutes(ctx));
  app.route('/v1/authorizations', authorizationRoutes(ctx));
  return app;
}
export type LabApp = ReturnType<typeof createApp>;
