// The approval policy (two distinct operators, auto-approval of low-risk jobs, expiry of stale
// jobs), idempotency keys on creating routes and cursor pagination of jobs.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../client-sdk/contract/resources.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { policyFromEnv } from '../lab/context.ts';
import { expireStaleJobs } from '../lab/coordinator/expiry.ts';
import { ApprovalPolicy } from '../lab/privacy/approval-policy.ts';
import { type ApiFixture, apiFixture, FEATURES, fakeDomain } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';

const RESTRICTED = 'tax.tax_arrears';
const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const book = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    entity: generateUscc(rand, '110105'),
    label: (i % 5 === 0 ? 1 : 0) as 0 | 1,
  }));

describe('approval policy, idempotency keys, pagination', () => {
  let fx: ApiFixture;
  let labelSetId: string;
  beforeAll(async () => {
    const approval = ApprovalPolicy.parse({
      approvals: { restricted: 2 },
      autoApprove: { enabled: true, minRowsPerParameter: 100 },
      pendingTtlHours: 72,
    });
    fx = await apiFixture('approvals', { policy: { ...policyFromEnv({}), approval } });
    const domain = fakeDomain('d-bj', '110000');
    domain.features.push({
      name: RESTRICTED,
      type: 'number',
      category: 'tax',
      sensitivity: 'restricted',
      description: 'Tax arrears',
      rows: 1000,
      missingRate: 0,
    });
    await fx.ctx.domains.publish(domain);
    labelSetId = (
      await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, { name: 'book', rows: book(2000) })
    ).body.id;
  });
  afterAll(() => fx.close());

  const submit = (features: string[], extra: Record<string, unknown> = {}) =>
    fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: 'pd',
      purpose: 'test',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic' },
      features,
      domains: ['d-bj'],
      ...extra,
    });

  it('a job with restricted features needs two distinct operators: the first approval is recorded, the same operator again is refused, a second one approves', async () => {
    const job = (await submit([...FEATURES, RESTRICTED])).body as Job;
    expect(job.status).toBe('pending_approval');
    expect(job.privacyReport.approvalsRequired).toBe(2);
    const first = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, {
      note: 'looks fine',
    });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('pending_approval');
    expect(first.body.decisions).toHaveLength(1);
    const again = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, { note: 'me again' });
    expect(again.status).toBe(409);
    const second = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operatorB, { note: 'agreed' });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('approved');
    const audit = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix);
    const kinds = audit.filter((e) => e.subject === job.id).map((e) => e.kind);
    expect(kinds).toEqual(['job.submitted', 'job.approval_recorded', 'job.approved']);
  });

  it('a low-risk job (public features only, ≥ 100 label rows per parameter) is approved by the policy, audited as such', async () => {
    const res = await submit(FEATURES);
    expect(res.status).toBe(201);
    const job = res.body as Job;
    expect(job.status).toBe('approved');
    expect(job.decisions[0]).toMatchObject({ decision: 'approved', by: 'policy:auto-approve' });
    expect(job.decisions[0]!.note).toMatch(/^low risk: public features only/);
    const audit = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'job.approved');
    expect(audit.find((e) => e.subject === job.id)?.actor).toBe('policy:auto-approve');
  });

  it('a job nobody decides on expires after the policy TTL and gives its ε back', async () => {
    const job = (
      await submit([...FEATURES, RESTRICTED], {
        privacy: { dp: { epsilon: 2 } },
        model: { kind: 'logistic', l2: 10 },
      })
    ).body as Job;
    expect((await fx.ctx.budgets.lines('bank-a', ['d-bj']))[0]!.spent).toBeCloseTo(2, 9);
    const fresh = await expireStaleJobs(fx.ctx, new Date(Date.parse(job.createdAt) + 71 * 3600_000));
    expect(fresh).not.toContain(job.id);
    const stale = await expireStaleJobs(fx.ctx, new Date(Date.parse(job.createdAt) + 73 * 3600_000));
    expect(stale).toContain(job.id);
    const after = await fx.ctx.jobs.get(job.id);
    expect(after).toMatchObject({ status: 'expired', error: 'not decided within 72 h' });
    expect((await fx.ctx.budgets.lines('bank-a', ['d-bj']))[0]!.spent).toBeCloseTo(0, 9);
    const audit = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'job.expired');
    expect(audit.map((e) => e.subject)).toContain(job.id);
    const late = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, {});
    expect(late.status).toBe(409);
  });

  it('an Idempotency-Key replays the first answer, refuses another request under it, and only applies per key', async () => {
    const rows = book(200);
    const upload = (key: string, body: unknown) =>
      fx.app.request('/v1/label-sets', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fx.keys.scientistA}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
    const a = await upload('upload-1', { name: 'retry', rows });
    const b = await upload('upload-1', { name: 'retry', rows });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const [first, replay] = [await a.json(), await b.json()];
    expect(replay.id).toBe(first.id);
    const other = await upload('upload-1', { name: 'something else', rows });
    expect(other.status).toBe(409);
    expect((await other.json()).error.code).toBe('idempotency_conflict');
    const fresh = await upload('upload-2', { name: 'retry', rows });
    expect((await fresh.json()).id).not.toBe(first.id);
    const bad = await upload('no spaces allowed', { name: 'retry', rows });
    expect(bad.status).toBe(400);
  });

  it('lists jobs newest first in cursor pages with nothing missing or repeated; a bad cursor is a 400 naming it', async () => {
    const all = (await fx.call('GET', '/v1/jobs?limit=100', fx.keys.scientistA)).body.data as Job[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await fx.call('GET', `/v1/jobs${q}`, fx.keys.scientistA);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((j: Job) => j.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((j) => j.id));
    const bad = await fx.call('GET', '/v1/jobs?cursor=bm9wZQ', fx.keys.scientistA);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('cursor');
  });
});
