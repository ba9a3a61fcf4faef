// Model routes: banks read their released models (and the registry's routes); risk systems score authorised enterprises.
import { Hono } from 'hono';
import { isValidEntity, ScoreRequest, type ScoreResult } from '../../../client-sdk/contract/resources.ts';
import type { ScorecardModel } from '../../../models/scorecard-model.ts';
import { pointsTableCsv, pointsTableJson } from '../../../models/scorecard-table.ts';
import type { LabContext } from '../../context.ts';
import { scoreOnDomains } from '../../scoring/dispatch.ts';
import { publicModel } from '../../store/models.ts';
import { type AuthEnv, actorOf, canSee, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { parseJson } from '../validate.ts';
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
    })
    .post('/:id/score', requireRole('risk-system'), async (c) => {
      const p = c.get('principal');
      const model = await ctx.models.getRecent(c.req.param('id'));
      if (!model || model.tenant !== p.tenant) throw notFound('model');
      // A retired model makes no decisions: the whole request is refused, not entity by entity.
      if (model.status === 'retired')
        throw new HttpError(409, 'model_retired', `model ${model.id} is retired; activate it to score`);
      const { entities, inputs = {} } = await parseJson(c, ScoreRequest);
      for (const [entity, values] of Object.entries(inputs)) {
        for (const name of Object.keys(values)) {
          if (!model.bankFeatures.includes(name)) {
            throw new HttpError(
              400,
              'invalid_request',
              `the model declares no input '${name}'`,
              `inputs.${entity}.${name}`,
            );
          }
        }
      }
      const results: ScoreResult[] = entities.map((entity) => ({
        entity,
        ok: false,
        error: 'invalid_entity',
      }));
      const bankInputs = new Map<string, number[]>();
      const valid: { e: string; i: number }[] = [];
      entities.forEach((e, i) => {
        if (!isValidEntity(e, model.entityKey)) return;
        if (model.bankFeatures.length > 0) {
          const row = model.bankFeatures.map((f) => inputs[e]?.[f]);
          if (row.some((v) => v === undefined)) {
            results[i] = { entity: e, ok: false, error: 'missing_inputs' };
            return;
          }
          bankInputs.set(e, row as number[]);
        }
        valid.push({ e, i });
      });
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
      const { scores, retryAfterMs } = await scoreOnDomains(
        ctx,
        model,
        toScore.map((s) => s.entity),
        bankInputs,
      );
      toScore.forEach(({ entity, index }) => {
        const s = scores.get(entity);
        results[index] = s
          ? {
              entity,
              ok: true,
              probability: s.probability,
              score: s.points ?? pointsFromProbability(s.probability),
              reasons: s.reasons,
              modelVersion: model.version,
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
      // Nothing could be scored because a scorer is (re)starting or slow: say when to come back.
      if (retryAfterMs !== null && toScore.length > 0 && scores.size === 0) {
        c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
        throw new HttpError(503, 'unavailable', 'the domain scorer is not available; retry shortly');
      }
      return c.json({ modelId: model.id, modelVersion: model.version, results });
    });
}
