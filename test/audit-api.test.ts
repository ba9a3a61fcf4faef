// GET /v1/audit: filters, pages without gaps or repeats, what each role sees, and 400s on bad filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../client-sdk/contract/audit.ts';
import type { AuditEvent } from '../lab/infra/audit-log.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';

const SCORED = '91110105MA01234567';
const REVOKED = '91310115MA7654321X';

/** 30 entries over three tenants, a domain and the platform; some name entities in their details. */
function seedEvents(): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < 24; i++) {
    const tenant = i % 2 ? 'bank-b' : 'bank-a';
    const kind = ['job.submitted', 'job.approved', 'model.scored'][i % 3]!;
    const details =
      kind === 'model.scored'
        ? { entities: [{ entity: i % 4 ? 'other' : SCORED, outcome: 'scored' }] }
        : undefined;
    events.push({ kind, actor: `risk-system:${tenant}:k${i % 4}`, tenant, subject: `job_${i}`, details });
  }
  events.push({
    kind: 'authorization.revoked',
    actor: 'operator:platform:op',
    tenant: 'platform',
    subject: 'bank-a',
    details: { entities: [REVOKED] },
  });
  events.push({ kind: 'job.read', actor: 'operator:platform:op', tenant: 'bank-a', subject: SCORED });
  for (let i = 0; i < 4; i++)
    events.push({
      kind: 'domain.quality.read',
      actor: 'data-provider:d-bj:dp',
      tenant: 'd-bj',
      subject: 'd-bj',
    });
  return events;
}

describe('GET /v1/audit', () => {
  let fx: ApiFixture;
  let auditor: string;
  let provider: string;
  /** Every entry in the stream right after seeding, as the wire shows it to a full reader. */
  let seeded: AuditEntry[];

  /** The stream as it is now, through the log's own query (no filter, one page). */
  const stream = async () => (await fx.ctx.audit.query({}, { limit: 1000 })).data;
  /** Every page of a walk; fails on a page past the tenth, so a walk that never ends fails the test. */
  async function walk(key: string, query: string) {
    const pages: AuditEntry[][] = [];
    let cursor: string | null = null;
    do {
      const res = await fx.call('GET', `/v1/audit?${query}${cursor ? `&cursor=${cursor}` : ''}`, key);
      expect(res.status).toBe(200);
      pages.push(res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(cursor).toBeNull();
    return pages;
  }

  beforeAll(async () => {
    fx = await apiFixture('audit-api');
    auditor = (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'auditor', tenant: 'platform' })).key;
    provider = (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'data-provider', tenant: 'd-bj' })).key;
    for (const event of seedEvents()) {
      await fx.ctx.audit.append(event);
      await new Promise((r) => setTimeout(r, 1));
    }
    seeded = await stream();
    expect(seeded.length).toBeGreaterThanOrEqual(30);
  });
  afterAll(() => fx.close());

  it('pages through the whole log with no repeats or gaps, ignoring entries appended meanwhile', async () => {
    const before = await stream();
    const pages = await walk(fx.keys.operator, 'limit=7');
    expect(pages.map((p) => p.length)).toEqual(
      Array.from({ length: Math.ceil(before.length / 7) }, (_, i) => Math.min(7, before.length - 7 * i)),
    );
    // The walk's own audit.read entries came after its first page, so they are not in it.
    expect(pages.flat()).toEqual(before);
    const after = await stream();
    expect(after.slice(before.length).map((e) => e.kind)).toEqual(pages.map(() => 'audit.read'));
  });

  it('filters by kind (exact or prefix), actor, tenant and entity', async () => {
    const ids = async (query: string) =>
      (await fx.call('GET', `/v1/audit?${query}`, auditor)).body.data.map((e: AuditEntry) => e.id);
    const pick = (f: (e: AuditEntry) => boolean) => seeded.filter(f).map((e) => e.id);
    expect(await ids('kind=job.')).toEqual(pick((e) => e.kind.startsWith('job.')));
    expect(pick((e) => e.kind.startsWith('job.'))).toHaveLength(17);
    expect(await ids('kind=job.approved')).toEqual(pick((e) => e.kind === 'job.approved'));
    expect(await ids('kind=job')).toEqual([]);
    expect(await ids('actor=risk-system:bank-b:k1')).toEqual(
      pick((e) => e.actor === 'risk-system:bank-b:k1'),
    );
    expect(await ids('actor=risk-system:bank-b:k1')).toHaveLength(6);
    expect(await ids('tenant=bank-b&kind=model.scored')).toEqual(
      pick((e) => e.tenant === 'bank-b' && e.kind === 'model.scored'),
    );
    // The scored entity sits in details.entities[].entity, and once as a subject.
    const scored = (await fx.call('GET', `/v1/audit?entity=${SCORED}`, auditor)).body.data as AuditEntry[];
    expect(scored.map((e) => [e.kind, e.subject])).toEqual([
      ['model.scored', 'job_8'],
      ['model.scored', 'job_20'],
      ['job.read', SCORED],
    ]);
    // A revocation lists plain entity ids.
    expect((await ids(`entity=${REVOKED}`)).length).toBe(1);
    expect(await ids(`entity=${REVOKED}`)).toEqual(pick((e) => e.kind === 'authorization.revoked'));
  });

  it('filters by time, inclusive to the millisecond of the stream id, across pages', async () => {
    const ms = (e: AuditEntry) => Number(e.id.split('-')[0]);
    const from = new Date(ms(seeded[5]!)).toISOString();
    const to = new Date(ms(seeded[20]!)).toISOString();
    const expected = seeded.filter((e) => ms(e) >= ms(seeded[5]!) && ms(e) <= ms(seeded[20]!));
    expect(expected.length).toBeGreaterThanOrEqual(16);
    const pages = await walk(auditor, `from=${from}&to=${to}&limit=4`);
    expect(pages.flat()).toEqual(expected);
  });

  it('shows a bank its own tenant only, without the chain links', async () => {
    const mine = seeded.filter((e) => e.tenant === 'bank-a').map(({ prev: _p, hash: _h, ...e }) => e);
    expect(mine).toHaveLength(13);
    const res = await fx.call('GET', '/v1/audit?limit=1000', fx.keys.scientistA);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(mine);
    const risk = await fx.call('GET', '/v1/audit?kind=model.scored', fx.keys.riskB);
    expect(risk.body.data.map((e: AuditEntry) => e.id)).toEqual(
      seeded.filter((e) => e.tenant === 'bank-b' && e.kind === 'model.scored').map((e) => e.id),
    );
    const other = await fx.call('GET', '/v1/audit?tenant=bank-b', fx.keys.scientistA);
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'forbidden', field: 'tenant' });
    expect((await fx.call('GET', '/v1/audit?tenant=bank-a', fx.keys.scientistA)).status).toBe(200);
  });

  it('shows a data provider its domain only, and a full reader the links', async () => {
    const res = await fx.call('GET', '/v1/audit', provider);
    expect(res.body.data.map((e: AuditEntry) => e.id)).toEqual(
      seeded.filter((e) => e.tenant === 'd-bj').map((e) => e.id),
    );
    expect(res.body.data).toHaveLength(4);
    const full = await fx.call('GET', '/v1/audit?kind=domain.', auditor);
    expect(full.body.data).toEqual(seeded.filter((e) => e.tenant === 'd-bj'));
    expect(full.body.data[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('audits every read, with the filter and the count returned', async () => {
    await fx.call('GET', '/v1/audit?kind=job.&limit=5', fx.keys.scientistB);
    const last = (await stream()).at(-1)!;
    expect(last).toMatchObject({
      kind: 'audit.read',
      tenant: 'bank-b',
      subject: '*',
      details: { filter: { kind: 'job.' }, returned: 5 },
    });
    expect(last.actor).toMatch(/^bank-scientist:bank-b:/);
  });

  it('answers 400 naming the field on bad filters', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['from=yesterday', 'from'],
      ['to=2025-13-01T00:00:00Z', 'to'],
      ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'to'],
      ['cursor=abc', 'cursor'],
      ['kind=', 'kind'],
      ['actr=x', 'actr'],
      ['actor=a&actor=b', 'actor'],
      [`entity=${'x'.repeat(201)}`, 'entity'],
    ];
    for (const [query, field] of cases) {
      const res = await fx.call('GET', `/v1/audit?${query}`, auditor);
      expect([query, res.status, res.body.error.code, res.body.error.field]).toEqual([
        query,
        400,
        'invalid_request',
        field,
      ]);
    }
  });

  it('bounds the scan of one page: a sparse filter returns an empty page with a cursor, then the match', async () => {
    const pipe = fx.ctx.redis.pipeline();
    // Raw entries (not chained): the query reads events, the chain is verify's concern.
    const noise = JSON.stringify({
      kind: 'noise',
      actor: 'a',
      tenant: 'bank-c',
      subject: 's',
      at: new Date().toISOString(),
    });
    for (let i = 0; i < 20_050; i++)
      pipe.xadd(fx.ctx.keys.audit, '*', 'prev', '0'.repeat(64), 'hash', '0'.repeat(64), 'event', noise);
    await pipe.exec();
    await fx.ctx.audit.append({ kind: 'needle', actor: 'a', tenant: 'bank-c', subject: 'n' });
    const first = await fx.call('GET', '/v1/audit?kind=needle', auditor);
    expect(first.body.data).toEqual([]);
    expect(first.body.nextCursor).toMatch(/^\d+-\d+_\d+-\d+$/);
    const second = await fx.call('GET', `/v1/audit?kind=needle&cursor=${first.body.nextCursor}`, auditor);
    expect(second.body.data.map((e: AuditEntry) => e.subject)).toEqual(['n']);
    expect(second.body.nextCursor).toBeNull();
  });
});
