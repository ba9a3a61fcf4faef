// Differential privacy through the whole lab: DP jobs train and release noisy models with their
// mechanism in the lineage; ε is charged per (bank, domain) at submit, refused over the cap, and
// given back when a job is rejected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../lab/infra/redis.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { type BankSession, bankSession } from './helpers/bank-session.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { refusalOf } from './helpers/refusal.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

describe('differential privacy and the budget ledger', () => {
  let fx: StackFixture;
  let s: BankSession;
  const redis = connectRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    fx = await stackFixture('dp', { enterprises: 4000, seed: 21 });
    s = await bankSession(fx);
    for (const d of fx.world.domains)
      await s.operator.privacy.setCap({ bank: fx.world.bank, domain: d.id, epsilonCap: 5 });
  }, 120_000);
  afterAll(async () => {
    redis.disconnect();
    await fx?.close();
  });

  const spent = async () =>
    Object.fromEntries((await s.scientist.privacy.budgets()).data.map((l) => [l.domain, l.spent]));
  const dpJob = (epsilon: number, model: Record<string, unknown> = { kind: 'logistic', l2: 50 }) =>
    s.scientist.jobs.submit({
      name: `dp-${epsilon}`,
      purpose: 'SME PD with differential privacy',
      labels: { source: 'bank', labelSetId: s.labelSetId },
      model: model as { kind: 'logistic' },
      features: fx.world.commonFeatures,
      privacy: { dp: { epsilon } },
    });

  it('a DP logistic job charges ε to every domain it uses, trains, and releases a noisy model with its mechanism', async () => {
    const job = await dpJob(3);
    expect(job.privacyReport.dpEpsilon).toBe(3);
    const charged = await spent();
    for (const d of job.privacyReport.domains) expect(charged[d]).toBeCloseTo(3, 9);
    await s.approve(job.id, 'DP on');
    const done = await s.scientist.jobs.wait(job.id, { timeoutMs: 180_000 });
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    // The training loss is an un-noised statistic: a DP job never reports it.
    expect(done.progress.length).toBeGreaterThan(0);
    expect(done.progress.every((p) => p.loss === null)).toBe(true);
    const model = await s.scientist.models.get(done.modelId!);
    const dp = model.privacy.dp!;
    expect(dp.epsilon).toBeLessThanOrEqual(3 + 1e-9);
    expect(dp.sensitivity).toBeCloseTo((2 * Math.SQRT2) / 50, 12);
    expect(dp.sigma).toBeGreaterThan(0);
    expect(dp.evaluationSigma).toBeGreaterThan(0);
    expect(model.privacy.epsilonSpent).toBe(3);
    // Metrics come from noisy histograms of a noisy model: defined, but no accuracy promise at this ε.
    expect(model.metrics.auc).toBeGreaterThanOrEqual(0);
    expect(model.metrics.auc).toBeLessThanOrEqual(1);
    const released = await auditEntries(redis, fx.prefix, 'job.succeeded');
    expect(released.find((e) => e.subject === job.id)?.details?.epsilonSpent).toBe(3);
  });

  it('a job that would exceed the cap is refused at submit: 409 privacy_budget_exceeded naming privacy.dp.epsilon, nothing stored or charged', async () => {
    const before = (await s.scientist.jobs.list().all()).length;
    const err = await refusalOf(dpJob(2.5));
    expect(err.status).toBe(409);
    expect(err.code).toBe('privacy_budget_exceeded');
    expect(err.field).toBe('privacy.dp.epsilon');
    expect((await s.scientist.jobs.list().all()).length).toBe(before);
    for (const v of Object.values(await spent())) expect(v).toBeCloseTo(3, 9);
    const refused = await auditEntries(redis, fx.prefix, 'request.refused');
    expect(refused.some((e) => e.details?.code === 'privacy_budget_exceeded')).toBe(true);
  });

  it('a rejected job gives its ε back; an operator can raise a cap', async () => {
    const job = await dpJob(1.5);
    for (const v of Object.values(await spent())) expect(v).toBeCloseTo(4.5, 9);
    await s.operator.jobs.reject(job.id, 'not this quarter');
    for (const v of Object.values(await spent())) expect(v).toBeCloseTo(3, 9);
    const domain = fx.world.domains[0]!.id;
    const raised = await s.operator.privacy.setCap({ bank: fx.world.bank, domain, epsilonCap: 8 });
    expect(raised.data[0]).toMatchObject({ domain, cap: 8, spent: 3, remaining: 5 });
    const err = await refusalOf(s.scientist.privacy.setCap({ bank: fx.world.bank, domain, epsilonCap: 100 }));
    expect(err.status).toBe(403);
  });

  it('a DP MLP job (DP-FedAvg) trains through the enclaves and records its mechanism', async () => {
    for (const d of fx.world.domains)
      await s.operator.privacy.setCap({ bank: fx.world.bank, domain: d.id, epsilonCap: 20 });
    const job = await dpJob(8, { kind: 'mlp', hidden: [3], maxRounds: 4 });
    await s.approve(job.id, 'DP on');
    const done = await s.scientist.jobs.wait(job.id, { timeoutMs: 180_000 });
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const model = await s.scientist.models.get(done.modelId!);
    expect(model.privacy.dp?.mechanism).toMatch(/DP-FedAvg/);
    expect(model.privacy.dp?.sensitivity).toBe(2);
    expect(done.progress.filter((p) => p.phase === 'fedavg')).toHaveLength(4);
  });
});
