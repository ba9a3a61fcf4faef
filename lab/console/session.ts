// Console sessions: a random id in an HttpOnly cookie, its SHA-256 in Redis with the key it speaks for and a CSRF token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { LabContext } from '../context.ts';
import { liveKeyById, type Principal } from '../store/api-keys.ts';

/** How long a session lasts from sign-in (a working day); sign-out ends it sooner. */
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const SESSION_COOKIE = 'jml_console';
/** The cookie half of the sign-in form's double-submit token (there is no session yet to bind one to). */
export const SIGN_IN_COOKIE = 'jml_console_signin';
const COOKIE_PATH = '/console';

/** What Redis keeps per session: who, until when, and the session's CSRF token. */
const StoredSession = z.strictObject({
  keyId: z.string(),
  csrf: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});

/** A signed-in operator: the key's current record and the session's CSRF token. */
export interface Session {
  principal: Principal;
  csrf: string;
  /** The Redis key of the session record (sign-out deletes it). */
  storeKey: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * A random token for a session id or a CSRF token (32 bytes, base64url).
 *
 * @example
 * const csrf = newToken();
 */
export const newToken = () => randomBytes(32).toString('base64url');

/**
 * Compares two tokens in constant time (false for a missing or differently sized one).
 *
 * @example
 * if (!sameToken(form._csrf, session.csrf)) throw forbidden;
 */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookie flags of the console: script-proof, same-site only, scoped to the console, Secure over https. */
function cookieFlags(c: Context, maxAgeSeconds: number) {
  return {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: maxAgeSeconds,
  };
}

/**
 * Sets a console cookie with the console's flags.
 *
 * @example
 * setConsoleCookie(c, SIGN_IN_COOKIE, token, 3600);
 */
export function setConsoleCookie(c: Context, name: string, value: string, maxAgeSeconds: number) {
  setCookie(c, name, value, cookieFlags(c, maxAgeSeconds));
}

/**
 * Starts a session for a key (a fresh id every sign-in, so a planted cookie never becomes one)
 * and sets its cookie.
 *
 * @example
 * await startSession(ctx, c, principal);
 */
export async function startSession(ctx: LabContext, c: Context, principal: Principal): Promise<void> {
  const id = newToken();
  const now = Date.now();
  const stored = {
    keyId: principal.keyId,
    csrf: newToken(),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + SESSION_TTL_MS).toISOString(),
  };
  await ctx.redis.set(ctx.keys.consoleSession(sha256(id)), JSON.stringify(stored), 'PX', SESSION_TTL_MS);
  setConsoleCookie(c, SESSION_COOKIE, id, SESSION_TTL_MS / 1000);
}

/**
 * The request's session, or null. The key behind it is read on every request, so revoking the
 * key (or its expiry) ends its sessions from the next request on.
 *
 * @example
 * const session = await readSession(ctx, c); if (!session) return c.redirect('/console/sign-in');
 */
export async function readSession(ctx: LabContext, c: Context): Promise<Session | null> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || id.length > 100) return null;
  const storeKey = ctx.keys.consoleSession(sha256(id));
  const raw = await ctx.redis.get(storeKey);
  if (raw === null) return null;
  let stored: z.infer<typeof StoredSession>;
  try {
    stored = StoredSession.parse(JSON.parse(raw));
  } catch {
    return null;
  }
  const principal = await liveKeyById(ctx.redis, ctx.keys, stored.keyId);
  if (!principal) return null;
  return { principal, csrf: stored.csrf, storeKey };
}

/**
 * Ends a session: its record is deleted and its cookie cleared.
 *
 * @example
 * await endSession(ctx, c, session);
 */
export async function endSession(ctx: LabContext, c: Context, session: Session): Promise<void> {
  await ctx.redis.del(session.storeKey);
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, secure: new URL(c.req.url).protocol === 'https:' });
}
