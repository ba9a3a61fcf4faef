// Bulk import of enterprises' authorisations from CSV: the same validation as JSON, bad cells named.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;

describe('authorisations from CSV', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture('authz-csv');
  });
  afterAll(() => fx.close());

  const post = (csv: string) =>
    fx.app.request('/v1/authorizations', {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.keys.operator}`, 'content-type': 'text/csv' },
      body: csv,
    });

  it('imports every row and the registry honours them (purposes, validity window)', async () => {
    const [a, b, c] = [
      generateUscc(rand, '110105'),
      generateUscc(rand, '110105'),
      generateUscc(rand, '110105'),
    ];
    const csv = [
      'entity,bank,purposes,granted_at,expires_at,evidence',
      `${a},bank-a,modelling;scoring,2026-01-01,2030-01-01,esign:1`,
      `${b},bank-a,scoring,2026-01-01T08:00:00Z,2030-01-01,esign:2`,
      `${c},bank-a,modelling,2020-01-01,2021-01-01,esign:3`,
    ].join('\n');
    const res = await post(csv);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ imported: 3 });
    const now = new Date('2026-12-01T00:00:00Z');
    expect(await fx.ctx.authorizations.allowed('bank-a', [a, b, c], 'scoring', now)).toEqual([
      true,
      true,
      false,
    ]);
    expect(await fx.ctx.authorizations.allowed('bank-a', [a, b, c], 'modelling', now)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('names the bad cell (grants.<row>.<field>) and imports nothing', async () => {
    const ok = generateUscc(rand, '110105');
    const bad = await post(
      [
        'entity,bank,purposes,granted_at,expires_at',
        `${ok},bank-a,scoring,2026-01-01,2030-01-01`,
        `${ok}X,bank-a,scoring,2026-01-01,2030-01-01`,
      ].join('\n'),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('grants.1.entity');
    expect(await fx.ctx.authorizations.allowed('bank-a', [ok], 'scoring', new Date())).toEqual([false]);
    const when = await post(
      ['entity,bank,purposes,granted_at,expires_at', `${ok},bank-a,scoring,yesterday,2030-01-01`].join('\n'),
    );
    expect((await when.json()).error.field).toBe('grants.0.grantedAt');
    const purpose = await post(
      ['entity,bank,purposes,granted_at,expires_at', `${ok},bank-a,marketing,2026-01-01,2030-01-01`].join(
        '\n',
      ),
    );
    expect((await purpose.json()).error.field).toBe('grants.0.purposes.0');
    const header = await post('entity,bank\n');
    expect(header.status).toBe(400);
    expect((await header.json()).error).toMatchObject({
      field: 'header',
      message: 'CSV header lacks purposes, granted_at, expires_at',
    });
  });
});
