// The sandbox changes where enclaves run, not what they compute: one job, sandboxed and not, same model.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../client-sdk/contract/resources.ts';
import { labKeys, queueNames } from '../lab/infra/redis.ts';
import type { LogisticModel } from '../models/logistic-model.ts';
import { bankSession } from './helpers/bank-session.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

/** Submits, approves and waits for the one logistic job both stacks run; returns its model. */
async function trainOnce(fx: StackFixture): Promise<Model> {
  const { scientist, approve, labelSetId } = await bankSession(fx);
  const submitted = await scientist.jobs.submit({
    name: 'sandbox-equivalence',
    purpose: 'same job with and without the enclave sandbox',
    labels: { source: 'bank', labelSetId },
    model: { kind: 'logistic', l2: 1 },
    features: fx.world.commonFeatures,
  });
  await approve(submitted.id, 'ok');
  const job = await scientist.jobs.wait(submitted.id, { timeoutMs: 180_000 });
  if (job.status !== 'succeeded') throw new Error(`job ${job.id} ended ${job.status}: ${job.error ?? ''}`);
  return scientist.models.get(job.modelId!);
}

/** The `sandboxed` marks of every finished train task, read from the domain queues of a stack. */
async function sandboxMarks(fx: StackFixture): Promise<unknown[]> {
  const marks: unknown[] = [];
  for (const d of fx.world.domains) {
    const queue = new Queue(queueNames.domain(d.id), {
      connection: { url: TEST_REDIS_URL },
      prefix: labKeys(fx.prefix).bull,
    });
    const done = await queue.getJobs(['completed']);
    await queue.close();
    marks.push(...done.filter((j) => j.name === 'train').map((j) => j.returnvalue?.sandboxed));
  }
  return marks;
}

const coefficients = (m: Model) => {
  const p = m.parameters as unknown as LogisticModel;
  return [p.intercept, ...p.weights, ...p.beta];
};

describe('sandbox equivalence', () => {
  let boxed: StackFixture;
  let unboxed: StackFixture;
  let boxedModel: Model;
  let unboxedModel: Model;

  beforeAll(async () => {
    boxed = await stackFixture('sandboxed', { enterprises: 4000, seed: 3 });
    unboxed = await stackFixture('unsandboxed', { reuseWorld: boxed, unsafeNoSandbox: true });
    [boxedModel, unboxedModel] = await Promise.all([trainOnce(boxed), trainOnce(unboxed)]);
  }, 240_000);
  afterAll(async () => {
    await unboxed?.close();
    await boxed?.close();
  });

  it('releases bit-identical coefficients and equal holdout metrics', () => {
    // Both run the wasm backend over the same rows in the same order: nothing may differ, not even the last bit.
    expect(boxedModel.backend).toBe('wasm');
    expect(unboxedModel.backend).toBe('wasm');
    expect(unboxedModel.inputs).toEqual(boxedModel.inputs);
    expect(unboxedModel.rounds).toBe(boxedModel.rounds);
    const a = coefficients(boxedModel);
    const b = coefficients(unboxedModel);
    expect(b).toHaveLength(a.length);
    expect(Math.max(...a.map((v, j) => Math.abs(v - b[j]!)))).toBe(0);
    expect(unboxedModel.parameters).toEqual(boxedModel.parameters);
    expect(boxedModel.metrics.sample).toBe('holdout');
    expect(unboxedModel.metrics).toEqual(boxedModel.metrics);
  });

  it('marks each domain result with whether its enclave was sandboxed', async () => {
    const boxedMarks = await sandboxMarks(boxed);
    const unboxedMarks = await sandboxMarks(unboxed);
    expect(boxedMarks.length).toBeGreaterThanOrEqual(boxed.world.domains.length);
    expect(unboxedMarks).toHaveLength(boxedMarks.length);
    expect(new Set(boxedMarks)).toEqual(new Set([true]));
    expect(new Set(unboxedMarks)).toEqual(new Set([false]));
  });
});
