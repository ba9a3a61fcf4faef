// Roles and tenants: who may approve, who may score, and that one bank never sees another's work.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { type ApiFixture, apiFixture, FEATURES, submitJob } from './helpers/api-fixture.ts';
import { storedModel } from './helpers/stored-model.ts';

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const entities = (n: number) => Array.from({ length: n }, () => generateUscc(rand, '110105'));

const modelFor = (tenant: string, id: string) => storedModel({ tenant, id });

describe('roles and tenant isolation', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture('roles');
    await fx.ctx.models.put(modelFor('bank-a', 'mdl_bankA000000000000'));
    await fx.ctx.models.put(modelFor('bank-b', 'mdl_bankB000000000000'));
  });
  afterAll(() => fx.close());

  it('refuses requests without a valid key', async () => {
    expect((await fx.call('GET', '/v1/jobs', 'jml_nope')).status).toBe(401);
    const res = await fx.app.request('/v1/jobs');
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthenticated');
  });

  it('a bank key cannot approve or reject; an operator can approve', async () => {
    const job = await submitJob(fx, fx.keys.scientistA, entities(200));
    expect(job.status).toBe('pending_approval');
    const byBank = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.scientistA, {
      note: 'self-approval',
    });
    expect(byBank.status).toBe(403);
    expect(byBank.body.error.code).toBe('forbidden');
    expect((await fx.call('POST', `/v1/jobs/${job.id}/reject`, fx.keys.riskA, { note: '' })).status).toBe(
      403,
    );
    expect((await fx.ctx.jobs.get(job.id))!.status).toBe('pending_approval');

    const byOperator = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, {
      note: 'fine',
    });
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.status).toBe('approved');
    expect(byOperator.body.decisions[0].note).toBe('fine');
    expect((await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, {})).status).toBe(409);
  });

  it('an operator key cannot score, nor can a bank scientist', async () => {
    const body = { entities: entities(1) };
    const byOperator = await fx.call(
      'POST',
      '/v1/models/mdl_bankA000000000000/score',
      fx.keys.operator,
      body,
    );
    expect(byOperator.status).toBe(403);
    expect(
      (await fx.call('POST', '/v1/models/mdl_bankA000000000000/score', fx.keys.scientistA, body)).status,
    ).toBe(403);
  });

  it("bank A gets 404 for bank B's job and model, exactly as for ids that do not exist", async () => {
    const jobB = await submitJob(fx, fx.keys.scientistB, entities(200));
    const jobRes = await fx.call('GET', `/v1/jobs/${jobB.id}`, fx.keys.scientistA);
    expect(jobRes.status).toBe(404);
    expect(jobRes.body).toEqual(
      (await fx.call('GET', '/v1/jobs/job_doesnotexist00000000', fx.keys.scientistA)).body,
    );
    expect((await fx.call('GET', `/v1/jobs/${jobB.id}`, fx.keys.scientistB)).status).toBe(200);

    const listA = await fx.call('GET', '/v1/jobs', fx.keys.scientistA);
    expect(listA.body.data.map((j: { tenant: string }) => j.tenant)).not.toContain('bank-b');
    const listOps = await fx.call('GET', '/v1/jobs', fx.keys.operator);
    expect(listOps.body.data.map((j: { id: string }) => j.id)).toContain(jobB.id);

    expect((await fx.call('GET', '/v1/models/mdl_bankB000000000000', fx.keys.scientistA)).status).toBe(404);
    expect((await fx.call('GET', '/v1/models/mdl_bankB000000000000', fx.keys.riskA)).status).toBe(404);
    const scoreOther = await fx.call('POST', '/v1/models/mdl_bankB000000000000/score', fx.keys.riskA, {
      entities: entities(1),
    });
    expect(scoreOther.status).toBe(404);
    const own = await fx.call('GET', '/v1/models/mdl_bankA000000000000', fx.keys.scientistA);
    expect(own.status).toBe(200);
    expect(own.body.parameters.weights).toEqual([0.1, 0.2]);
    expect(own.body).not.toHaveProperty('encoding');
  });

  it("bank A cannot train on bank B's label set", async () => {
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistB, {
      name: 'b',
      rows: entities(3).map((entity) => ({ entity, label: 0 })),
    });
    expect(ls.status).toBe(201);
    const res = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: 'steal',
      purpose: 'x',
      labels: { source: 'bank', labelSetId: ls.body.id },
      model: { kind: 'logistic' },
      features: FEATURES,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('labels.labelSetId');
    expect((await fx.call('GET', `/v1/label-sets/${ls.body.id}`, fx.keys.scientistA)).status).toBe(404);
  });

  it('writes every decision to a verifiable audit chain', async () => {
    expect((await fx.ctx.audit.verify()).ok).toBe(true);
    const entries = await fx.ctx.redis.xrange(fx.ctx.keys.audit, '-', '+');
    const kinds = entries.map(([, f]) => JSON.parse(f[f.indexOf('event') + 1]!).kind);
    expect(kinds).toContain('job.approved');
    expect(kinds).toContain('job.submitted');
  });
});
