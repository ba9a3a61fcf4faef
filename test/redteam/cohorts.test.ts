// Red team: a bank designs a job whose aggregates would describe very few enterprises.
// Control: the minimum cohort per domain and per class (platform floors 50 rows / 20 per class),
// enforced when the run is prepared and again inside each enclave.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabels } from '../../scripts/lib/world-files.ts';
import { type BankSession, bankSession } from '../helpers/bank-session.ts';
import { type StackFixture, stackFixture } from '../helpers/stack-fixture.ts';

describe('red team: tiny cohorts', () => {
  let fx: StackFixture;
  let s: BankSession;
  let rows: Awaited<ReturnType<typeof readLabels>>;

  beforeAll(async () => {
    fx = await stackFixture('cohorts', { enterprises: 4000, seed: 13 });
    s = await bankSession(fx);
    rows = await readLabels(path.join(fx.worldDir, 'banks', fx.world.bank, 'labels.csv'));
  }, 120_000);
  afterAll(() => fx?.close());

  const run = async (name: string, labelRows: typeof rows) => {
    const ls = await s.scientist.labelSets.upload({ name, rows: labelRows });
    const job = await s.scientist.jobs.submit({
      name,
      purpose: 'red team',
      labels: { source: 'bank', labelSetId: ls.id },
      model: { kind: 'logistic' },
      features: fx.world.commonFeatures,
    });
    await s.operator.jobs.approve(job.id, 'looks harmless');
    return s.scientist.jobs.wait(job.id, { timeoutMs: 120_000 });
  };

  it('attack: a label set of 5 enterprises — refused before any domain computes', async () => {
    const job = await run('five', rows.slice(0, 5));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/below the minimum cohort of 50/);
    expect(job.modelId).toBeNull();
  });

  it('attack: a label set with a single defaulter — refused by every enclave (per-class minimum)', async () => {
    const one = rows.map((r, i) => ({ ...r, label: (i === 0 ? 1 : 0) as 0 | 1 }));
    const job = await run('one-positive', one);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/each class needs at least 20/);
    expect(job.modelId).toBeNull();
    expect(job.progress).toEqual([]);
  });
});
