// API-key routes: operators create, list and revoke keys; a key's holder may rotate its own.
import { type Context, Hono } from 'hono';
import {
  type CreatedKey,
  CreateKeyRequest,
  KeyId,
  KeyListQuery,
  type RotatedKey,
  RotateKeyRequest,
} from '../../../client-sdk/contract/keys.ts';
import type { LabContext } from '../../context.ts';
import {
  createApiKey,
  KeyStateError,
  keyAuditEvent,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from '../../store/api-keys.ts';
import { type AuthEnv, actorOf, requireRole } from '../auth.ts';
import { HttpError, notFound } from '../http-error.ts';
import { parseJson, parseValue } from '../validate.ts';

/** Answers that carry a key in clear must not be kept by any cache on the way. */
const noStore = (c: Context) => c.header('Cache-Control', 'no-store');

/** The key id of the path; a malformed one is simply not found. */
function keyIdOf(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!KeyId.safeParse(id).success) throw notFound('key');
  return id;
}

/** A state conflict (already revoked or rotated) becomes a 409. */
async function orConflict<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof KeyStateError) throw new HttpError(409, 'conflict', err.message);
    throw err;
  }
}

/**
 * @example
 * app.route('/v1/keys', keyRoutes(ctx));
 */
export function keyRoutes(ctx: LabContext) {
  return new Hono<AuthEnv>()
    .post('/', requireRole('operator'), async (c) => {
      const body = await parseJson(c, CreateKeyRequest);
      const { key, record } = await createApiKey(ctx.redis, ctx.keys, body);
      await ctx.audit.append(keyAuditEvent('key.created', actorOf(c.get('principal')), record));
      noStore(c);
      return c.json({ key, record } satisfies CreatedKey, 201);
    })
    .get('/', requireRole('operator', 'auditor'), async (c) => {
      const { tenant } = parseValue(KeyListQuery, c.req.query());
      return c.json({ data: await listApiKeys(ctx.redis, ctx.keys, tenant) });
    })
    .post('/:id/rotate', async (c) => {
      const p = c.get('principal');
      // Checked before any lookup, so the answer says nothing about whether another key exists.
      if (p.role !== 'operator' && p.keyId !== c.req.param('id'))
        throw new HttpError(403, 'forbidden', 'a key can rotate only itself; operators rotate any key');
      const keyId = keyIdOf(c);
      // An empty body means no grace period; any body at all must be valid JSON.
      const empty = !c.req.header('content-type') && (await c.req.text()) === '';
      const { graceSeconds } = empty ? RotateKeyRequest.parse({}) : await parseJson(c, RotateKeyRequest);
      const rotated = await orConflict(rotateApiKey(ctx.redis, ctx.keys, keyId, graceSeconds));
      if (!rotated) throw notFound('key');
      const { key, record, previous } = rotated;
      await ctx.audit.append(
        keyAuditEvent('key.rotated', actorOf(p), previous, { replacedBy: record.keyId, graceSeconds }),
      );
      noStore(c);
      return c.json({ key, record, previous } satisfies RotatedKey);
    })
    .delete('/:id', requireRole('operator'), async (c) => {
      const record = await orConflict(revokeApiKey(ctx.redis, ctx.keys, keyIdOf(c)));
      if (!record) throw notFound('key');
      await ctx.audit.append(keyAuditEvent('key.revoked', actorOf(c.get('principal')), record));
      return c.json(record);
    });
}
