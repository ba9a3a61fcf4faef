// The scoring-window index: each unrevoked record that grants scoring has a `from:until` window,
// kept in step with the record by grants and revocations, and the key lookup turns the windows of
// the entities asked for into one verdict per entity. Records without a window (revoked, other
// purposes only, absent, or written before the index) are decided on the full record.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { createApiKey, lookupApiKey, WINDOW_CHECK_CHUNK } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const day = 24 * 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('scoring windows', () => {
  let fx: ApiFixture;
  let key: string;
  beforeAll(async () => {
    fx = await apiFixture('scoring-windows');
    key = (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'risk-system', tenant: 'bank-w' })).key;
  });
  afterAll(() => fx.close());

  const verdicts = async (entities: string[], at: number) => {
    const companion = { key: fx.ctx.keys.scoringWindows, fields: entities, windowAt: at };
    await lookupApiKey(fx.ctx.redis, fx.ctx.keys, key, 60_000, companion); // learns the tenant
    const found = await lookupApiKey(fx.ctx.redis, fx.ctx.keys, key, 60_000, companion);
    expect(found?.companion).toBeNull(); // verdicts replace the values
    return found!.verdicts!;
  };

  it('grants write windows, revocations and non-scoring grants drop them; verdicts follow the window bounds', async () => {
    const now = Date.now();
    const [live, later, gone, modelling, revoked, absent] = Array.from({ length: 6 }, () =>
      generateUscc(rand, '110105'),
    ) as [string, string, string, string, string, string];
    const grant = (entity: string, purposes: ('modelling' | 'scoring')[], from: number, until: number) => ({
      entity,
      bank: 'bank-w',
      purposes,
      grantedAt: iso(from),
      expiresAt: iso(until),
      evidence: 'test',
    });
    await fx.ctx.authorizations.grant([
      grant(live, ['scoring', 'modelling'], now - day, now + day),
      grant(later, ['scoring'], now + day, now + 2 * day),
      grant(gone, ['scoring'], now - 2 * day, now - day),
      grant(modelling, ['modelling'], now - day, now + day),
      grant(revoked, ['scoring'], now - day, now + day),
    ]);
    expect(await fx.ctx.authorizations.revoke('bank-w', [revoked], new Date())).toBe(1);
    const windows = await fx.ctx.redis.hgetall(fx.ctx.keys.scoringWindows('bank-w'));
    expect(Object.keys(windows).sort()).toEqual([gone, later, live].sort());
    expect(windows[live]).toBe(`${Date.parse(iso(now - day))}:${Date.parse(iso(now + day))}`);

    const asked = [live, later, gone, modelling, revoked, absent];
    expect(await verdicts(asked, now)).toBe('100???');
    // The bounds: from is inside the window, until is not.
    const [from, until] = windows[live]!.split(':').map(Number) as [number, number];
    expect(await verdicts([live], from)).toBe('1');
    expect(await verdicts([live], until - 1)).toBe('1');
    expect(await verdicts([live], until)).toBe('0');
    expect(await verdicts([live], from - 1)).toBe('0');
    // What the route decides from them: '?' entities go to their full records.
    const allowed = await fx.ctx.authorizations.allowedFromVerdicts(
      'bank-w',
      asked,
      await verdicts(asked, now),
      new Date(now),
    );
    expect(allowed).toEqual([true, false, false, false, false, false]);

    // Re-granting a revoked enterprise for scoring opens its window again; granting it for
    // modelling only closes it.
    await fx.ctx.authorizations.grant([grant(revoked, ['scoring'], now - day, now + day)]);
    expect(await verdicts([revoked], now)).toBe('1');
    await fx.ctx.authorizations.grant([grant(revoked, ['modelling'], now - day, now + day)]);
    expect(await verdicts([revoked], now)).toBe('?');
  });

  it('a record written before the index (no window) is still honoured from the record; a malformed window is no verdict', async () => {
    const now = Date.now();
    const [legacy, odd] = [generateUscc(rand, '110105'), generateUscc(rand, '110105')];
    const record = JSON.stringify({
      purposes: ['scoring'],
      grantedAt: iso(now - day),
      expiresAt: iso(now + day),
      evidence: 'before the index',
      revokedAt: null,
    });
    await fx.ctx.redis.hset(fx.ctx.keys.authorization('bank-w'), legacy, record, odd, record);
    await fx.ctx.redis.hset(fx.ctx.keys.scoringWindows('bank-w'), odd, 'not-a-window');
    const v = await verdicts([legacy, odd], now);
    expect(v).toBe('??');
    expect(
      await fx.ctx.authorizations.allowedFromVerdicts('bank-w', [legacy, odd], v, new Date(now)),
    ).toEqual([true, true]);
  });

  it('answers one verdict per field over thousands of fields (chunked reads), in order', async () => {
    const now = Date.now();
    const entities = Array.from({ length: 2500 }, () => generateUscc(rand, '110105'));
    const held = entities.filter((_, i) => i % 4 === 0);
    await fx.ctx.authorizations.grant(
      held.map((entity) => ({
        entity,
        bank: 'bank-w',
        purposes: ['scoring' as const],
        grantedAt: iso(now - day),
        expiresAt: iso(now + day),
        evidence: '',
      })),
    );
    // Redis runs nothing else while a script runs: the fields go in runs of at most
    // WINDOW_CHECK_CHUNK, one after another, so other clients get in between.
    const evalsha = vi.spyOn(fx.ctx.redis, 'evalsha');
    try {
      const v = await verdicts(entities, now);
      expect(v).toBe(entities.map((_, i) => (i % 4 === 0 ? '1' : '?')).join(''));
      const asked = new Set(entities);
      const fieldsPerRun = evalsha.mock.calls.map((call) => call.filter((a) => asked.has(String(a))).length);
      // Each lookup that checks (the tenant is known) runs 1000 (with the key) + 1000 + 500.
      expect(WINDOW_CHECK_CHUNK).toBe(1000);
      expect(fieldsPerRun.slice(-3)).toEqual([1000, 1000, 500]);
      expect(Math.max(...fieldsPerRun)).toBeLessThanOrEqual(WINDOW_CHECK_CHUNK);
    } finally {
      evalsha.mockRestore();
    }
  });
});
