// Usage routes: a data provider reads how its domain's data was used; operators and auditors read any domain's.
import { Hono } from 'hono';
import { UsageQuery } from '../../../client-sdk/contract/usage.ts';
import type { LabContext } from '../../context.ts';
import { usageJobsCsv, usageScoresCsv } from '../../usage/csv.ts';
import { resolvePeriod } from '../../usage/period.ts';
import { usageReport } from '../../usage/report.ts';
import { type AuthEnv, actorOf, requireRole } from '../auth.ts';
import { notFound } from '../http-error.ts';
import { parseValue } from '../validate.ts';

/**
 * `GET /v1/usage/:domain?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv[&section=scores]]`.
 *
 * @example
 * app.route('/v1/usage', usageRoutes(ctx));
 */
export function usageRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>().get(
    '/:domain',
    requireRole('data-provider', 'operator', 'auditor'),
    async (c) => {
      const p = c.get('principal');
      const domain = c.req.param('domain');
      // Another domain's report answers exactly as a domain that does not exist.
      if (p.role === 'data-provider' && p.tenant !== domain) throw notFound('domain');
      if (!(await ctx.domains.get(domain))) throw notFound('domain');
      const query = parseValue(UsageQuery, c.req.query());
      const period = resolvePeriod(query.from, query.to, new Date());
      const report = await usageReport(ctx, domain, period);
      await ctx.audit.append({
        kind: 'usage.read',
        actor: actorOf(p),
        tenant: domain,
        subject: domain,
        details: {
          from: period.from,
          to: period.to,
          format: query.format,
          ...(query.format === 'csv' ? { section: query.section } : {}),
        },
      });
      if (query.format === 'json') return c.json(report);
      c.header('content-type', 'text/csv; charset=utf-8');
      const file = `usage-${domain}-${period.from}-${period.to}-${query.section}.csv`;
      c.header('content-disposition', `attachment; filename="${file}"`);
      return c.body(query.section === 'scores' ? usageScoresCsv(report) : usageJobsCsv(report));
    },
  );
}
