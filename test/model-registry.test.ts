// The model registry over the API: versions, listing, retire/activate, tenant isolation, model cards.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { releaseModel } from '../lab/coordinator/outcome.ts';
import type { RunSetup } from '../lab/coordinator/prepare.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture, fakeDomain, submitJob } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { errorOf, FAKE_SHA, minuteIso, storedModel } from './helpers/stored-model.ts';

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const BJ = (n: number) => Array.from({ length: n }, () => generateUscc(rand, '110105'));

describe('model versions', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await apiFixture('registry-versions');
  });
  afterAll(() => fx.close());

  it('numbers versions per (tenant, name); a replayed put keeps the first copy and its version', async () => {
    const put = (tenant: string, id: string, name: string) =>
      fx.ctx.models.put(storedModel({ tenant, id, name }));
    expect((await put('bank-a', 'mdl_v1', 'sme-pd')).version).toBe(1);
    const first = await fx.ctx.models.get('mdl_v1');
    expect((await put('bank-a', 'mdl_v1', 'sme-pd')).version).toBe(1);
    expect(await fx.ctx.models.get('mdl_v1')).toEqual(first);
    expect((await put('bank-a', 'mdl_v2', 'sme-pd')).version).toBe(2);
    expect((await put('bank-a', 'mdl_o1', 'other')).version).toBe(1);
    expect((await put('bank-b', 'mdl_b1', 'sme-pd')).version).toBe(1);
    // Concurrent releases never share a version.
    const many = await Promise.all([3, 4, 5, 6, 7].map((k) => put('bank-a', `mdl_v${k}`, 'sme-pd')));
    expect(many.map((m) => m.version).sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('releaseModel stores the lineage (spec, approvals, datasets) and a replayed release keeps version 1', async () => {
    await fx.ctx.domains.publish({
      ...fakeDomain('d-bj', '110000'),
      datasets: [{ dataset: 'tax', sha256: FAKE_SHA, rows: 1234 }],
    });
    const submitted = await submitJob(fx, fx.keys.scientistA, BJ(200));
    const approved = await fx.call('POST', `/v1/jobs/${submitted.id}/approve`, fx.keys.operator, {
      note: 'fine',
    });
    expect(approved.status).toBe(200);
    await fx.ctx.jobs.transition(submitted.id, 'running');
    const job = (await fx.ctx.jobs.get(submitted.id))!;
    const setup: RunSetup = { domains: [], entityKey: 'uscc', report: null, dp: null };
    const metrics = storedModel({ tenant: 'bank-a', id: 'x' }).metrics;
    const out = {
      parameters: { intercept: 0 },
      metrics,
      rounds: 4,
      domains: ['d-bj', 'd-sh'],
      backends: ['cpu'],
    };
    await releaseModel(fx.ctx, job, setup, out);
    await releaseModel(fx.ctx, job, setup, out);
    const model = (await fx.call('GET', `/v1/models/mdl_${job.id.slice(4)}`, fx.keys.scientistA)).body;
    expect(model.name).toBe('pd');
    expect(model.version).toBe(1);
    expect(model.status).toBe('active');
    expect(model.lineage.spec).toEqual(job.spec);
    expect(model.lineage.approvals).toEqual([
      {
        decision: 'approved',
        by: approved.body.decisions[0].by,
        note: 'fine',
        personalFeatures: [],
        at: approved.body.decisions[0].at,
      },
    ]);
    expect(model.lineage.privacyReport).toEqual(job.privacyReport);
    expect(model.lineage.datasets).toEqual({
      'd-bj': [{ dataset: 'tax', sha256: FAKE_SHA, rows: 1234 }],
      'd-sh': [],
    });
    expect((await fx.ctx.jobs.get(job.id))!.modelId).toBe(model.id);
    const succeeded = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'job.succeeded');
    expect(succeeded.map((e) => e.details?.version)).toEqual([1, 1]);
  });
});

describe('listing models', () => {
  let fx: ApiFixture;
  let auditor: string;
  beforeAll(async () => {
    fx = await apiFixture('registry-list');
    auditor = (
      await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'auditor', tenant: 'platform', name: 'a' })
    ).key;
    // Five of bank A's (two in the same millisecond), two of bank B's.
    const a = [
      ['mdl_a1', 'pd', minuteIso(1)],
      ['mdl_a2', 'pd', minuteIso(2)],
      ['mdl_a3', 'lgd', minuteIso(3)],
      ['mdl_a4', 'pd', minuteIso(3)],
      ['mdl_a5', 'pd', minuteIso(5)],
    ];
    for (const [id, name, createdAt] of a)
      await fx.ctx.models.put(storedModel({ tenant: 'bank-a', id: id!, name, createdAt }));
    await fx.ctx.models.put(storedModel({ tenant: 'bank-b', id: 'mdl_b1', createdAt: minuteIso(4) }));
    await fx.ctx.models.put(storedModel({ tenant: 'bank-b', id: 'mdl_b2', createdAt: minuteIso(6) }));
    await fx.ctx.models.setStatus('mdl_a2', 'retired', { by: 'test', note: 'old', at: minuteIso(9) });
  });
  afterAll(() => fx.close());

  async function all(key: string, query: string): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await fx.call('GET', `/v1/models?${query}${cursor ? `&cursor=${cursor}` : ''}`, key);
      expect(res.status).toBe(200);
      pages.push(res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return pages;
  }

  it("lists the caller tenant's models newest first, in cursor pages (ties by id)", async () => {
    expect(await all(fx.keys.scientistA, 'limit=2')).toEqual([
      ['mdl_a5', 'mdl_a4'],
      ['mdl_a3', 'mdl_a2'],
      ['mdl_a1'],
    ]);
    expect(await all(fx.keys.riskB, 'limit=100')).toEqual([['mdl_b2', 'mdl_b1']]);
    const one = await fx.call('GET', '/v1/models', fx.keys.scientistA);
    expect(one.body.nextCursor).toBeNull();
    expect(one.body.data[0]).toMatchObject({ id: 'mdl_a5', name: 'pd', version: 4, tenant: 'bank-a' });
    expect(one.body.data[0]).not.toHaveProperty('encoding');
  });

  it('filters by name and status, across pages', async () => {
    expect(await all(fx.keys.scientistA, 'name=pd&limit=1')).toEqual([
      ['mdl_a5'],
      ['mdl_a4'],
      ['mdl_a2'],
      ['mdl_a1'],
    ]);
    expect(await all(fx.keys.scientistA, 'name=pd&status=active&limit=2')).toEqual([
      ['mdl_a5', 'mdl_a4'],
      ['mdl_a1'],
    ]);
    expect(await all(fx.keys.scientistA, 'status=retired')).toEqual([['mdl_a2']]);
    expect(await all(fx.keys.scientistA, 'name=nothing')).toEqual([[]]);
  });

  it('gives operators and auditors every tenant, or one with tenant=', async () => {
    expect(await all(fx.keys.operator, 'limit=3')).toEqual([
      ['mdl_b2', 'mdl_a5', 'mdl_b1'],
      ['mdl_a4', 'mdl_a3', 'mdl_a2'],
      ['mdl_a1'],
    ]);
    expect(await all(auditor, 'tenant=bank-b')).toEqual([['mdl_b2', 'mdl_b1']]);
    expect(await all(fx.keys.operator, 'tenant=bank-a&name=pd&status=active')).toEqual([
      ['mdl_a5', 'mdl_a4', 'mdl_a1'],
    ]);
  });

  it('refuses another tenant filter from a bank, bad cursors and limits, unknown parameters', async () => {
    const other = await fx.call('GET', '/v1/models?tenant=bank-b', fx.keys.scientistA);
    expect([other.status, other.body.error.code, other.body.error.field]).toEqual([
      403,
      'forbidden',
      'tenant',
    ]);
    const cursor = await fx.call('GET', '/v1/models?cursor=bm9wZQ', fx.keys.scientistA);
    expect([cursor.status, cursor.body.error.field]).toEqual([400, 'cursor']);
    expect((await fx.call('GET', '/v1/models?limit=101', fx.keys.scientistA)).body.error.field).toBe('limit');
    expect((await fx.call('GET', '/v1/models?limit=0', fx.keys.scientistA)).body.error.field).toBe('limit');
    expect((await fx.call('GET', '/v1/models?status=gone', fx.keys.scientistA)).body.error.field).toBe(
      'status',
    );
    expect((await fx.call('GET', '/v1/models?owner=x', fx.keys.scientistA)).body.error.field).toBe('owner');
  });

  it('audits every listing with the ids it returned', async () => {
    await fx.call('GET', '/v1/models?name=lgd', fx.keys.scientistA);
    const last = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'model.list')).at(-1)!;
    expect(last.tenant).toBe('bank-a');
    expect(last.actor).toMatch(/^bank-scientist:bank-a:/);
    expect(last.details).toEqual({ name: 'lgd', status: null, ids: ['mdl_a3'] });
  });
});

describe('retiring and activating models', () => {
  let fx: ApiFixture;
  let auditor: string;
  const id = 'mdl_status0000000000';
  beforeAll(async () => {
    fx = await apiFixture('registry-status');
    auditor = (
      await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'auditor', tenant: 'platform', name: 'a' })
    ).key;
    await fx.ctx.models.put(storedModel({ tenant: 'bank-a', id }));
  });
  afterAll(() => fx.close());
  const score = () => fx.call('POST', `/v1/models/${id}/score`, fx.keys.riskA, { entities: BJ(1) });

  it('lets only the owning bank scientist or an operator retire, with a note', async () => {
    for (const key of [fx.keys.riskA, auditor])
      expect((await fx.call('POST', `/v1/models/${id}/retire`, key, { note: 'x' })).status).toBe(403);
    const other = await fx.call('POST', `/v1/models/${id}/retire`, fx.keys.scientistB, { note: 'x' });
    expect(other.status).toBe(404);
    const missing = await fx.call('POST', '/v1/models/mdl_none/retire', fx.keys.scientistB, { note: 'x' });
    expect(errorOf(other.body)).toEqual(errorOf(missing.body));
    const noNote = await fx.call('POST', `/v1/models/${id}/retire`, fx.keys.scientistA, {});
    expect([noNote.status, noNote.body.error.field]).toEqual([400, 'note']);
    expect((await fx.ctx.models.get(id))!.status).toBe('active');
  });

  it('a retired model refuses the whole scoring request with 409 model_retired; activate undoes it', async () => {
    expect((await score()).status).toBe(200);
    const retired = await fx.call('POST', `/v1/models/${id}/retire`, fx.keys.scientistA, {
      note: 'replaced by v2',
    });
    expect(retired.status).toBe(200);
    expect(retired.body.status).toBe('retired');
    expect(retired.body.statusChanges).toEqual([
      {
        status: 'retired',
        by: expect.stringMatching(/^bank-scientist:bank-a:/),
        note: 'replaced by v2',
        at: expect.any(String),
      },
    ]);
    const again = await fx.call('POST', `/v1/models/${id}/retire`, fx.keys.operator, { note: 'twice' });
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict']);

    const refused = await score();
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('model_retired');
    expect(refused.body).not.toHaveProperty('results');

    const activated = await fx.call('POST', `/v1/models/${id}/activate`, fx.keys.operator, {
      note: 'still needed',
    });
    expect(activated.status).toBe(200);
    expect(activated.body.status).toBe('active');
    expect(
      activated.body.statusChanges.map((c: { status: string; note: string }) => [c.status, c.note]),
    ).toEqual([
      ['retired', 'replaced by v2'],
      ['active', 'still needed'],
    ]);
    const scored = await score();
    expect(scored.status).toBe(200);
    expect(scored.body.results[0].error).toBe('not_authorized');
  });

  it('audits both changes with their notes, and the refused score', async () => {
    const retired = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'model.retired');
    const activated = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'model.activated');
    expect(retired.map((e) => [e.subject, e.tenant, e.details])).toEqual([
      [id, 'bank-a', { note: 'replaced by v2', name: 'pd', version: 1 }],
    ]);
    expect(activated.map((e) => [e.subject, e.actor.split(':')[0], e.details?.note])).toEqual([
      [id, 'operator', 'still needed'],
    ]);
    const refused = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'request.refused');
    expect(refused.filter((e) => e.details?.code === 'model_retired').map((e) => e.subject)).toEqual([
      'POST /v1/models/:id/score',
    ]);
  });
});
