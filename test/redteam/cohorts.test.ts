// Red team: a bank designs a job whose aggregates would describe very few enterprises.
// Control: the minimum cohort per domain and per class (platform floors 50 rows / 20 per class),
// enforced at submit on the whole label set, when the run is prepared, and in each enclave and
// its broker's egress guard on the domain's own share.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../lab/infra/redis.ts';
import { readLabels } from '../../scripts/lib/world-files.ts';
import { auditEntries } from '../helpers/audit-entries.ts';
import { type BankSession, bankSession } from '../helpers/bank-session.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { refusalOf } from '../helpers/refusal.ts';
import { type StackFixture, stackFixture } from '../helpers/stack-fixture.ts';

describe('red team: tiny cohorts', () => {
  let fx: StackFixture;
  let s: BankSession;
  let rows: Awaited<ReturnType<typeof readLabels>>;
  const redis = connectRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    fx = await stackFixture('cohorts', { enterprises: 4000, seed: 13 });
    s = await bankSession(fx);
    rows = await readLabels(path.join(fx.worldDir, 'banks', fx.world.bank, 'labels.csv'));
  }, 120_000);
  afterAll(async () => {
    redis.disconnect();
    await fx?.close();
  });

  const submit = async (name: string, labelRows: typeof rows) => {
    const ls = await s.scientist.labelSets.upload({ name, rows: labelRows });
    return s.scientist.jobs.submit({
      name,
      purpose: 'red team',
      labels: { source: 'bank', labelSetId: ls.id },
      model: { kind: 'logistic' },
      features: fx.world.commonFeatures,
    });
  };
  const refusedAudits = async (code: string) =>
    (await auditEntries(redis, fx.prefix, 'request.refused')).filter(
      (e) => e.subject === 'POST /v1/jobs' && e.details?.code === code,
    );

  it('attack: a label set of 5 enterprises — control: cohort floor at submit → 400 cohort_too_small, audited, nothing stored', async () => {
    const before = (await s.operator.jobs.list().all()).length;
    const err = await refusalOf(submit('five', rows.slice(0, 5)));
    expect(err.status).toBe(400);
    expect(err.code).toBe('cohort_too_small');
    expect(err.field).toBe('labels.labelSetId');
    expect(err.message).toMatch(/5 rows, below the minimum cohort of 50/);
    expect((await s.operator.jobs.list().all()).length).toBe(before);
    expect(await refusedAudits('cohort_too_small')).toHaveLength(1);
  });

  it('attack: a label set with a single defaulter — control: per-class floor at submit → 400 class_cohort_too_small, audited', async () => {
    const one = rows.map((r, i) => ({ ...r, label: (i === 0 ? 1 : 0) as 0 | 1 }));
    const err = await refusalOf(submit('one-positive', one));
    expect(err.status).toBe(400);
    expect(err.code).toBe('class_cohort_too_small');
    expect(err.message).toMatch(/1 positive .* each class needs at least 20/);
    expect(await refusedAudits('class_cohort_too_small')).toHaveLength(1);
  });

  it("attack: every defaulter in one domain, so the others' shares have none — control: per-class floor in each enclave → job fails, no round runs, audited", async () => {
    // The set as a whole passes the submit checks; the other domains' shares have no positives.
    const province = rows[0]!.entity.slice(2, 4);
    const skewed = rows.map((r) => ({
      ...r,
      label: (r.entity.slice(2, 4) === province ? r.label : 0) as 0 | 1,
    }));
    expect(skewed.filter((r) => r.label === 1).length).toBeGreaterThanOrEqual(20);
    const job = await submit('skewed', skewed);
    await s.approve(job.id, 'looks harmless');
    const done = await s.scientist.jobs.wait(job.id, { timeoutMs: 120_000 });
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/each class needs at least 20/);
    expect(done.modelId).toBeNull();
    expect(done.progress).toEqual([]);
    const failed = await auditEntries(redis, fx.prefix, 'job.failed');
    expect(failed.find((e) => e.subject === job.id)?.details?.reason).toMatch(/each class needs at least 20/);
  });
});
