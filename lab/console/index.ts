// The operator console at `/console`: server-rendered pages behind a session, CSRF-checked forms, strict CSP.
import { Hono, type MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { routePath } from 'hono/route';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { actorOf } from '../api/auth.ts';
import { limitBody } from '../api/body-limit.ts';
import { HttpError } from '../api/http-error.ts';
import type { LabContext } from '../context.ts';
import { type ConsoleContext, type ConsoleEnv, CSRF_FIELD, field, readForm } from './env.ts';
import { barePage, page } from './layout.ts';
import { approvalPages } from './pages/approvals.ts';
import { auditPages } from './pages/audit.ts';
import { domainPages } from './pages/domains.ts';
import { jobPages } from './pages/jobs.ts';
import { modelPages } from './pages/models.ts';
import { QUEUES_PATH, queueBoard } from './queues.ts';
import { readSession, sameToken } from './session.ts';
import { signInRoutes } from './sign-in.ts';

/** Forms are small: a note of 2,000 characters and a few checkboxes. */
const MAX_FORM_BYTES = 64 * 1024;
const SIGN_IN = '/console/sign-in';

/** The console's own pages: nothing but this origin, scripts and styles only with the page's nonce. */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [NONCE],
    styleSrc: [NONCE],
    // `data:` only for the empty favicon (which keeps browsers from asking for /favicon.ico).
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});
/** bull-board's bundle: its own scripts and stylesheet from this origin (it sets inline styles from script). */
const boardHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
  },
});

const isBoard = (c: ConsoleContext) => c.req.path === QUEUES_PATH || c.req.path.startsWith(`${QUEUES_PATH}/`);
const isRead = (c: ConsoleContext) => c.req.method === 'GET' || c.req.method === 'HEAD';

const headers: MiddlewareHandler<ConsoleEnv> = async function consoleHeaders(c, next) {
  await (isBoard(c) ? boardHeaders : pageHeaders)(c, next);
  // Pages show governed state: never kept by a browser or a proxy (the board's static files may be).
  if (!c.req.path.startsWith(`${QUEUES_PATH}/static/`)) c.header('Cache-Control', 'no-store');
};

/**
 * Every request but the sign-in page's needs a live session: reads without one are sent to sign in,
 * anything else is refused. Every state-changing request must carry the session's CSRF token in
 * its form; the queue board is read-only and takes no state change at all.
 */
function guard(ctx: LabContext): MiddlewareHandler<ConsoleEnv> {
  return async function consoleGuard(c, next) {
    if (c.req.path === SIGN_IN) return next();
    const session = await readSession(ctx, c);
    if (!session) {
      if (!isRead(c)) throw new HttpError(403, 'forbidden', 'sign in to the console first');
      return c.redirect(`${SIGN_IN}?next=${encodeURIComponent(c.req.path)}`, 303);
    }
    c.set('session', session);
    c.set('principal', session.principal);
    if (isBoard(c) && session.principal.role !== 'operator')
      throw new HttpError(403, 'forbidden', 'queue monitoring is for operators');
    if (!isRead(c)) {
      if (isBoard(c)) throw new HttpError(403, 'forbidden', 'queue monitoring is read-only');
      const form = await readForm(c);
      if (!sameToken(field(form, CSRF_FIELD), session.csrf))
        throw new HttpError(403, 'forbidden', "the form's CSRF token is missing or wrong; reload the page");
    }
    await next();
  };
}

/** Refusals as a page (audited like the API's refusals), anything unexpected as a bare 500 page. */
function renderError(ctx: LabContext) {
  return async (err: Error, c: ConsoleContext) => {
    if (!(err instanceof HttpError)) {
      console.error('lab console: unexpected error', err instanceof Error ? err.stack : err);
      return c.html(barePage(c, 'Error', html`<p class="error">Internal error.</p>`), 500);
    }
    const p = c.get('principal');
    await ctx.audit
      .append({
        kind: 'request.refused',
        actor: p ? actorOf(p) : 'anonymous',
        tenant: p?.tenant ?? '-',
        subject: `${c.req.method} ${routePath(c, -1)}`,
        details: { status: err.status, code: err.code, via: 'console' },
      })
      .catch((e: unknown) => console.error('lab console: could not audit a refusal', e));
    const body = html`<p class="error" role="alert">${err.message}</p>
<p><a href="/console/approvals">Back to the approval queue</a></p>`;
    const title = `Refused (${err.status})`;
    return c.html(c.get('session') ? page(c, { title, body }) : barePage(c, title, body), err.status);
  };
}

/**
 * The console's routes, to mount at `/console`.
 *
 * @example
 * app.route('/console', consoleRoutes(ctx));
 */
export function consoleRoutes(ctx: LabContext) {
  const tooLarge = () => {
    throw new HttpError(413, 'payload_too_large', 'the form is too large');
  };
  const app = new Hono<ConsoleEnv>();
  app.use('*', headers, limitBody({ maxSize: MAX_FORM_BYTES, onError: tooLarge }), guard(ctx));
  app.onError(renderError(ctx));
  app.get('/', (c) => c.redirect('/console/approvals', 303));
  app.route('/', signInRoutes(ctx));
  app.route('/', approvalPages(ctx));
  app.route('/', jobPages(ctx));
  app.route('/', modelPages(ctx));
  app.route('/', auditPages(ctx));
  app.route('/', domainPages(ctx));
  app.route('/queues', queueBoard(ctx));
  app.get('*', (c) => {
    throw new HttpError(404, 'not_found', `no console page at ${c.req.path}`);
  });
  return app;
}
