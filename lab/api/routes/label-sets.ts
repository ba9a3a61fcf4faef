// Label-set routes: banks upload their loan-book labels (JSON or CSV); stored encrypted.
import { Hono } from 'hono';
import { labelSetCsvBody } from '../../../client-sdk/contract/label-set-csv.ts';
import { LabelSetUpload } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { type AuthEnv, actorOf, canSee, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { idempotency } from '../idempotency.ts';
import { parseJson, parseValue } from '../validate.ts';

/** A `text/csv` upload as its JSON body (400 naming the header when it lacks entity or label). */
function csvToUpload(text: string, name: string, entityKey: string | undefined): unknown {
  const body = labelSetCsvBody(text, { name, entityKey });
  if (!body)
    throw new HttpError(400, 'invalid_request', 'CSV header must contain entity and label', 'header');
  return body;
}

/**
 * @example
 * app.route('/v1/label-sets', labelSetRoutes(ctx));
 */
export function labelSetRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>()
    .post('/', requireRole('bank-scientist'), idempotency(ctx), async (c) => {
      const p = c.get('principal');
      const isCsv = (c.req.header('content-type') ?? '').startsWith('text/csv');
      const upload = isCsv
        ? parseValue(
            LabelSetUpload,
            csvToUpload(await c.req.text(), c.req.query('name') ?? 'upload.csv', c.req.query('entityKey')),
          )
        : await parseJson(c, LabelSetUpload);
      const columns = Object.keys(upload.rows[0]?.features ?? {});
      const meta = await ctx.labelSets.create(p.tenant, upload.name, upload.entityKey, {
        entities: upload.rows.map((r) => r.entity),
        labels: upload.rows.map((r) => r.label),
        bank: Object.fromEntries(columns.map((f) => [f, upload.rows.map((r) => r.features?.[f] ?? null)])),
      });
      await ctx.audit.append({
        kind: 'label_set.created',
        actor: actorOf(p),
        tenant: p.tenant,
        subject: meta.id,
        details: { rows: meta.rows, bankFeatures: meta.bankFeatures },
      });
      return c.json(meta, 201);
    })
    .get('/:id', requireRole('bank-scientist', 'operator', 'auditor'), async (c) => {
      const p = c.get('principal');
      const meta = await ctx.labelSets.meta(c.req.param('id'));
      if (!meta || !canSee(p, meta.tenant)) throw notFound('label set');
      await ctx.audit.append({
        kind: 'label_set.read',
        actor: actorOf(p),
        tenant: meta.tenant,
        subject: meta.id,
      });
      return c.json(meta);
    });
}
