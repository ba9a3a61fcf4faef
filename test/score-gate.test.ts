// The scoring route authenticates itself: one round trip reads the key, counts the request and
// reads the bank's authorisations. Checked here: the combined read matches a plain read field for
// field, it is only ever the caller's own tenant, and the route keeps the API's order of refusals
// (401, then 429, then 403, then 404/409, then 400) and its rate-limit headers.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { createApiKey, lookupApiKey, revokeApiKey } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { storedModel } from './helpers/stored-model.ts';

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const entities = (n: number) => Array.from({ length: n }, () => generateUscc(rand, '110105'));

describe('score gate', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture('score-gate');
    await fx.ctx.models.put(storedModel({ tenant: 'bank-a', id: 'mdl_gateA000000000000' }));
  });
  afterAll(() => fx.close());

  const score = (key: string | null, body: string, model = 'mdl_gateA000000000000') =>
    fx.app.request(`/v1/models/${model}/score`, {
      method: 'POST',
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        'content-type': 'application/json',
      },
      body,
    });

  it('reads the tenant hash with the key once the key is known: same values as HMGET, in order, across chunks, nulls kept', async () => {
    const { key } = await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'risk-system', tenant: 'bank-q' });
    const asked = entities(2500);
    const held = asked.filter((_, i) => i % 3 === 0);
    await fx.ctx.redis.hset(
      fx.ctx.keys.authorization('bank-q'),
      Object.fromEntries(held.map((e, i) => [e, `v${i}`])),
    );
    await fx.ctx.redis.hset(fx.ctx.keys.authorization('bank-other'), asked[1]!, 'someone else');
    const companion = { key: fx.ctx.keys.authorization, fields: asked };
    const first = await lookupApiKey(fx.ctx.redis, fx.ctx.keys, key, 60_000, companion);
    expect(first?.principal.tenant).toBe('bank-q');
    expect(first?.companion).toBeNull(); // the tenant was not known before the key was read
    const second = await lookupApiKey(fx.ctx.redis, fx.ctx.keys, key, 60_000, companion);
    const plain = await fx.ctx.redis.hmget(fx.ctx.keys.authorization('bank-q'), ...asked);
    expect(second?.companion).toEqual(plain);
    expect(second?.companion?.filter((v) => v !== null)).toHaveLength(held.length);
    expect(second?.companion?.[1]).toBeNull(); // another tenant's record is never read
    expect(second?.window.count).toBe(2);
    // A revoked key resolves to nothing, companion or not.
    await revokeApiKey(fx.ctx.redis, fx.ctx.keys, first!.principal.keyId);
    expect(await lookupApiKey(fx.ctx.redis, fx.ctx.keys, key, 60_000, companion)).toBeNull();
  });

  it('keeps the order of refusals: 401 before a bad body, 403 for other roles, 404 for another bank, then 400 naming the field', async () => {
    const bad = '{"entities": [';
    const anon = await score(null, bad);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect((await score('jml_notakey', bad)).status).toBe(401);
    expect((await score(fx.keys.scientistA, bad)).status).toBe(403);
    expect((await score(fx.keys.riskB, bad)).status).toBe(404);
    const malformed = await score(fx.keys.riskA, bad);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { field: string } }).error.field).toBe('body');
    const wrongField = await score(fx.keys.riskA, JSON.stringify({ entities: [], extra: 1 }));
    expect(wrongField.status).toBe(400);
    const tooMany = await score(fx.keys.riskA, JSON.stringify({ entities: entities(10_001) }));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { field: string } }).error.field).toBe('entities');
  });

  it('honours the key rate limit with the usual headers; refused requests count too', async () => {
    const { key } = await createApiKey(fx.ctx.redis, fx.ctx.keys, {
      role: 'risk-system',
      tenant: 'bank-a',
      rateLimit: 3,
    });
    const body = JSON.stringify({ entities: entities(2) });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await score(key, body, 'mdl_unknown0000000000');
      statuses.push(res.status);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    expect(statuses).toEqual([404, 404, 404]);
    const limited = await score(key, body);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});
