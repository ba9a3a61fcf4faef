// Red team: jobs designed to take identifiers out, or to fit models big enough to memorise rows.
// Controls: the JobSpec checks at submit (catalog sensitivity, rows per parameter) and, for a task
// that bypasses the lab, the domain broker's egress guard with the domain's own manifest.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, labKeys, queueNames } from '../../lab/infra/redis.ts';
import type { TrainTask } from '../../lab/infra/task-protocol.ts';
import { auditEntries } from '../helpers/audit-entries.ts';
import { type BankSession, bankSession } from '../helpers/bank-session.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { refusalOf } from '../helpers/refusal.ts';
import { type StackFixture, stackFixture } from '../helpers/stack-fixture.ts';

describe('red team: identifiers and oversized models', () => {
  let fx: StackFixture;
  let s: BankSession;
  const redis = connectRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    fx = await stackFixture('egress', { enterprises: 4000, seed: 17 });
    s = await bankSession(fx);
  }, 120_000);
  afterAll(async () => {
    redis.disconnect();
    await fx?.close();
  });

  const spec = (over: Record<string, unknown>) => ({
    name: 'red team',
    purpose: 'red team',
    labels: { source: 'bank' as const, labelSetId: s.labelSetId },
    model: { kind: 'logistic' as const },
    features: fx.world.commonFeatures,
    ...over,
  });
  const refused = async (code: string) =>
    (await auditEntries(redis, fx.prefix, 'request.refused')).filter((e) => e.details?.code === code);

  it('attack: the entity id as a feature — control: the catalog publishes no key column → 400 naming the field, audited', async () => {
    const features = ['registration.entity_id', ...fx.world.commonFeatures];
    const err = await refusalOf(s.scientist.jobs.submit(spec({ features })));
    expect(err.status).toBe(400);
    expect(err.field).toBe('features.0');
    const audits = await refused('invalid_request');
    expect(audits.some((e) => e.details?.field === 'features.0' && e.subject === 'POST /v1/jobs')).toBe(true);
  });

  it('attack: a task put straight on a domain queue with the key column as input — control: the broker egress guard (its own manifest) → identifier_feature, audited by the broker', async () => {
    const domain = fx.world.domains[0]!.id;
    const task: TrainTask = {
      kind: 'train',
      jobId: 'job_redteam_identifier',
      round: 0,
      domain,
      setup: {
        modelKind: 'logistic',
        encoding: { inputs: [{ kind: 'value', source: 'registration.entity_id' }] },
        bankFeatures: [],
        labels: { source: 'domain', column: 'registration.age_years' },
        validation: { split: 'none' },
        minCohort: 50,
        minClassCohort: 20,
        egress: { tenant: fx.world.bank, grantedPersonal: [], maxPayloadBytes: 1 << 20 },
        dp: false,
        modelConfig: { kind: 'logistic' },
        he: null,
      },
      instruction: { phase: 'stats', params: {} },
    };
    const queue = new Queue(queueNames.domain(domain), {
      connection: redis,
      prefix: labKeys(fx.prefix).bull,
    });
    const job = await queue.add('train', task, { attempts: 1 });
    let state = await job.getState();
    for (let i = 0; i < 200 && state !== 'failed' && state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await job.getState();
    }
    expect(state).toBe('failed');
    const failed = await queue.getJob(job.id!);
    expect(failed?.failedReason).toMatch(
      /^egress refused \(identifier_feature\): registration\.entity_id is an identifier/,
    );
    await queue.close();
    const audits = await auditEntries(redis, fx.prefix, 'egress.refused');
    const entry = audits.find((e) => e.subject === 'job_redteam_identifier');
    expect(entry).toMatchObject({ actor: `broker:${domain}`, tenant: fx.world.bank });
    expect(entry?.details?.code).toBe('identifier_feature');
  });

  it('attack: an MLP with more parameters than rows / 20, able to memorise rows — control: rows-per-parameter floor at submit → 400 too_many_parameters, audited, nothing stored', async () => {
    const before = (await s.operator.jobs.list().all()).length;
    const err = await refusalOf(
      s.scientist.jobs.submit(spec({ model: { kind: 'mlp', hidden: [256, 256] } })),
    );
    expect(err.status).toBe(400);
    expect(err.code).toBe('too_many_parameters');
    expect(err.field).toBe('model');
    expect(err.message).toMatch(/the platform requires 20\): it could memorise rows/);
    expect((await s.operator.jobs.list().all()).length).toBe(before);
    expect(await refused('too_many_parameters')).toHaveLength(1);
  });

  it('a model within the floor still trains (the control is not a blanket refusal)', async () => {
    const job = await s.scientist.jobs.submit(spec({ model: { kind: 'logistic' } }));
    expect(job.privacyReport.rowsPerParameter).toBeGreaterThanOrEqual(20);
    await s.approve(job.id, 'within the floor');
    const done = await s.scientist.jobs.wait(job.id, { timeoutMs: 120_000 });
    expect(done.status).toBe('succeeded');
    expect(done.modelId).not.toBeNull();
  });
});
