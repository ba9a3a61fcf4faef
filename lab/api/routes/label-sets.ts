// Label-set routes: banks upload their loan-book labels (JSON or CSV); stored encrypted.
import { Hono } from 'hono';
import { LabelSetUpload } from '../../../client-sdk/contract/resources.ts';
import type { LabContext } from '../../context.ts';
import { type AuthEnv, actorOf, canSee, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { idempotency } from '../idempotency.ts';
import { parseJson, parseValue } from '../validate.ts';

/**
 * Parses `entity,label[,feature…]` CSV (header required) into the JSON upload shape; extra columns
 * are bank-side features (empty cell = missing). Row numbers survive for error messages.
 */
function csvToUpload(text: string, name: string, entityKey: string | undefined): unknown {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const ei = header.indexOf('entity');
  const li = header.indexOf('label');
  if (ei < 0 || li < 0) {
    throw new HttpError(400, 'invalid_request', 'CSV header must contain entity and label', 'header');
  }
  const extra = header.map((h, i) => ({ h, i })).filter(({ i }) => i !== ei && i !== li);
  return {
    name,
    ...(entityKey ? { entityKey } : {}),
    rows: lines.map((line) => {
      const cells = line.split(',');
      const raw = cells[li]?.trim();
      const row: Record<string, unknown> = {
        entity: cells[ei]?.trim(),
        label: raw === '1' ? 1 : raw === '0' ? 0 : raw,
      };
      if (extra.length > 0) {
        row.features = Object.fromEntries(
          extra.map(({ h, i }) => {
            const cell = cells[i]?.trim() ?? '';
            return [h, cell === '' ? null : Number.isFinite(Number(cell)) ? Number(cell) : cell];
          }),
        );
      }
      return row;
    }),
  };
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
