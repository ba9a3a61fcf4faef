// Every route × every role × own/other tenant, and no key at all: the exact status of each cell.
// The expectations are written out by hand from the policy (who may do what to whose data), not
// derived from the code, so a route that lets the wrong role in, or leaks another tenant's
// resource, fails here by name.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../client-sdk/contract/resources.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture, FEATURES } from './helpers/api-fixture.ts';
import { storedModel } from './helpers/stored-model.ts';

type Cell = 'own' | 'other';
type Who = `${Role}:${Cell}` | 'anonymous';
const ROLES: Role[] = ['bank-scientist', 'risk-system', 'operator', 'auditor', 'data-provider'];
const WHO: Who[] = [...ROLES.flatMap((r) => [`${r}:own`, `${r}:other`] as Who[]), 'anonymous'];

/** A request, built fresh per cell (mutating routes get their own resource each time). */
type Request = { method: string; path: string; body?: unknown };
interface Row {
  route: string;
  request: () => Promise<Request>;
  /** Expected status per caller; callers not listed get 403 (anonymous: 401 on /v1). */
  expect: Partial<Record<Who, number>>;
}

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const uscc = () => generateUscc(rand, '110105');
const both = (role: Role, own: number, other = own): Partial<Record<Who, number>> => ({
  [`${role}:own`]: own,
  [`${role}:other`]: other,
});

describe('authorization matrix', () => {
  let fx: ApiFixture;
  const keys = new Map<Who, string>();
  let labelSetId: string;
  let jobId: string;
  let finishedJobId: string;
  let n = 0;

  const newJob = async () => {
    const res = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: `pd-${n++}`,
      purpose: 'matrix',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic' },
      features: FEATURES,
    });
    return res.body.id as string;
  };
  const newModel = async (status: 'active' | 'retired' = 'active') => {
    const id = `mdl_matrix${n++}`;
    await fx.ctx.models.put({ ...storedModel({ tenant: 'bank-a', id }), status });
    return id;
  };
  const newKey = async () =>
    (
      await createApiKey(fx.ctx.redis, fx.ctx.keys, {
        role: 'bank-scientist',
        tenant: 'bank-a',
        name: 'target',
      })
    ).record.keyId;

  beforeAll(async () => {
    fx = await apiFixture('matrix');
    const make = async (role: Role, tenant: string) =>
      (
        await createApiKey(fx.ctx.redis, fx.ctx.keys, {
          role,
          tenant,
          name: `${role}@${tenant}`,
          rateLimit: 100_000,
        })
      ).key;
    const tenants: Record<Role, [string, string]> = {
      'bank-scientist': ['bank-a', 'bank-b'],
      'risk-system': ['bank-a', 'bank-b'],
      operator: ['platform', 'platform'],
      auditor: ['platform', 'platform'],
      'data-provider': ['d-bj', 'd-sh'],
    };
    for (const role of ROLES) {
      keys.set(`${role}:own`, await make(role, tenants[role][0]));
      keys.set(`${role}:other`, await make(role, tenants[role][1]));
    }
    const rows = Array.from({ length: 400 }, (_, i) => ({
      entity: uscc(),
      label: (i % 5 === 0 ? 1 : 0) as 0 | 1,
    }));
    labelSetId = (await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, { name: 'book', rows })).body
      .id;
    jobId = await newJob();
    finishedJobId = await newJob();
    await fx.call('POST', `/v1/jobs/${finishedJobId}/reject`, fx.keys.operator, { note: 'done' });
    await fx.ctx.domains.publishQuality('d-bj', { domain: 'd-bj', datasets: [] });
  });
  afterAll(() => fx.close());

  const platformRead = { ...both('operator', 200), ...both('auditor', 200) };
  const grant = () => ({
    grants: [
      {
        entity: uscc(),
        bank: 'bank-a',
        purposes: ['scoring'],
        grantedAt: new Date(Date.now() - 1000).toISOString(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    ],
  });
  const rows: Row[] = [
    {
      route: 'GET /healthz',
      request: async () => ({ method: 'GET', path: '/healthz' }),
      expect: 'public' as never,
    },
    {
      route: 'GET /openapi.json',
      request: async () => ({ method: 'GET', path: '/openapi.json' }),
      expect: 'public' as never,
    },
    {
      route: 'GET /docs',
      request: async () => ({ method: 'GET', path: '/docs' }),
      expect: 'public' as never,
    },
    {
      route: 'GET /readyz',
      request: async () => ({ method: 'GET', path: '/readyz' }),
      expect: 'public' as never,
    },
    {
      route: 'GET /metrics',
      request: async () => ({ method: 'GET', path: '/metrics' }),
      expect: platformRead,
    },
    {
      route: 'POST /v1/label-sets',
      request: async () => ({
        method: 'POST',
        path: '/v1/label-sets',
        body: { name: 'x', rows: [{ entity: uscc(), label: 1 }] },
      }),
      expect: both('bank-scientist', 201),
    },
    {
      route: 'GET /v1/label-sets/:id',
      request: async () => ({ method: 'GET', path: `/v1/label-sets/${labelSetId}` }),
      expect: { ...both('bank-scientist', 200, 404), ...platformRead },
    },
    {
      route: 'POST /v1/jobs',
      request: async () => ({
        method: 'POST',
        path: '/v1/jobs',
        body: {
          name: 'pd',
          purpose: 'm',
          labels: { source: 'bank', labelSetId },
          model: { kind: 'logistic' },
          features: FEATURES,
        },
      }),
      // Another bank names a label set it cannot see: the same 400 as an unknown one.
      expect: both('bank-scientist', 201, 400),
    },
    {
      route: 'GET /v1/jobs',
      request: async () => ({ method: 'GET', path: '/v1/jobs' }),
      expect: { ...both('bank-scientist', 200), ...platformRead },
    },
    {
      route: 'GET /v1/jobs/:id',
      request: async () => ({ method: 'GET', path: `/v1/jobs/${jobId}` }),
      expect: { ...both('bank-scientist', 200, 404), ...platformRead },
    },
    {
      route: 'GET /v1/jobs/:id/events',
      request: async () => ({ method: 'GET', path: `/v1/jobs/${finishedJobId}/events` }),
      expect: { ...both('bank-scientist', 200, 404), ...platformRead },
    },
    {
      route: 'POST /v1/jobs/:id/approve',
      request: async () => ({
        method: 'POST',
        path: `/v1/jobs/${await newJob()}/approve`,
        body: { note: 'ok' },
      }),
      expect: both('operator', 200),
    },
    {
      route: 'POST /v1/jobs/:id/reject',
      request: async () => ({
        method: 'POST',
        path: `/v1/jobs/${await newJob()}/reject`,
        body: { note: 'no' },
      }),
      expect: both('operator', 200),
    },
    {
      route: 'POST /v1/jobs/:id/cancel',
      request: async () => ({
        method: 'POST',
        path: `/v1/jobs/${await newJob()}/cancel`,
        body: { note: 'not needed' },
      }),
      expect: { ...both('bank-scientist', 200, 404), ...both('operator', 200) },
    },
    {
      route: 'GET /v1/models',
      request: async () => ({ method: 'GET', path: '/v1/models' }),
      expect: { ...both('bank-scientist', 200), ...both('risk-system', 200), ...platformRead },
    },
    {
      route: 'POST /v1/models/:id/retire',
      request: async () => ({
        method: 'POST',
        path: `/v1/models/${await newModel()}/retire`,
        body: { note: 'old' },
      }),
      expect: { ...both('bank-scientist', 200, 404), ...both('operator', 200) },
    },
    {
      route: 'POST /v1/models/:id/activate',
      request: async () => ({
        method: 'POST',
        path: `/v1/models/${await newModel('retired')}/activate`,
        body: { note: 'back' },
      }),
      expect: { ...both('bank-scientist', 200, 404), ...both('operator', 200) },
    },
    ...['card', 'weights', 'tfjs/model.json'].map(
      (sub): Row => ({
        route: `GET /v1/models/:id/${sub}`,
        request: async () => ({ method: 'GET', path: `/v1/models/${await newModel()}/${sub}` }),
        expect: { ...both('bank-scientist', 200, 404), ...platformRead },
      }),
    ),
    {
      route: 'GET /v1/models/:id',
      request: async () => ({ method: 'GET', path: `/v1/models/${await newModel()}` }),
      expect: { ...both('bank-scientist', 200, 404), ...both('risk-system', 200, 404), ...platformRead },
    },
    {
      route: 'GET /v1/models/:id/points-table',
      request: async () => ({ method: 'GET', path: `/v1/models/${await newModel()}/points-table` }),
      // A logistic model has no points table: allowed callers learn that (409), others do not.
      expect: { ...both('bank-scientist', 409, 404), ...both('operator', 409), ...both('auditor', 409) },
    },
    {
      route: 'POST /v1/models/:id/score',
      request: async () => ({
        method: 'POST',
        path: `/v1/models/${await newModel()}/score`,
        body: { entities: [uscc()] },
      }),
      expect: both('risk-system', 200, 404),
    },
    {
      route: 'GET /v1/catalog',
      request: async () => ({ method: 'GET', path: '/v1/catalog' }),
      expect: { ...both('bank-scientist', 200), ...platformRead, ...both('data-provider', 200) },
    },
    {
      route: 'GET /v1/domains/:id/quality',
      request: async () => ({ method: 'GET', path: '/v1/domains/d-bj/quality' }),
      expect: { ...platformRead, ...both('data-provider', 200, 404) },
    },
    {
      route: 'POST /v1/authorizations',
      request: async () => ({ method: 'POST', path: '/v1/authorizations', body: grant() }),
      expect: both('operator', 201),
    },
    {
      route: 'POST /v1/authorizations/revoke',
      request: async () => ({
        method: 'POST',
        path: '/v1/authorizations/revoke',
        body: { bank: 'bank-a', entities: [uscc()], reason: 'withdrawn' },
      }),
      expect: both('operator', 200),
    },
    {
      route: 'GET /v1/privacy/budgets',
      request: async () => ({ method: 'GET', path: '/v1/privacy/budgets?bank=bank-a' }),
      expect: { ...both('bank-scientist', 200), ...platformRead },
    },
    {
      route: 'PUT /v1/privacy/budgets',
      request: async () => ({
        method: 'PUT',
        path: '/v1/privacy/budgets',
        body: { bank: 'bank-a', domain: 'd-bj', epsilonCap: 10 },
      }),
      expect: both('operator', 200),
    },
    {
      route: 'GET /v1/audit',
      request: async () => ({ method: 'GET', path: '/v1/audit?limit=5' }),
      expect: {
        ...both('bank-scientist', 200),
        ...both('risk-system', 200),
        ...platformRead,
        ...both('data-provider', 200),
      },
    },
    {
      route: 'GET /v1/audit?tenant=bank-a',
      request: async () => ({ method: 'GET', path: '/v1/audit?limit=5&tenant=bank-a' }),
      expect: { ...both('bank-scientist', 200, 403), ...both('risk-system', 200, 403), ...platformRead },
    },
    {
      route: 'GET /v1/audit/verify',
      request: async () => ({ method: 'GET', path: '/v1/audit/verify' }),
      expect: platformRead,
    },
    {
      route: 'POST /v1/keys',
      request: async () => ({
        method: 'POST',
        path: '/v1/keys',
        body: { role: 'risk-system', tenant: 'bank-a', name: 'new' },
      }),
      expect: both('operator', 201),
    },
    {
      route: 'GET /v1/keys',
      request: async () => ({ method: 'GET', path: '/v1/keys' }),
      expect: platformRead,
    },
    {
      route: "POST /v1/keys/:id/rotate (someone else's key)",
      request: async () => ({ method: 'POST', path: `/v1/keys/${await newKey()}/rotate`, body: {} }),
      expect: both('operator', 200),
    },
    {
      route: 'DELETE /v1/keys/:id',
      request: async () => ({ method: 'DELETE', path: `/v1/keys/${await newKey()}` }),
      expect: both('operator', 200),
    },
    {
      route: 'GET /v1/usage/:domain',
      request: async () => ({ method: 'GET', path: '/v1/usage/d-bj' }),
      expect: { ...platformRead, ...both('data-provider', 200, 404) },
    },
  ];

  it('covers every route the app serves', () => {
    const served = new Set(
      fx.app.routes
        // The console authenticates by session, not by key: test/console.test.ts covers its access.
        .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/console'))
        .map((r) => `${r.method} ${r.path}`),
    );
    const covered = new Set(
      rows.map((r) => r.route.split('?')[0]!.split(' (')[0]!.replace('tfjs/model.json', 'tfjs/:file')),
    );
    covered.add('POST /v1/keys/:id/rotate');
    expect([...served].filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(rows.map((r) => [r.route, r] as const))('%s', async (_name, row) => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const who of WHO) {
      const req = await row.request();
      const key = keys.get(who as never);
      const res = await fx.app.request(req.path, {
        method: req.method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
      await res.arrayBuffer();
      got[who] = res.status;
      if ((row.expect as unknown) === 'public') want[who] = 200;
      else want[who] = who === 'anonymous' ? 401 : (row.expect[who] ?? 403);
    }
    expect(got).toEqual(want);
  });

  it('every role may rotate its own key (and only that key); the old one stops working', async () => {
    for (const role of ROLES) {
      const tenant =
        role === 'operator' || role === 'auditor' ? 'platform' : role === 'data-provider' ? 'd-bj' : 'bank-a';
      const { key, record } = await createApiKey(fx.ctx.redis, fx.ctx.keys, { role, tenant, name: 'self' });
      const res = await fx.call('POST', `/v1/keys/${record.keyId}/rotate`, key, {});
      expect(res.status, role).toBe(200);
      expect((await fx.call('GET', '/v1/audit?limit=1', key)).status, role).toBe(401);
    }
  });
});
