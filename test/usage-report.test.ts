// Usage reports: a hand-computed scenario of jobs, rows, effect and scores served, in JSON and CSV, and who may read it.
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageReport } from '../client-sdk/contract/usage.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { ScoreRefused, serveScores } from '../enclave-worker/score-server.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { countScoresServed } from '../lab/usage/score-counts.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { putHandJob } from './helpers/usage-records.ts';

const BOOK_A = 'ls_bankA_book_2026';
const PERIOD = '?from=2026-03-01&to=2026-03-31';

describe('usage report of a data provider', () => {
  let fx: ApiFixture;
  const keys = { bj: '', sh: '', auditor: '' };

  beforeAll(async () => {
    fx = await apiFixture('usage');
    const key = async (role: 'data-provider' | 'auditor', tenant: string) =>
      (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role, tenant })).key;
    keys.bj = await key('data-provider', 'd-bj');
    keys.sh = await key('data-provider', 'd-sh');
    keys.auditor = await key('auditor', 'platform');
    const ctx = fx.ctx;
    // bank-a: an older bank-only baseline (before the period), a newer one, and the joint model.
    await putHandJob(ctx, {
      id: 'job_usage_baseline_old',
      bank: 'bank-a',
      name: 'bank-only v0',
      status: 'succeeded',
      submittedAt: '2026-02-10T08:00:00.000Z',
      domains: ['d-bj', 'd-sh'],
      labelSetId: BOOK_A,
      features: [],
      rowsByDomain: { 'd-bj': 1100, 'd-sh': 700 },
      model: { id: 'mdl_usage_a0', auc: 0.65, createdAt: '2026-02-10T09:00:00.000Z' },
    });
    await putHandJob(ctx, {
      id: 'job_usage_baseline',
      bank: 'bank-a',
      name: 'bank-only v1',
      status: 'succeeded',
      submittedAt: '2026-03-01T00:00:00.000Z',
      domains: ['d-bj', 'd-sh'],
      labelSetId: BOOK_A,
      features: [],
      rowsByDomain: { 'd-bj': 1180, 'd-sh': 790 },
      model: { id: 'mdl_usage_a1', auc: 0.7, createdAt: '2026-03-01T02:00:00.000Z' },
    });
    await putHandJob(ctx, {
      id: 'job_usage_joint',
      bank: 'bank-a',
      name: 'sme-pd "joint", v1',
      status: 'succeeded',
      submittedAt: '2026-03-05T09:00:00.000Z',
      domains: ['d-bj', 'd-sh'],
      labelSetId: BOOK_A,
      rowsByDomain: { 'd-bj': 1200, 'd-sh': 800 },
      model: { id: 'mdl_usage_a2', auc: 0.81, createdAt: '2026-03-05T10:00:00.000Z' },
    });
    // bank-b: labels held in the domains (share unrecorded), a d-sh-only job, a rejected job on the
    // period's last instant, and a pending job on the first instant after the period.
    await putHandJob(ctx, {
      id: 'job_usage_horizontal',
      bank: 'bank-b',
      name: 'horizontal-pd',
      status: 'succeeded',
      submittedAt: '2026-03-20T12:00:00.000Z',
      domains: ['d-bj'],
      labelSetId: null,
      model: { id: 'mdl_usage_b1', auc: 0.74, createdAt: '2026-03-20T13:00:00.000Z' },
    });
    await putHandJob(ctx, {
      id: 'job_usage_sh_only',
      bank: 'bank-b',
      name: 'sh-pd',
      status: 'succeeded',
      submittedAt: '2026-03-12T12:00:00.000Z',
      domains: ['d-sh'],
      labelSetId: 'ls_bankB_book_2026',
      rowsByDomain: { 'd-sh': 950 },
      model: { id: 'mdl_usage_b2', auc: 0.77, createdAt: '2026-03-12T13:00:00.000Z' },
    });
    await putHandJob(ctx, {
      id: 'job_usage_rejected',
      bank: 'bank-b',
      name: '=HYPERLINK("http://x")',
      status: 'rejected',
      submittedAt: '2026-03-31T23:59:59.999Z',
      domains: ['d-bj'],
      labelSetId: 'ls_bankB_book_2026',
    });
    await putHandJob(ctx, {
      id: 'job_usage_after',
      bank: 'bank-a',
      name: 'next-month',
      status: 'pending_approval',
      submittedAt: '2026-04-01T00:00:00.000Z',
      domains: ['d-bj'],
      labelSetId: BOOK_A,
    });
    const a2 = { id: 'mdl_usage_a2', tenant: 'bank-a' };
    const served: [typeof a2, Record<string, number>, string][] = [
      [a2, { 'd-bj': 7 }, '2026-02-28T23:59:59.999Z'],
      [a2, { 'd-bj': 3, 'd-sh': 2 }, '2026-03-01T00:00:00.000Z'],
      [a2, { 'd-bj': 4 }, '2026-03-01T15:00:00.000Z'],
      [{ id: 'mdl_usage_b1', tenant: 'bank-b' }, { 'd-bj': 10 }, '2026-03-02T10:00:00.000Z'],
      [a2, { 'd-bj': 1, 'd-sh': 0 }, '2026-03-02T11:00:00.000Z'],
      [{ id: 'mdl_usage_b2', tenant: 'bank-b' }, { 'd-sh': 9 }, '2026-03-03T09:00:00.000Z'],
      // bank-c scores with a model trained before the period: it used the domain too.
      [{ id: 'mdl_usage_c0', tenant: 'bank-c' }, { 'd-bj': 5 }, '2026-03-31T23:59:59.999Z'],
      [a2, { 'd-bj': 100 }, '2026-04-01T00:00:00.000Z'],
    ];
    for (const [model, byDomain, at] of served)
      await countScoresServed(ctx, model, new Map(Object.entries(byDomain)), new Date(at));
  });
  afterAll(() => fx.close());

  it("matches the hand-computed report of d-bj for March, read by d-bj's data provider", async () => {
    const res = await fx.call('GET', `/v1/usage/d-bj${PERIOD}`, keys.bj);
    expect(res.status).toBe(200);
    const report = UsageReport.parse(res.body);
    const lift = report.jobs[1]!.aucLift!;
    expect(Math.abs(lift - 0.11)).toBeLessThan(1e-12);
    expect(report).toEqual({
      domain: 'd-bj',
      from: '2026-03-01',
      to: '2026-03-31',
      jobs: [
        {
          jobId: 'job_usage_baseline',
          bank: 'bank-a',
          name: 'bank-only v1',
          status: 'succeeded',
          submittedAt: '2026-03-01T00:00:00.000Z',
          modelId: 'mdl_usage_a1',
          rowsContributed: 1180,
          auc: 0.7,
          bankOnlyAuc: null,
          aucLift: null,
        },
        {
          jobId: 'job_usage_joint',
          bank: 'bank-a',
          name: 'sme-pd "joint", v1',
          status: 'succeeded',
          submittedAt: '2026-03-05T09:00:00.000Z',
          modelId: 'mdl_usage_a2',
          rowsContributed: 1200,
          auc: 0.81,
          bankOnlyAuc: 0.7,
          aucLift: lift,
        },
        {
          jobId: 'job_usage_horizontal',
          bank: 'bank-b',
          name: 'horizontal-pd',
          status: 'succeeded',
          submittedAt: '2026-03-20T12:00:00.000Z',
          modelId: 'mdl_usage_b1',
          rowsContributed: null,
          auc: 0.74,
          bankOnlyAuc: null,
          aucLift: null,
        },
        {
          jobId: 'job_usage_rejected',
          bank: 'bank-b',
          name: '=HYPERLINK("http://x")',
          status: 'rejected',
          submittedAt: '2026-03-31T23:59:59.999Z',
          modelId: null,
          rowsContributed: 0,
          auc: null,
          bankOnlyAuc: null,
          aucLift: null,
        },
      ],
      totals: { jobs: 4, succeeded: 3, rowsContributed: 2380, scoresServed: 23, banks: 3 },
      scores: [
        { day: '2026-03-01', bank: 'bank-a', modelId: 'mdl_usage_a2', count: 7 },
        { day: '2026-03-02', bank: 'bank-a', modelId: 'mdl_usage_a2', count: 1 },
        { day: '2026-03-02', bank: 'bank-b', modelId: 'mdl_usage_b1', count: 10 },
        { day: '2026-03-31', bank: 'bank-c', modelId: 'mdl_usage_c0', count: 5 },
      ],
    });
  });

  it('matches the hand-computed report of d-sh for March, read by an operator', async () => {
    const res = await fx.call('GET', `/v1/usage/d-sh${PERIOD}`, fx.keys.operator);
    expect(res.status).toBe(200);
    const { jobs, totals, scores } = UsageReport.parse(res.body);
    expect(jobs.map((j) => [j.jobId, j.rowsContributed, j.bankOnlyAuc])).toEqual([
      ['job_usage_baseline', 790, null],
      ['job_usage_joint', 800, 0.7],
      ['job_usage_sh_only', 950, null],
    ]);
    expect(totals).toEqual({ jobs: 3, succeeded: 3, rowsContributed: 2540, scoresServed: 11, banks: 2 });
    expect(scores).toEqual([
      { day: '2026-03-01', bank: 'bank-a', modelId: 'mdl_usage_a2', count: 2 },
      { day: '2026-03-03', bank: 'bank-b', modelId: 'mdl_usage_b2', count: 9 },
    ]);
  });

  it('gives the same numbers as CSV (RFC 4180), jobs and scores', async () => {
    const get = (query: string) =>
      fx.app.request(`/v1/usage/d-bj${PERIOD}${query}`, {
        headers: { authorization: `Bearer ${keys.auditor}` },
      });
    const jobs = await get('&format=csv');
    expect(jobs.status).toBe(200);
    expect(jobs.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(jobs.headers.get('content-disposition')).toBe(
      'attachment; filename="usage-d-bj-2026-03-01-2026-03-31-jobs.csv"',
    );
    expect(await jobs.text()).toBe(
      [
        'jobId,bank,name,status,submittedAt,modelId,rowsContributed,auc,bankOnlyAuc,aucLift',
        'job_usage_baseline,bank-a,bank-only v1,succeeded,2026-03-01T00:00:00.000Z,mdl_usage_a1,1180,0.7,,',
        'job_usage_joint,bank-a,"sme-pd ""joint"", v1",succeeded,2026-03-05T09:00:00.000Z,mdl_usage_a2,1200,0.81,0.7,0.1100000000000001',
        'job_usage_horizontal,bank-b,horizontal-pd,succeeded,2026-03-20T12:00:00.000Z,mdl_usage_b1,,0.74,,',
        `job_usage_rejected,bank-b,"'=HYPERLINK(""http://x"")",rejected,2026-03-31T23:59:59.999Z,,0,,,`,
        '',
      ].join('\r\n'),
    );
    const scores = await get('&format=csv&section=scores');
    expect(await scores.text()).toBe(
      [
        'day,bank,modelId,count',
        '2026-03-01,bank-a,mdl_usage_a2,7',
        '2026-03-02,bank-a,mdl_usage_a2,1',
        '2026-03-02,bank-b,mdl_usage_b1,10',
        '2026-03-31,bank-c,mdl_usage_c0,5',
        '',
      ].join('\r\n'),
    );
  });

  it('defaults to the last 30 days, today included', async () => {
    const res = await fx.call('GET', '/v1/usage/d-bj', keys.bj);
    expect(res.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 24 * 3600_000).toISOString().slice(0, 10);
    expect([res.body.from, res.body.to]).toEqual([from, today]);
  });

  it('lets a data provider read only its own domain, and no bank at all', async () => {
    const other = await fx.call('GET', `/v1/usage/d-bj${PERIOD}`, keys.sh);
    expect(other.status).toBe(404);
    const unknown = await fx.call('GET', `/v1/usage/d-gd${PERIOD}`, fx.keys.operator);
    expect(unknown.status).toBe(404);
    const { code, message } = unknown.body.error;
    expect(other.body.error).toMatchObject({ code, message });
    // A foreign domain stays a 404 whatever the query (no oracle through validation errors).
    expect((await fx.call('GET', '/v1/usage/d-bj?from=nope', keys.sh)).status).toBe(404);
    for (const bank of [fx.keys.scientistA, fx.keys.riskA]) {
      const res = await fx.call('GET', `/v1/usage/d-bj${PERIOD}`, bank);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await fx.call('GET', `/v1/usage/d-sh${PERIOD}`, keys.sh)).status).toBe(200);
  });

  it.each([
    ['?from=2026-3-01', 'from'],
    ['?from=2026-02-30&to=2026-03-31', 'from'],
    ['?from=2026-03-01&to=2026-13-01', 'to'],
    ['?from=2026-03-31&to=2026-03-01', 'to'],
    ['?from=2025-02-28&to=2026-03-01', 'from'],
    ['?format=xml', 'format'],
    ['?section=rows', 'section'],
    ['?form=2026-03-01', 'form'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const res = await fx.call('GET', `/v1/usage/d-bj${query}`, keys.bj);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.field).toBe(field);
  });

  it('accepts exactly 366 days', async () => {
    const res = await fx.call('GET', '/v1/usage/d-bj?from=2024-01-01&to=2024-12-31', keys.bj);
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ jobs: 0, succeeded: 0, rowsContributed: 0, scoresServed: 0, banks: 0 });
  });

  it('audits every read as usage.read', async () => {
    const before = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'usage.read')).length;
    await fx.call('GET', `/v1/usage/d-bj${PERIOD}`, keys.bj);
    await fx.app.request(`/v1/usage/d-sh${PERIOD}&format=csv&section=scores`, {
      headers: { authorization: `Bearer ${keys.auditor}` },
    });
    const reads = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'usage.read')).slice(before);
    expect(
      reads.map((r) => [r.actor.split(':').slice(0, 2).join(':'), r.tenant, r.subject, r.details]),
    ).toEqual([
      ['data-provider:d-bj', 'd-bj', 'd-bj', { from: '2026-03-01', to: '2026-03-31', format: 'json' }],
      [
        'auditor:platform',
        'd-sh',
        'd-sh',
        { from: '2026-03-01', to: '2026-03-31', format: 'csv', section: 'scores' },
      ],
    ]);
  });

  it('counts the scores each domain served through the scoring route', async () => {
    await putHandJob(fx.ctx, {
      id: 'job_usage_live',
      bank: 'bank-a',
      name: 'live',
      status: 'succeeded',
      submittedAt: '2025-06-01T00:00:00.000Z',
      domains: ['d-bj', 'd-sh'],
      labelSetId: BOOK_A,
      rowsByDomain: { 'd-bj': 500, 'd-sh': 500 },
      model: { id: 'mdl_usage_live', auc: 0.8, createdAt: '2025-06-01T01:00:00.000Z' },
    });
    const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
    const entities = [
      generateUscc(rand, '110105'),
      generateUscc(rand, '110108'),
      generateUscc(rand, '310104'),
    ];
    const now = new Date();
    await fx.ctx.authorizations.grant(
      entities.map((entity) => ({
        entity,
        bank: 'bank-a',
        purposes: ['scoring' as const],
        grantedAt: new Date(now.getTime() - 3600_000).toISOString(),
        expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
        evidence: '',
      })),
    );
    // Stand-in brokers on the real scoring channel: d-bj answers every entity it is sent, d-sh's
    // scorer refuses (its entities come back unavailable and are not counted).
    const broker = (domain: string, holds: boolean) =>
      serveScores({
        redis: fx.ctx.redis,
        keys: fx.ctx.keys,
        domain,
        brokerId: `${domain}:stand-in`,
        sandboxed: true,
        ready: () => true,
        score: async ({ entities: ids }) => {
          if (!holds) throw new ScoreRefused('stand-in refuses');
          return { probability: ids.map(() => 0.1), reasons: ids.map(() => []) };
        },
      });
    const servers = [broker('d-bj', true), broker('d-sh', false)];
    try {
      // The lab sends calls only once a scorer's liveness is published.
      for (let i = 0; i < 100; i++) {
        const up = await Promise.all(
          ['d-bj', 'd-sh'].map((d) => fx.ctx.redis.zcard(fx.ctx.keys.scorerUp(d))),
        );
        if (up.every((n) => n > 0)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const scored = await fx.call('POST', '/v1/models/mdl_usage_live/score', fx.keys.riskA, { entities });
      expect(scored.status).toBe(200);
      expect(scored.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    } finally {
      await Promise.all(servers.map((w) => w.close()));
    }
    const live = async (domain: string) => {
      const res = await fx.call('GET', `/v1/usage/${domain}`, fx.keys.operator);
      return UsageReport.parse(res.body).scores.filter((l) => l.modelId === 'mdl_usage_live');
    };
    // The count is written after the answer, never before it: wait for it briefly.
    for (let i = 0; i < 50 && (await live('d-bj')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const today = now.toISOString().slice(0, 10);
    expect(await live('d-bj')).toEqual([{ day: today, bank: 'bank-a', modelId: 'mdl_usage_live', count: 2 }]);
    expect(await live('d-sh')).toEqual([]);
  });

  it('logs a count it could not write, without failing the caller', async () => {
    // A connection that refuses every command at once, as Redis does when it is gone.
    const gone = new Redis(TEST_REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const at = new Date('2026-03-09T10:00:00.000Z');
      const byDomain = new Map([
        ['d-bj', 4],
        ['d-sh', 1],
      ]);
      await expect(
        countScoresServed({ ...fx.ctx, redis: gone }, { id: 'mdl_usage_a2', tenant: 'bank-a' }, byDomain, at),
      ).resolves.toBeUndefined();
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]![0])).toMatch(
        /^usage: scores served not counted \(model mdl_usage_a2, bank bank-a, 2026-03-09T10:00:00\.000Z, d-bj=4 d-sh=1\): /,
      );
    } finally {
      logged.mockRestore();
      gone.disconnect();
    }
    const day = await fx.call('GET', '/v1/usage/d-bj?from=2026-03-09&to=2026-03-09', fx.keys.operator);
    expect(day.body.scores).toEqual([]);
  });
});
