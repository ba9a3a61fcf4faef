// Cancelling jobs: who may, from which states, what happens to the privacy budget, and that a
// running job really stops (no further rounds, no model) on a real lab.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import type { Job } from '../client-sdk/contract/resources.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { ConflictError, NotFoundError } from '../client-sdk/errors.ts';
import { connectRedis } from '../lab/infra/redis.ts';
import { type ApiFixture, apiFixture, FEATURES } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { bankSession } from './helpers/bank-session.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;
const entities = (n: number) => Array.from({ length: n }, () => generateUscc(rand, '110105'));

describe('cancelling a job through the API', () => {
  let fx: ApiFixture;
  let labelSetId: string;
  beforeAll(async () => {
    fx = await apiFixture('cancel');
    const rows = entities(400).map((entity, i) => ({ entity, label: (i % 5 === 0 ? 1 : 0) as 0 | 1 }));
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, { name: 'book', rows });
    labelSetId = ls.body.id;
  });
  afterAll(() => fx.close());

  const submitDp = async (): Promise<Job> => {
    const res = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: 'pd',
      purpose: 'cancel test',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic', l2: 10 },
      features: FEATURES,
      privacy: { dp: { epsilon: 1.5 } },
    });
    expect(res.status).toBe(201);
    return res.body as Job;
  };
  const spent = async () => (await fx.ctx.budgets.lines('bank-a', ['d-bj']))[0]!.spent;

  it('the bank cancels its pending job: cancelled, ε refunded, audited with the note; a second cancel is 409', async () => {
    const before = await spent();
    const job = await submitDp();
    expect(await spent()).toBeCloseTo(before + 1.5, 9);
    const res = await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.scientistA, {
      note: 'wrong label set',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.error).toMatch(/^cancelled by bank-scientist:bank-a:key_[0-9a-f]{16}: wrong label set$/);
    expect(await spent()).toBeCloseTo(before, 9);
    const audit = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'job.cancelled')).filter(
      (e) => e.subject === job.id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({
      note: 'wrong label set',
      from: 'pending_approval',
      budgetRefunded: true,
    });
    const again = await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.scientistA, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    // A cancelled job cannot be approved afterwards.
    expect((await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, {})).status).toBe(409);
  });

  it('an operator cancels an approved job that has not started: refunded, and the coordinator step then does nothing', async () => {
    const before = await spent();
    const job = await submitDp();
    const approved = await fx.call('POST', `/v1/jobs/${job.id}/approve`, fx.keys.operator, { note: 'ok' });
    expect(approved.body.status).toBe('approved');
    const res = await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.operator, { note: 'bank asked' });
    expect(res.body.status).toBe('cancelled');
    expect(await spent()).toBeCloseTo(before, 9);
    const audit = (await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'job.cancelled')).find(
      (e) => e.subject === job.id,
    );
    expect(audit?.actor).toMatch(/^operator:platform:/);
    expect(audit?.details).toMatchObject({ from: 'approved', budgetRefunded: true });
  });

  it('another bank gets 404 (as for an unknown id), a risk system 403, a bad body 400 naming the field; nothing changes', async () => {
    const job = await submitDp();
    const other = await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.scientistB, {});
    const unknown = await fx.call('POST', '/v1/jobs/job_doesnotexist0000/cancel', fx.keys.scientistB, {});
    expect(other.status).toBe(404);
    expect(other.body).toEqual(unknown.body);
    expect((await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.riskA, {})).status).toBe(403);
    const bad = await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.scientistA, { note: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('note');
    const extra = await fx.call('POST', `/v1/jobs/${job.id}/cancel`, fx.keys.scientistA, { why: 'x' });
    expect(extra.status).toBe(400);
    expect((await fx.ctx.jobs.get(job.id))!.status).toBe('pending_approval');
  });
});

describe('cancelling a running job on a real lab', () => {
  let fx: StackFixture;
  beforeAll(async () => {
    fx = await stackFixture('cancel-run', { enterprises: 4000 });
  }, 180_000);
  afterAll(() => fx?.close());

  it('stops at the next round: no more progress, no model, the SDK sees the typed errors', async () => {
    const { scientist, approve, labelSetId } = await bankSession(fx);
    const job = await scientist.jobs.create({
      name: 'long',
      purpose: 'cancel while running',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'mlp', hidden: [4], maxRounds: 200, patience: 50 },
      features: fx.world.commonFeatures.slice(0, 5),
    });
    await approve(job.id, 'ok');
    const deadline = Date.now() + 120_000;
    let running = await scientist.jobs.retrieve(job.id);
    while (running.progress.length < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      running = await scientist.jobs.retrieve(job.id);
    }
    expect(running.status).toBe('running');
    const cancelled = await scientist.jobs.cancel(job.id, 'enough');
    expect(cancelled.status).toBe('cancelled');
    // A round already handed to the domains may still report; after that, nothing moves.
    await new Promise((r) => setTimeout(r, 3000));
    const settled = await scientist.jobs.retrieve(job.id);
    await new Promise((r) => setTimeout(r, 3000));
    const later = await scientist.jobs.retrieve(job.id);
    expect(later.status).toBe('cancelled');
    expect(later.modelId).toBeNull();
    expect(later.progress.length).toBe(settled.progress.length);
    expect(later.progress.length).toBeLessThan(200);
    // A job that ran keeps its budget charge; the audit says so.
    const redis = connectRedis(TEST_REDIS_URL);
    const entry = (await auditEntries(redis, fx.prefix, 'job.cancelled')).find((e) => e.subject === job.id);
    redis.disconnect();
    expect(entry?.details).toMatchObject({ from: 'running', budgetRefunded: false });
    await expect(scientist.jobs.cancel(job.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(scientist.jobs.cancel('job_doesnotexist0000')).rejects.toBeInstanceOf(NotFoundError);
    const other = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.risk });
    await expect(other.jobs.cancel(job.id)).rejects.toMatchObject({ status: 403 });
  }, 240_000);
});
