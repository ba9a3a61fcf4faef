// Model registry routes: list a tenant's models, retire / activate them, read cards, download weights.
import { Hono } from 'hono';
import { ModelListQuery, ModelStatusBody } from '../../../client-sdk/contract/model-registry.ts';
import type { LabContext } from '../../context.ts';
import { modelWeights, TFJS_WEIGHTS_FILE, tfjsModel } from '../../registry/downloads.ts';
import { buildModelCard } from '../../registry/model-card.ts';
import { renderModelCardMarkdown } from '../../registry/model-card-markdown.ts';
import type { Principal } from '../../store/api-keys.ts';
import { type ModelStatus, ModelStatusError, publicModel, type StoredModel } from '../../store/models.ts';
import { CursorError } from '../../store/time-index.ts';
import { type AuthEnv, actorOf, canSee, isPlatform, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { parseJson, parseValue } from '../validate.ts';

const READERS = ['bank-scientist', 'operator', 'auditor'] as const;

/**
 * @example
 * new Hono().route('/', modelRegistryRoutes(ctx)); // under /v1/models
 */
export function modelRegistryRoutes(ctx: LabContext) {
  async function visibleModel(id: string, p: Principal): Promise<StoredModel> {
    const model = await ctx.models.get(id);
    if (!model || !canSee(p, model.tenant)) throw notFound('model');
    return model;
  }
  const audited = (kind: string, p: Principal, model: StoredModel, details?: Record<string, unknown>) =>
    ctx.audit.append({ kind, actor: actorOf(p), tenant: model.tenant, subject: model.id, details });

  async function changeStatus(id: string, p: Principal, status: ModelStatus, note: string) {
    const current = await visibleModel(id, p);
    try {
      const model = await ctx.models.setStatus(current.id, status, {
        by: actorOf(p),
        note,
        at: new Date().toISOString(),
      });
      if (!model) throw notFound('model');
      await audited(status === 'retired' ? 'model.retired' : 'model.activated', p, model, {
        note,
        name: model.name,
        version: model.version,
      });
      return publicModel(model);
    } catch (err) {
      if (err instanceof ModelStatusError) throw new HttpError(409, 'conflict', err.message);
      throw err;
    }
  }

  return new Hono<AuthEnv>()
    .get('/', requireRole('bank-scientist', 'risk-system', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const q = parseValue(ModelListQuery, c.req.query());
      const platform = isPlatform(p);
      if (!platform && q.tenant !== undefined && q.tenant !== p.tenant)
        throw new HttpError(403, 'forbidden', 'a bank lists its own models only', 'tenant');
      const tenant = platform ? (q.tenant ?? null) : p.tenant;
      let page: Awaited<ReturnType<typeof ctx.models.list>>;
      try {
        page = await ctx.models.list({ tenant, name: q.name, status: q.status }, q.cursor ?? null, q.limit);
      } catch (err) {
        if (err instanceof CursorError) throw new HttpError(400, 'invalid_request', err.message, 'cursor');
        throw err;
      }
      await ctx.audit.append({
        kind: 'model.list',
        actor: actorOf(p),
        tenant: tenant ?? '*',
        subject: 'models',
        details: { name: q.name ?? null, status: q.status ?? null, ids: page.data.map((m) => m.id) },
      });
      return c.json({ data: page.data.map(publicModel), nextCursor: page.nextCursor });
    })
    .post('/:id/retire', requireRole('bank-scientist', 'operator'), async (c) => {
      const { note } = await parseJson(c, ModelStatusBody);
      return c.json(await changeStatus(c.req.param('id'), c.get('principal'), 'retired', note));
    })
    .post('/:id/activate', requireRole('bank-scientist', 'operator'), async (c) => {
      const { note } = await parseJson(c, ModelStatusBody);
      return c.json(await changeStatus(c.req.param('id'), c.get('principal'), 'active', note));
    })
    .get('/:id/card', requireRole(...READERS), async (c) => {
      const p = c.get('principal');
      const format = c.req.query('format') ?? 'json';
      if (format !== 'json' && format !== 'md')
        throw new HttpError(400, 'invalid_request', 'format: json or md', 'format');
      const model = await visibleModel(c.req.param('id'), p);
      const card = buildModelCard(model, await ctx.models.versions(model.tenant, model.name));
      await audited('model.card.read', p, model, { format });
      if (format === 'json') return c.json(card);
      c.header('content-type', 'text/markdown; charset=utf-8');
      return c.body(renderModelCardMarkdown(card));
    })
    .get('/:id/weights', requireRole(...READERS), async (c) => {
      const p = c.get('principal');
      const model = await visibleModel(c.req.param('id'), p);
      await audited('model.weights.read', p, model, { format: 'json' });
      return c.json(modelWeights(model));
    })
    .get('/:id/tfjs/:file', requireRole(...READERS), async (c) => {
      const p = c.get('principal');
      const file = c.req.param('file');
      if (file !== 'model.json' && file !== TFJS_WEIGHTS_FILE) throw notFound('file');
      const model = await visibleModel(c.req.param('id'), p);
      const tfjs = tfjsModel(model);
      if (!tfjs)
        throw new HttpError(
          409,
          'conflict',
          model.kind === 'gbdt'
            ? 'a gbdt model has no TF.js model: its trees are JSON at GET /v1/models/:id/weights'
            : 'a scorecard has no TF.js model: GET /v1/models/:id/points-table',
        );
      await audited('model.tfjs.read', p, model, { file });
      if (file === 'model.json') return c.json(tfjs.modelJson);
      c.header('content-type', 'application/octet-stream');
      return c.body(new Uint8Array(tfjs.weights));
    });
}
