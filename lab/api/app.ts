// The lab's HTTP API (Hono): routes, authentication, body limits and the one error body.
import { type Context, Hono } from 'hono';
import { matchedRoutes, routePath } from 'hono/route';
import { consoleRoutes } from '../console/index.ts';
import type { LabContext } from '../context.ts';
import type { AuditEvent } from '../infra/audit-log.ts';
import { type Principal, redactKeys } from '../store/api-keys.ts';
import { type AuthEnv, actorOf, authenticate } from './auth.ts';
import { limitBody } from './body-limit.ts';
import { HttpError } from './http-error.ts';
import { labMetrics } from './metrics.ts';
import { openApiRoutes } from './openapi/routes.ts';
import { rateLimit } from './rate-limit.ts';
import { requestId } from './request-id.ts';
import { auditRoutes } from './routes/audit.ts';
import { authorizationRoutes, catalogRoutes, domainRoutes } from './routes/catalog.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { keyRoutes } from './routes/keys.ts';
import { labelSetRoutes } from './routes/label-sets.ts';
import { modelRoutes } from './routes/models.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { scoreRoute } from './routes/score.ts';
import { usageRoutes } from './routes/usage.ts';

const MiB = 1024 * 1024;
/** Statuses of a refused request (the caller asked for something it may not, or sent something wrong). */
const REFUSED = new Set([400, 403, 404, 409, 413]);
/** Field names can be caller-chosen keys of any length; the audit keeps their start only. */
const AUDIT_FIELD_CHARS = 120;

/** The pattern of the route that handled the request (not of a middleware matched after it). */
function handlerPath(c: Context<AuthEnv>): string {
  return matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path ?? routePath(c, -1);
}

/**
 * The audit entry of a refused or unauthenticated `/v1` request: who (once authenticated), the
 * route pattern (not the raw path), status, code and field — never the body, the message or a key.
 */
function refusalEvent(c: Context<AuthEnv>, err: HttpError): AuditEvent | null {
  if (!c.req.path.startsWith('/v1/')) return null;
  const kind =
    err.status === 401 ? 'request.unauthenticated' : REFUSED.has(err.status) ? 'request.refused' : null;
  if (!kind) return null;
  const p: Principal | undefined = c.get('principal');
  // A caller may put its key where a field name goes (`?jml_…`); the audit never keeps it.
  const field = err.field === undefined ? {} : { field: redactKeys(err.field).slice(0, AUDIT_FIELD_CHARS) };
  return {
    kind,
    actor: p ? actorOf(p) : 'anonymous',
    tenant: p?.tenant ?? '-',
    subject: `${c.req.method} ${handlerPath(c)}`,
    details: { status: err.status, code: err.code, ...field },
  };
}

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
  const metrics = labMetrics(ctx);
  // Outermost: every response, errors included, carries a request id (as a header only: bodies of
  // the same refusal stay byte-for-byte equal) and is counted.
  app.use('*', requestId(), metrics.measure);
  app.onError(async (err, c) => {
    if (err instanceof HttpError) {
      const event = refusalEvent(c, err);
      // The caller gets its 4xx whatever happens to the audit write; the failure is logged.
      if (event)
        await ctx.audit.append(event).catch((e: unknown) => {
          console.error('lab api: could not audit a refused request', e instanceof Error ? e.message : e);
        });
      const field = err.field === undefined ? {} : { field: err.field };
      return c.json({ error: { code: err.code, message: err.message, ...field } }, err.status);
    }
    // The request id ties the caller's X-Request-Id to this log line.
    const where = `lab api: unexpected error (request ${c.get('requestId')})`;
    console.error(where, err instanceof Error ? err.stack : err);
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  app.route('/', healthRoutes(ctx));
  app.route('/', metrics.routes);
  app.route('/', openApiRoutes());
  // The operator console: its own sessions, CSRF checks, CSP and error pages (lab/console/).
  app.route('/console', consoleRoutes(ctx));
  const limits: [string, number][] = [
    ['/v1/label-sets', 256 * MiB],
    ['/v1/authorizations', 64 * MiB],
    ['/v1/jobs', 4 * MiB],
    ['/v1/models', 4 * MiB],
    ['/v1/privacy', 64 * 1024],
    ['/v1/keys', 64 * 1024],
  ];
  for (const [path, maxSize] of limits) {
    app.use(path, limitBody({ maxSize, onError: tooLarge }));
    app.use(`${path}/*`, limitBody({ maxSize, onError: tooLarge }));
  }
  // Scoring authenticates itself, reading the caller's key and authorisations in one round trip.
  app.route('/', scoreRoute(ctx, metrics.scoreStage));
  app.use('/v1/*', authenticate(ctx));
  app.use('/v1/*', rateLimit());
  app.route('/v1/label-sets', labelSetRoutes(ctx));
  app.route('/v1/jobs', jobRoutes(ctx));
  app.route('/v1/models', modelRoutes(ctx));
  app.route('/v1/catalog', catalogRoutes(ctx));
  app.route('/v1/domains', domainRoutes(ctx));
  app.route('/v1/authorizations', authorizationRoutes(ctx));
  app.route('/v1/privacy', privacyRoutes(ctx));
  app.route('/v1/audit', auditRoutes(ctx));
  app.route('/v1/keys', keyRoutes(ctx));
  app.route('/v1/usage', usageRoutes(ctx));
  return app;
}
export type LabApp = ReturnType<typeof createApp>;
