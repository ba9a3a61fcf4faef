// Audit routes: the log filtered and paged (each tenant its own entries), and the chain check.
import { type Context, Hono } from 'hono';
import { AuditQuery, AuditVerifyQuery } from '../../../client-sdk/contract/audit.ts';
import { PLATFORM_ROLES } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { type AuthEnv, actorOf, requireRole } from '../auth.ts';
import { HttpError } from '../http-error.ts';
import { parseValue } from '../validate.ts';

/** The query string as one value per name; a repeated name is refused rather than half read. */
function singleQuery(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) throw new HttpError(400, 'invalid_request', `${name}: given more than once`, name);
    out[name] = values[0]!;
  }
  return out;
}

/**
 * `GET /` (every role; operators and auditors read all tenants, other keys their own tenant's
 * entries) and `GET /verify` (operators and auditors). Both are audited themselves.
 *
 * @example
 * app.route('/v1/audit', auditRoutes(ctx));
 */
export function auditRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>()
    .get(
      '/',
      requireRole('operator', 'auditor', 'bank-scientist', 'risk-system', 'data-provider'),
      async (c) => {
        const p = c.get('principal');
        const { cursor, limit, ...filter } = parseValue(AuditQuery, singleQuery(c));
        // Platform keys read every tenant; a bank or a domain reads the entries about itself only.
        const readsAll = PLATFORM_ROLES.includes(p.role);
        if (!readsAll && filter.tenant !== undefined && filter.tenant !== p.tenant)
          throw new HttpError(403, 'forbidden', `this key reads tenant ${p.tenant}'s entries only`, 'tenant');
        const page = await ctx.audit.query(
          { ...filter, tenant: readsAll ? filter.tenant : p.tenant },
          { cursor, limit },
        );
        await ctx.audit.append({
          kind: 'audit.read',
          actor: actorOf(p),
          tenant: p.tenant,
          subject: '*',
          details: { filter, returned: page.data.length },
        });
        // The links are other tenants' hashes too, and only a full reader can check them anyway.
        const data = readsAll ? page.data : page.data.map(({ prev: _p, hash: _h, ...entry }) => entry);
        return c.json({ data, nextCursor: page.nextCursor });
      },
    )
    .get('/verify', requireRole('operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const { anchorId, anchorHash } = parseValue(AuditVerifyQuery, singleQuery(c));
      const result = await ctx.audit.verify(
        anchorId && anchorHash ? { anchor: { id: anchorId, hash: anchorHash } } : {},
      );
      // The result, head hash included, goes into the chain: a later rewrite must rewrite this too.
      await ctx.audit.append({
        kind: 'audit.verified',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: '*',
        details: result,
      });
      return c.json(result);
    });
}
