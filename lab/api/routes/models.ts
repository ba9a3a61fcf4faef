// Model routes: banks read their released models (and the registry's routes); risk systems score authorised enterprises.
import { Hono } from 'hono';
import type { ScorecardModel } from '../../../models/scorecard-model.ts';
import { pointsTableCsv, pointsTableJson } from '../../../models/scorecard-table.ts';
import type { LabContext } from '../../context.ts';
import { publicModel } from '../../store/models.ts';
import { type AuthEnv, actorOf, canSee, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { modelRegistryRoutes } from './model-registry.ts';

/**
 * Points of kinds without their own points table, on the usual scale: 600 at odds 50:1
 * (good:bad), 20 points to double the odds. Scorecards score with their own table.
 */
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
    .route('/', modelRegistryRoutes(ctx))
    .get('/:id', requireRole('bank-scientist', 'risk-system', 'operator', 'auditor'), async (c) => {
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
    .get('/:id/points-table', requireRole('bank-scientist', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const model = await ctx.models.get(c.req.param('id'));
      if (!model || !canSee(p, model.tenant)) throw notFound('model');
      if (model.kind !== 'scorecard')
        throw new HttpError(409, 'conflict', 'only scorecard models have a points table');
      await ctx.audit.append({
        kind: 'model.points_table.read',
        actor: actorOf(p),
        tenant: model.tenant,
        subject: model.id,
      });
      const scorecard = model.parameters as unknown as ScorecardModel;
      if (c.req.query('format') === 'csv') {
        c.header('content-type', 'text/csv; charset=utf-8');
        return c.body(pointsTableCsv(scorecard, model.inputs));
      }
      return c.json(pointsTableJson(scorecard, model.inputs));
    });
}
