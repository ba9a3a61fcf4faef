// API-key authentication and role checks: every route says which roles may call it.
import type { Context, MiddlewareHandler } from 'hono';
import { PLATFORM_ROLES, type Role } from '../../client-sdk/contract/resources.ts';
import type { LabContext } from '../context.ts';
import { type CompanionRead, lookupApiKey, type Principal, type RateWindow } from '../store/api-keys.ts';
import { HttpError } from './http-error.ts';

export type AuthEnv = { Variables: { principal: Principal; rateWindow: RateWindow } };

/** Rate-limit windows (key records state their limits per minute). */
export const RATE_WINDOW_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <key>` to a principal (401 otherwise), counting the request in
 * the key's rate-limit window in the same round trip (`rateLimit` enforces it).
 *
 * @example
 * app.use('/v1/*', authenticate(ctx));
 */
export function authenticate(ctx: LabContext): MiddlewareHandler<AuthEnv> {
  return async function authenticateKey(c, next) {
    await authenticateRequest(ctx, c);
    await next();
  };
}

/**
 * Authenticates one request (401 otherwise) and sets `principal` and `rateWindow` on it; with
 * `companion`, reads those fields of a hash of the caller's tenant in the same round trip when it
 * can (see `lookupApiKey`): their values, or with `windowAt` their window verdicts. For routes that
 * authenticate themselves; `authenticate` uses it too.
 *
 * @example
 * const { verdicts } = await authenticateRequest(ctx, c, { key: ctx.keys.scoringWindows, fields: entities, windowAt: Date.now() });
 */
export async function authenticateRequest(
  ctx: LabContext,
  c: Context<AuthEnv>,
  companion?: CompanionRead,
): Promise<{ principal: Principal; companion: (string | null)[] | null; verdicts: string | null }> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer (\S+)$/.exec(header);
  const found = match ? await lookupApiKey(ctx.redis, ctx.keys, match[1]!, RATE_WINDOW_MS, companion) : null;
  if (!found)
    throw new HttpError(401, 'unauthenticated', 'a valid API key is required (Authorization: Bearer …)');
  c.set('principal', found.principal);
  c.set('rateWindow', found.window);
  return { principal: found.principal, companion: found.companion, verdicts: found.verdicts };
}

/**
 * The role check of `requireRole`, for routes that authenticate themselves.
 *
 * @example
 * checkRole(principal, 'risk-system');
 */
export function checkRole(p: Principal, ...roles: Role[]): void {
  if (!roles.includes(p.role))
    throw new HttpError(403, 'forbidden', `this action needs role ${roles.join(' or ')}`);
}

/**
 * Allows only the listed roles (403 otherwise).
 *
 * @example
 * app.post('/v1/jobs/:id/approve', requireRole('operator'), handler);
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
  return async function roleCheck(c, next) {
    checkRole(c.get('principal'), ...roles);
    await next();
  };
}

/**
 * Whether the key speaks for the platform (operators, auditors), which sees every tenant.
 *
 * @example
 * const tenant = isPlatform(p) ? null : p.tenant;
 */
export const isPlatform = (p: Principal) => PLATFORM_ROLES.includes(p.role);

/** Operators and auditors see every tenant; everyone else only their own. */
export function canSee(p: Principal, tenant: string): boolean {
  return isPlatform(p) || p.tenant === tenant;
}

/** The actor string recorded in the audit log (never the key itself). */
export const actorOf = (p: Principal) => `${p.role}:${p.tenant}:${p.keyId}`;
