// A domain broker SIGKILLed while it computes a round: BullMQ's stalled-job recovery hands the task
// to a replacement broker, and the job releases the same model as an undisturbed run.
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabClient } from '../client-sdk/client.ts';
import type { Job } from '../client-sdk/contract/resources.ts';
import { queueNames } from '../lab/infra/redis.ts';
import { type BankSession, bankSession } from './helpers/bank-session.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

describe('broker takeover', () => {
  let fx: StackFixture;
  let scientist: LabClient;
  let approve: BankSession['approve'];
  let labelSetId: string;

  beforeAll(async () => {
    // No warm spares: each job's first round starts its enclave cold, so the task stays active
    // long enough to kill its broker in the middle of it.
    fx = await stackFixture('broker', {
      enterprises: 6000,
      seed: 5,
      brokerLockMs: 2000,
      brokerWarmIdleMs: 3_600_000,
    });
    ({ scientist, approve, labelSetId } = await bankSession(fx));
  }, 120_000);
  afterAll(() => fx?.close());

  const submitApproved = async (): Promise<Job> => {
    const job = await scientist.jobs.submit({
      name: 'broker-takeover',
      purpose: 'broker crash test',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic' },
      features: fx.world.commonFeatures,
    });
    await approve(job.id, 'ok');
    return job;
  };

  it('re-runs the task on another broker and releases the identical model', async () => {
    const undisturbed = await scientist.jobs.wait((await submitApproved()).id);
    expect(undisturbed.status).toBe('succeeded');

    const victim = fx.world.domains[0]!.id;
    const queue = new Queue(queueNames.domain(victim), {
      connection: { url: TEST_REDIS_URL },
      prefix: `${fx.prefix}:bull`,
    });
    const job = await submitApproved();
    // Round 0 starts the job's enclave and loads its rows: the task is active for a while. Kill then.
    const childId = `${job.id}.r0.${victim}`;
    const deadline = Date.now() + 60_000;
    while ((await (await queue.getJob(childId))?.getState()) !== 'active') {
      if (Date.now() > deadline) throw new Error('round 0 task never became active');
      await new Promise((r) => setTimeout(r, 5));
    }
    await fx.stack.kill(`broker:${victim}`);
    expect(await (await queue.getJob(childId))!.getState()).toBe('active');
    await fx.stack.startBroker(path.join(fx.worldDir, 'domains', victim), `broker:${victim}-2`);

    const finished = await scientist.jobs.wait(job.id, { timeoutMs: 120_000 });
    expect(finished.status).toBe('succeeded');
    const task = (await queue.getJob(childId))!;
    expect(task.stalledCounter ?? 0).toBeGreaterThanOrEqual(1);
    await queue.close();

    const a = (await scientist.models.get(undisturbed.modelId!)).parameters as {
      intercept: number;
      weights: number[];
    };
    const b = (await scientist.models.get(finished.modelId!)).parameters as {
      intercept: number;
      weights: number[];
    };
    expect(Math.abs(a.intercept - b.intercept)).toBeLessThanOrEqual(1e-9);
    expect(Math.max(...a.weights.map((w, j) => Math.abs(w - b.weights[j]!)))).toBeLessThanOrEqual(1e-9);
  }, 240_000);
});
