// What every console handler shares: its Hono environment, the audit of what an operator looked at or did, form fields.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { type AuthEnv, actorOf } from '../api/auth.ts';
import { HttpError } from '../api/http-error.ts';
import type { LabContext } from '../context.ts';
import type { Session } from './session.ts';

/** The console's variables: the API's (principal) plus the session and the CSP nonce of the page. */
export type ConsoleEnv = {
  Variables: AuthEnv['Variables'] & { session: Session; secureHeadersNonce?: string };
};
export type ConsoleContext = Context<ConsoleEnv>;

/** The form field that carries the session's CSRF token. */
export const CSRF_FIELD = '_csrf';

/**
 * The hidden CSRF field every console form carries.
 *
 * @example
 * html`<form method="post" action="/console/sign-out">${csrfField(c)}<button>Sign out</button></form>`;
 */
export const csrfField = (c: ConsoleContext) =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${c.get('session').csrf}">`;

/**
 * Appends the audit entry of a console read or action, in the API's vocabulary (`job.read`,
 * `model.read`, …) so that one query finds both, marked `via: console`.
 *
 * @example
 * await audited(ctx, c, 'job.read', job.tenant, job.id);
 */
export async function audited(
  ctx: LabContext,
  c: ConsoleContext,
  kind: string,
  tenant: string,
  subject: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await ctx.audit.append({
    kind,
    actor: actorOf(c.get('principal')),
    tenant,
    subject,
    details: { ...details, via: 'console' },
  });
}

/**
 * Only operators may change anything; an auditor's session reads (403 otherwise).
 *
 * @example
 * requireOperator(c);
 */
export function requireOperator(c: ConsoleContext): void {
  if (c.get('principal').role !== 'operator')
    throw new HttpError(403, 'forbidden', 'this action needs role operator');
}

/**
 * The request's form fields (urlencoded or multipart; repeated names as arrays). Anything else reads as no fields.
 *
 * @example
 * const form = await readForm(c); field(form, 'note');
 */
export async function readForm(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return {};
  }
}

/** A form field as one string ('' when absent; the first value when repeated). */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** A repeated form field (checkboxes) as strings. */
export function fields(form: Record<string, unknown>, name: string): string[] {
  const v = form[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === 'string');
}
