import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabClient } from '../client-sdk/client.ts';
import type { Job, JobEvent } from '../client-sdk/contract/resources.ts';
import { type BankSession, bankSession } from './helpers/bank-session.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

describe('coordinator takeover', () => {
  let fx: StackFixture;
  let scientist: LabClient;
  let approve: BankSession['approve'];
  let labelSetId: string;
  let redis: Redis;

  beforeAll(async () => {
    fx = await stackFixture('takeover', { enterprises: 6000, seed: 3, coordinatorLockMs: 2000 });
    redis = new Redis(TEST_REDIS_URL);
    ({ scientist, approve, labelSetId } = await bankSession(fx));
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await fx?.close();
  });

  const submitApproved = async (): Promise<Job> => {
    const job = await scientist.jobs.submit({
      name: 'takeover',
      purpose: 'coordinator crash test',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic', l2: 0.5 },
      features: fx.world.commonFeatures,
    });
    await approve(job.id, 'ok');
    return job;
  };

  it('finishes the job after a SIGKILL and releases the identical model', async () => {
    const first = await submitApproved();
    // Follow the first job live over SSE while it runs.
    const events: JobEvent[] = [];
    for await (const ev of scientist.jobs.events(first.id)) events.push(ev);
    const undisturbed = await scientist.jobs.get(first.id);
    expect(undisturbed.status).toBe('succeeded');
    const rounds = events
      .filter((e) => e.type === 'progress')
      .map((e) => (e.type === 'progress' ? e.round : -1));
    expect(rounds).toEqual(undisturbed.progress.map((p) => p.round));
    expect(events.at(-1)).toMatchObject({
      type: 'status',
      status: 'succeeded',
      modelId: undisturbed.modelId,
    });

    const job = await submitApproved();
    // Kill as soon as the second Newton round's state is recorded: well before the job can finish.
    const runKey = `${fx.prefix}:run:${job.id}`;
    const deadline = Date.now() + 60_000;
    while (!(await redis.hexists(runKey, 'state:3'))) {
      if (Date.now() > deadline) throw new Error('job did not reach round 3');
      await new Promise((r) => setTimeout(r, 5));
    }
    await fx.stack.kill('coordinator');
    const atKill = await scientist.jobs.get(job.id);
    expect(atKill.status).toBe('running');

    // Nothing moves while no coordinator runs.
    await new Promise((r) => setTimeout(r, 2500));
    const stalled = await scientist.jobs.get(job.id);
    expect(stalled.status).toBe('running');

    await fx.stack.startCoordinator('coordinator-2');
    const finished = await scientist.jobs.wait(job.id, { timeoutMs: 120_000 });
    expect(finished.status).toBe('succeeded');
    expect(finished.progress.map((p) => p.round)).toEqual(undisturbed.progress.map((p) => p.round));

    const a = await scientist.models.get(undisturbed.modelId!);
    const b = await scientist.models.get(finished.modelId!);
    expect(b.rounds).toBe(a.rounds);
    const pa = a.parameters as { intercept: number; weights: number[] };
    const pb = b.parameters as { intercept: number; weights: number[] };
    expect(Math.abs(pb.intercept - pa.intercept)).toBeLessThanOrEqual(1e-9);
    const diffs = pb.weights.map((w, j) => Math.abs(w - pa.weights[j]!));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-9);
    expect(b.metrics.auc).toBeCloseTo(a.metrics.auc, 12);
  }, 240_000);
});
