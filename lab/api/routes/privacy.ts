// Privacy-budget routes: operators set caps per (bank, domain); banks and operators read the ledger.
import { Hono } from 'hono';
import { BudgetCap } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { type AuthEnv, actorOf, isPlatform, requireRole } from '../auth.ts';
import { HttpError } from '../http-error.ts';
import { parseJson } from '../validate.ts';

/**
 * @example
 * app.route('/v1/privacy', privacyRoutes(ctx));
 */
export function privacyRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>()
    .get('/budgets', requireRole('bank-scientist', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      // A bank reads its own ledger; operators and auditors name the bank.
      const bank = isPlatform(p) ? c.req.query('bank') : p.tenant;
      if (!bank) throw new HttpError(400, 'invalid_request', 'name the bank (?bank=…)', 'bank');
      const data = await ctx.budgets.lines(bank);
      await ctx.audit.append({ kind: 'privacy.budget.read', actor: actorOf(p), tenant: bank, subject: bank });
      return c.json({ bank, data });
    })
    .put('/budgets', requireRole('operator'), async (c) => {
      const p = c.get('principal');
      const { bank, domain, epsilonCap } = await parseJson(c, BudgetCap);
      await ctx.budgets.setCap(bank, domain, epsilonCap);
      await ctx.audit.append({
        kind: 'privacy.budget.cap_set',
        actor: actorOf(p),
        tenant: bank,
        subject: domain,
        details: { epsilonCap },
      });
      return c.json({ bank, data: await ctx.budgets.lines(bank, [domain]) });
    });
}
