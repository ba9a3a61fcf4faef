// Catalog and authorisation routes: what the domains offer, and which enterprises consented to which bank.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { csvToImport, headerProblem } from '../../../client-sdk/contract/authorization-csv.ts';
import { AuthorizationImport, AuthorizationRevoke } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { type AuthEnv, actorOf, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { parseJson, parseValue } from '../validate.ts';

/**
 * @example
 * app.route('/v1/catalog', catalogRoutes(ctx));
 */
export function catalogRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>().get(
    '/',
    requireRole('bank-scientist', 'operator', 'auditor', 'data-provider'),
    async (c) => {
      const p = c.get('principal');
      const domains = (await ctx.domains.list()).map(({ publicKeyPem: _k, ...d }) => d);
      await ctx.audit.append({ kind: 'catalog.read', actor: actorOf(p), tenant: p.tenant, subject: '*' });
      return c.json({ domains });
    },
  );
}

/**
 * Operators' view of each domain: its data-quality report (counts of defects, never values).
 *
 * @example
 * app.route('/v1/domains', domainRoutes(ctx));
 */
export function domainRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>().get(
    '/:id/quality',
    requireRole('operator', 'auditor', 'data-provider'),
    async (c) => {
      const p = c.get('principal');
      const id = c.req.param('id');
      // A data provider reads its own domain's report only; another domain's is not there for it.
      if (p.role === 'data-provider' && p.tenant !== id) throw notFound('quality report');
      const report = (await ctx.domains.get(id)) ? await ctx.domains.quality(id) : null;
      if (!report) throw notFound('quality report');
      await ctx.audit.append({
        kind: 'domain.quality.read',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: id,
      });
      return c.json(report);
    },
  );
}

/** Revocations up to this many entities list them in the audit entry; larger ones carry a fingerprint. */
const AUDIT_LISTED_ENTITIES = 100;

/** A `text/csv` import as its JSON body (400 naming the header when it lacks a required column). */
function csvImportBody(text: string, entityKey: string | undefined): unknown {
  const { body, missing } = csvToImport(text, entityKey);
  if (missing) throw new HttpError(400, 'invalid_request', headerProblem(missing), 'header');
  return body;
}

/**
 * Imports (`POST /`, JSON or `text/csv`) and revokes (`POST /revoke`) enterprises' authorisations; operators only.
 *
 * @example
 * app.route('/v1/authorizations', authorizationRoutes(ctx));
 */
export function authorizationRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>()
    .post('/', requireRole('operator'), async (c) => {
      const p = c.get('principal');
      const isCsv = (c.req.header('content-type') ?? '').startsWith('text/csv');
      const { grants } = isCsv
        ? parseValue(AuthorizationImport, csvImportBody(await c.req.text(), c.req.query('entityKey')))
        : await parseJson(c, AuthorizationImport);
      const imported = await ctx.authorizations.grant(grants);
      await ctx.audit.append({
        kind: 'authorization.imported',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: '*',
        details: { imported, banks: [...new Set(grants.map((g) => g.bank))] },
      });
      return c.json({ imported }, 201);
    })
    .post('/revoke', requireRole('operator'), async (c) => {
      const p = c.get('principal');
      const { bank, entities, reason } = await parseJson(c, AuthorizationRevoke);
      const revoked = await ctx.authorizations.revoke(bank, entities, new Date());
      const listed =
        entities.length <= AUDIT_LISTED_ENTITIES
          ? { entities }
          : {
              entitiesSha256: createHash('sha256')
                .update([...entities].sort().join('\n'))
                .digest('hex'),
            };
      await ctx.audit.append({
        kind: 'authorization.revoked',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: bank,
        details: { requested: entities.length, revoked, reason, ...listed },
      });
      return c.json({ revoked });
    });
}
