// Console sign-in and sign-out: an operator (or auditor) API key in, a session cookie out; failures counted and audited.
import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { actorOf, RATE_WINDOW_MS } from '../api/auth.ts';
import { HttpError } from '../api/http-error.ts';
import type { LabContext } from '../context.ts';
import { runScript } from '../infra/redis.ts';
import { lookupApiKey } from '../store/api-keys.ts';
import { type ConsoleContext, type ConsoleEnv, CSRF_FIELD, field, readForm } from './env.ts';
import { barePage } from './layout.ts';
import {
  endSession,
  newToken,
  readSession,
  SIGN_IN_COOKIE,
  sameToken,
  setConsoleCookie,
  startSession,
} from './session.ts';

/** Roles whose keys may sign in: operators act, auditors read. */
const CONSOLE_ROLES = new Set(['operator', 'auditor']);
/** Failed sign-ins one client address may make per window before it must wait. */
export const MAX_FAILED_SIGN_INS = 10;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const SIGN_IN_TOKEN_SECONDS = 60 * 60;
const HOME = '/console/approvals';
/** Counts a failure in the client's window; the window opens with the first (and a lost expiry is repaired). */
const COUNT_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/**
 * Where to go after signing in: a console path only (never another origin or a scheme-relative URL).
 *
 * @example
 * safeNext('/console/jobs/job_1'); // '/console/jobs/job_1'; safeNext('//evil.example') → '/console/approvals'
 */
export function safeNext(next: string | undefined): string {
  const ok = next && /^\/console(\/[A-Za-z0-9_./-]*)?$/.test(next) && !/\/\/|\.\./.test(next);
  return ok ? next : HOME;
}

/** The client's address as the socket reports it (no forwarded header is trusted). */
function clientAddress(c: ConsoleContext): string {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

function signInForm(c: ConsoleContext, token: string, next: string, problem: string | null) {
  return barePage(
    c,
    'Sign in',
    html`<div class="card">
<p>Sign in with an operator API key (auditors get a read-only console). The key is checked once; the
session lasts 8 hours or until you sign out.</p>
${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
<form method="post" action="/console/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${token}">
<input type="hidden" name="next" value="${next}">
<label for="api-key">API key</label>
<input type="password" id="api-key" name="apiKey" autocomplete="off" size="60" required>
<p><button type="submit">Sign in</button></p>
</form>
</div>`,
  );
}

/**
 * `GET|POST /sign-in`, `POST /sign-out` (mounted under `/console`).
 *
 * @example
 * console.route('/', signInRoutes(ctx));
 */
export function signInRoutes(ctx: LabContext) {
  /** The double-submit token of the sign-in form: the cookie's if it has a sane one, else a fresh one. */
  const formToken = (c: ConsoleContext) => {
    const existing = getCookie(c, SIGN_IN_COOKIE);
    const token = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : newToken();
    setConsoleCookie(c, SIGN_IN_COOKIE, token, SIGN_IN_TOKEN_SECONDS);
    return token;
  };

  const failed = async (c: ConsoleContext, reason: string, who?: { actor: string; tenant: string }) => {
    const client = clientAddress(c);
    const key = ctx.keys.consoleSignInFailures(client);
    const n = Number(
      await runScript(ctx.redis, 'consoleCountFailure', COUNT_FAILURE, [key, FAILURE_WINDOW_MS], 1),
    );
    await ctx.audit.append({
      kind: 'console.sign_in_failed',
      actor: who?.actor ?? 'anonymous',
      tenant: who?.tenant ?? '-',
      subject: 'console',
      details: { reason, client, failures: n },
    });
  };

  return new Hono<ConsoleEnv>()
    .get('/sign-in', async (c) => {
      if (await readSession(ctx, c)) return c.redirect(HOME, 303);
      const next = safeNext(c.req.query('next'));
      return c.html(signInForm(c, formToken(c), next, null));
    })
    .post('/sign-in', async (c) => {
      const form = await readForm(c);
      const cookieToken = getCookie(c, SIGN_IN_COOKIE);
      if (!cookieToken || !sameToken(field(form, CSRF_FIELD), cookieToken))
        throw new HttpError(403, 'forbidden', 'the sign-in form has expired; reload it and try again');
      const next = safeNext(field(form, 'next'));
      const client = clientAddress(c);
      const failures = Number(await ctx.redis.get(ctx.keys.consoleSignInFailures(client))) || 0;
      if (failures >= MAX_FAILED_SIGN_INS) {
        await failed(c, 'rate_limited');
        const problem = 'Too many failed sign-ins from this address; wait 15 minutes and try again.';
        return c.html(signInForm(c, formToken(c), next, problem), 429);
      }
      const found = await lookupApiKey(ctx.redis, ctx.keys, field(form, 'apiKey').trim(), RATE_WINDOW_MS);
      if (!found || !CONSOLE_ROLES.has(found.principal.role)) {
        const who = found ? { actor: actorOf(found.principal), tenant: found.principal.tenant } : undefined;
        await failed(c, found ? 'role_not_allowed' : 'unknown_key', who);
        // The same answer whether the key is unknown or of another role; the key is never echoed.
        const problem = 'That key cannot sign in to the console (an operator or auditor key is needed).';
        return c.html(signInForm(c, formToken(c), next, problem), 401);
      }
      const p = found.principal;
      // A session this browser already had ends here: one browser, one live session.
      const previous = await readSession(ctx, c);
      if (previous) await ctx.redis.del(previous.storeKey);
      await startSession(ctx, c, p);
      setConsoleCookie(c, SIGN_IN_COOKIE, '', 0);
      await ctx.audit.append({
        kind: 'console.signed_in',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: 'console',
        details: { client },
      });
      return c.redirect(next, 303);
    })
    .post('/sign-out', async (c) => {
      // The console's CSRF check has already run (sign-out is a state change like any other).
      const session = c.get('session');
      await endSession(ctx, c, session);
      await ctx.audit.append({
        kind: 'console.signed_out',
        actor: actorOf(session.principal),
        tenant: session.principal.tenant,
        subject: 'console',
      });
      return c.redirect('/console/sign-in', 303);
    });
}
