// API keys through the API: create, list, rotate, revoke, who may manage them, and per-key rate limits.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRecord } from '../client-sdk/contract/keys.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';

const KEY = /^jml_[A-Za-z0-9_-]{43}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('API keys', () => {
  let fx: ApiFixture;
  /** Creates a key through the API as the operator; returns the key and its record. */
  const create = async (body: Record<string, unknown>) => {
    const res = await fx.call('POST', '/v1/keys', fx.keys.operator, body);
    expect(res.status).toBe(201);
    return res.body as { key: string; record: ApiKeyRecord };
  };
  const status = async (key: string) => (await fx.call('GET', '/v1/jobs', key)).status;

  beforeAll(async () => {
    fx = await apiFixture('api-keys');
  });
  afterAll(() => fx.close());

  it('an operator creates a key, shown once with its record; defaults depend on the role', async () => {
    const res = await fx.app.request('/v1/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.keys.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'risk-system', tenant: 'bank-c', name: 'scoring-gw' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { key, record } = (await res.json()) as { key: string; record: ApiKeyRecord };
    expect(key).toMatch(KEY);
    expect(Object.keys(record).sort()).toEqual(Object.keys(ApiKeyRecord.shape).sort());
    expect(record).toMatchObject({
      role: 'risk-system',
      tenant: 'bank-c',
      name: 'scoring-gw',
      rateLimit: 6000,
      expiresAt: null,
      revokedAt: null,
      rotatedFrom: null,
    });
    expect(record.keyId).toMatch(/^key_[0-9a-f]{16}$/);
    // The id is random: not a prefix of the key's hash.
    expect(sha256(key).startsWith(record.keyId.slice(4))).toBe(false);
    const scientist = await create({ role: 'bank-scientist', tenant: 'bank-c' });
    expect(scientist.record.rateLimit).toBe(600);
    expect(scientist.record.name).toBe('bank-scientist@bank-c');
    expect(await status(scientist.key)).toBe(200);

    const [created] = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'key.created');
    expect(created!.subject).toBe(record.keyId);
    expect(created!.tenant).toBe('bank-c');
    expect(created!.details).toEqual({
      role: 'risk-system',
      name: 'scoring-gw',
      rateLimit: 6000,
      expiresAt: null,
      revokedAt: null,
    });
    expect(created!.raw).not.toContain(key);
    expect(created!.raw).not.toContain(sha256(key));
  });

  it('refuses keys whose tenant does not fit the role, and malformed bodies', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ role: 'operator', tenant: 'bank-a' }, 'tenant'],
      [{ role: 'bank-scientist', tenant: 'platform' }, 'tenant'],
      [{ role: 'data-provider', tenant: 'Not A Domain' }, 'tenant'],
      [{ role: 'risk-system', tenant: 'bank-a', rateLimit: 0 }, 'rateLimit'],
      [{ role: 'risk-system', tenant: 'bank-a', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ role: 'risk-system', tenant: 'bank-a', hash: 'x' }, 'hash'],
      [{ role: 'root', tenant: 'platform' }, 'role'],
    ];
    for (const [body, field] of cases) {
      const res = await fx.call('POST', '/v1/keys', fx.keys.operator, body);
      expect([res.status, res.body.error.code, res.body.error.field]).toEqual([
        400,
        'invalid_request',
        field,
      ]);
    }
  });

  it('lists one tenant’s records, oldest first, never a key or its hash', async () => {
    const a = await create({ role: 'bank-scientist', tenant: 'bank-l', name: 'first' });
    const b = await create({ role: 'risk-system', tenant: 'bank-l', name: 'second', rateLimit: 1200 });
    const res = await fx.call('GET', '/v1/keys?tenant=bank-l', fx.keys.operator);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [a.record, b.record] });
    const text = JSON.stringify(res.body);
    for (const k of [a.key, b.key]) {
      expect(text).not.toContain(k);
      expect(text).not.toContain(sha256(k));
    }
    // Without a tenant: every key, each tenant's in the same order as its own listing.
    const all = (await fx.call('GET', '/v1/keys', fx.keys.operator)).body.data as ApiKeyRecord[];
    expect(all.filter((k) => k.tenant === 'bank-l')).toEqual([a.record, b.record]);
    const platform = await fx.call('GET', '/v1/keys?tenant=platform', fx.keys.operator);
    expect(platform.body.data.length).toBeGreaterThanOrEqual(1);
    expect(all.filter((k) => k.tenant === 'platform')).toEqual(platform.body.data);
    expect((await fx.call('GET', '/v1/keys?tenant=nobody', fx.keys.operator)).body).toEqual({ data: [] });
    expect((await fx.call('GET', '/v1/keys?tenants=bank-l', fx.keys.operator)).body.error.field).toBe(
      'tenants',
    );
  });

  it('bank keys cannot manage keys (403)', async () => {
    const target = await create({ role: 'bank-scientist', tenant: 'bank-a' });
    const id = target.record.keyId;
    for (const key of [fx.keys.scientistA, fx.keys.riskA]) {
      const attempts = [
        await fx.call('POST', '/v1/keys', key, { role: 'operator', tenant: 'platform' }),
        await fx.call('GET', '/v1/keys?tenant=bank-a', key),
        await fx.call('DELETE', `/v1/keys/${id}`, key),
        await fx.call('POST', `/v1/keys/${id}/rotate`, key, {}),
      ];
      expect(attempts.map((r) => [r.status, r.body.error.code])).toEqual(Array(4).fill([403, 'forbidden']));
    }
    expect(await status(target.key)).toBe(200);
  });

  it('a revoked key gets 401 on its very next request; revoking twice is a conflict', async () => {
    const { key, record } = await create({ role: 'bank-scientist', tenant: 'bank-r' });
    expect(await status(key)).toBe(200);
    const res = await fx.call('DELETE', `/v1/keys/${record.keyId}`, fx.keys.operator);
    expect(res.status).toBe(200);
    expect(res.body.keyId).toBe(record.keyId);
    expect(Date.parse(res.body.revokedAt)).toBeLessThanOrEqual(Date.now());
    const next = await fx.call('GET', '/v1/jobs', key);
    expect([next.status, next.body.error.code]).toEqual([401, 'unauthenticated']);
    expect((await fx.call('DELETE', `/v1/keys/${record.keyId}`, fx.keys.operator)).status).toBe(409);
    expect((await fx.call('DELETE', '/v1/keys/key_0000000000000000', fx.keys.operator)).status).toBe(404);
    expect((await fx.call('DELETE', '/v1/keys/not-an-id', fx.keys.operator)).status).toBe(404);
    const revoked = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'key.revoked');
    expect(revoked.map((e) => [e.subject, e.tenant, e.details?.revokedAt])).toEqual([
      [record.keyId, 'bank-r', res.body.revokedAt],
    ]);
    // The listing still shows the revoked key, with when it was revoked.
    const list = await fx.call('GET', '/v1/keys?tenant=bank-r', fx.keys.operator);
    expect(list.body.data).toEqual([res.body]);
  });

  it('rotation: the old key stops working, the replacement works with the same role, tenant and limits', async () => {
    const old = await create({ role: 'bank-scientist', tenant: 'bank-t', name: 'nb', rateLimit: 77 });
    const res = await fx.call('POST', `/v1/keys/${old.record.keyId}/rotate`, fx.keys.operator);
    expect(res.status).toBe(200);
    const { key, record, previous } = res.body;
    expect(key).toMatch(KEY);
    expect(key).not.toBe(old.key);
    expect(record).toMatchObject({
      role: 'bank-scientist',
      tenant: 'bank-t',
      name: 'nb',
      rateLimit: 77,
      revokedAt: null,
      rotatedFrom: old.record.keyId,
    });
    expect(previous.keyId).toBe(old.record.keyId);
    expect(await status(old.key)).toBe(401);
    expect(await status(key)).toBe(200);
    expect((await fx.call('POST', `/v1/keys/${old.record.keyId}/rotate`, fx.keys.operator)).status).toBe(409);
    const [rotated] = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'key.rotated');
    expect(rotated!.subject).toBe(old.record.keyId);
    expect(rotated!.details).toMatchObject({ replacedBy: record.keyId, graceSeconds: 0 });
    expect(rotated!.raw).not.toContain(key);
  });

  it('rotation with a grace period keeps the old key working until then; revoking ends it at once', async () => {
    const old = await create({ role: 'bank-scientist', tenant: 'bank-g' });
    const before = Date.now();
    const res = await fx.call('POST', `/v1/keys/${old.record.keyId}/rotate`, fx.keys.operator, {
      graceSeconds: 600,
    });
    expect(res.status).toBe(200);
    const revokesAt = Date.parse(res.body.previous.revokedAt);
    expect(revokesAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(revokesAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(await status(old.key)).toBe(200);
    expect(await status(res.body.key)).toBe(200);
    const tooLong = await fx.call('POST', `/v1/keys/${res.body.record.keyId}/rotate`, fx.keys.operator, {
      graceSeconds: 3601,
    });
    expect([tooLong.status, tooLong.body.error.field]).toEqual([400, 'graceSeconds']);
    expect((await fx.call('DELETE', `/v1/keys/${old.record.keyId}`, fx.keys.operator)).status).toBe(200);
    expect(await status(old.key)).toBe(401);
    expect(await status(res.body.key)).toBe(200);
  });

  it('a holder rotates its own key, and only its own', async () => {
    const mine = await create({ role: 'bank-scientist', tenant: 'bank-h' });
    const other = await create({ role: 'bank-scientist', tenant: 'bank-h' });
    for (const id of [other.record.keyId, 'key_0000000000000000']) {
      const res = await fx.call('POST', `/v1/keys/${id}/rotate`, mine.key);
      expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    }
    const res = await fx.call('POST', `/v1/keys/${mine.record.keyId}/rotate`, mine.key, { graceSeconds: 0 });
    expect(res.status).toBe(200);
    expect(res.body.record.rotatedFrom).toBe(mine.record.keyId);
    expect(await status(mine.key)).toBe(401);
    expect(await status(res.body.key)).toBe(200);
    expect(await status(other.key)).toBe(200);
    const [rotated] = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'key.rotated')).slice(-1);
    expect(rotated!.actor).toBe(`bank-scientist:bank-h:${mine.record.keyId}`);
  });

  it('two concurrent rotations of one key: exactly one succeeds', async () => {
    const old = await create({ role: 'bank-scientist', tenant: 'bank-c2' });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        fx.call('POST', `/v1/keys/${old.record.keyId}/rotate`, fx.keys.operator),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const list = await fx.call('GET', '/v1/keys?tenant=bank-c2', fx.keys.operator);
    expect(list.body.data).toHaveLength(2);
  });

  it('an expired key gets 401', async () => {
    const { key } = await create({
      role: 'bank-scientist',
      tenant: 'bank-e',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(await status(key)).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await status(key)).toBe(401);
  });

  it('rate limit: with 5/min the 6th request is 429 with Retry-After and limit headers; other keys unaffected', async () => {
    const { key } = await create({ role: 'bank-scientist', tenant: 'bank-z', rateLimit: 5 });
    const get = (k: string) => fx.app.request('/v1/jobs', { headers: { authorization: `Bearer ${k}` } });
    for (let i = 1; i <= 5; i++) {
      const res = await get(key);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(5 - i));
    }
    const limited = await get(key);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-limit')).toBe('5');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reset')).toBe(String(retryAfter));
    const fresh = await create({ role: 'bank-scientist', tenant: 'bank-z' });
    const other = await get(fresh.key);
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-limit')).toBe('600');
    expect(other.headers.get('ratelimit-remaining')).toBe('599');
    // 429s are not audited as refusals: a flood must not flood the audit log.
    const refusals = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'request.refused');
    expect(refusals.filter((e) => e.details?.status === 429)).toEqual([]);
  });

  it('rate limit counts atomically: 20 concurrent requests on a 10/min key give exactly 10 answers', async () => {
    const { key } = await create({ role: 'bank-scientist', tenant: 'bank-y', rateLimit: 10 });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => status(key)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });
});
