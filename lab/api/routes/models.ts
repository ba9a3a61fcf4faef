// Model routes: banks read their released models; risk systems score authorised enterprises.
import { Hono } from 'hono';
import { ScoreRequest, type ScoreResult } from '../../../client-sdk/contract/resources.ts';
import { isValidUscc } from '../../../client-sdk/contract/uscc.ts';
import type { LabContext } from '../../context.ts';
import { scoreOnDomains } from '../../scoring/dispatch.ts';
import { publicModel } from '../../store/models.ts';
import { type AuthEnv, actorOf, canSee, requireRole } from '../auth.ts';
import { notFound } from '../http-error.ts';
import { parseJson } from '../validate.ts';

/** Points on the usual scale: 600 at odds 50:1 (good:bad), 20 points to double the odds. */
export function pointsFromProbability(p: number): number {
  const factor = 20 / Math.LN2;
  const clipped = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  return 600 + factor * (Math.log((1 - clipped) / clipped) - Math.log(50));
}

/**
 * @example
 * app.route('/v1/models', modelRoutes(ctx));
 */
export function modelRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>()
    .get('/:id', requireRole('bank-scientist', 'risk-system', 'operator'), async (c) => {
      const p = c.get('principal');
      const model = await ctx.models.get(c.req.param('id'));
      if (!model || !canSee(p, model.tenant)) throw notFound('model');
      await ctx.audit.append({
        kind: 'model.read',
        actor: actorOf(p),
        tenant: model.tenant,
        subject: model.id,
      });
      return c.json(publicModel(model));
    })
    .post('/:id/score', requireRole('risk-system'), async (c) => {
      const p = c.get('principal');
      const model = await ctx.models.get(c.req.param('id'));
      if (!model || model.tenant !== p.tenant) throw notFound('model');
      const { entities } = await parseJson(c, ScoreRequest);
      const results: ScoreResult[] = entities.map((entity) => ({
        entity,
        ok: false,
        error: 'invalid_entity',
      }));
      const valid = entities.map((e, i) => ({ e, i })).filter(({ e }) => isValidUscc(e));
      const allowed = await ctx.authorizations.allowed(
        p.tenant,
        valid.map(({ e }) => e),
        'scoring',
        new Date(),
      );
      const toScore: { entity: string; index: number }[] = [];
      valid.forEach(({ e, i }, k) => {
        if (allowed[k]) toScore.push({ entity: e, index: i });
        else results[i] = { entity: e, ok: false, error: 'not_authorized' };
      });
      const scored = await scoreOnDomains(
        ctx,
        model,
        toScore.map((s) => s.entity),
      );
      toScore.forEach(({ entity, index }) => {
        const s = scored.get(entity);
        results[index] = s
          ? {
              entity,
              ok: true,
              probability: s.probability,
              score: pointsFromProbability(s.probability),
              reasons: s.reasons,
            }
          : { entity, ok: false, error: 'unavailable' };
      });
      await ctx.audit.append({
        kind: 'model.scored',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: model.id,
        details: { entities: results.map((r) => ({ entity: r.entity, outcome: r.ok ? 'scored' : r.error })) },
      });
      return c.json({ modelId: model.id, results });
    });
}
