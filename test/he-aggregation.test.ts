// CKKS aggregation through the whole lab: the same model as plain aggregation, no secret key or
// plaintext update in Redis, and a tampered ciphertext fails the job instead of releasing a model.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabClient } from '../client-sdk/client.ts';
import type { Job, Model } from '../client-sdk/contract/resources.ts';
import { queueNames } from '../lab/infra/redis.ts';
import { open } from '../lab/infra/seal.ts';
import { type BankSession, bankSession } from './helpers/bank-session.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

const WIRE_MAGIC = Buffer.from([0x4a, 0x4d, 0x4c, 0x48, 0x45, 0x01]);

/** Every value stored under the prefix, as raw bytes (strings, hashes, lists, sets, streams). */
async function allValues(redis: Redis, prefix: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') out.push((await redis.getBuffer(key))!);
      else if (type === 'hash') out.push(...Object.values(await redis.hgetallBuffer(key)));
      else if (type === 'list') out.push(...(await redis.lrangeBuffer(key, 0, -1)));
      else if (type === 'set') out.push(...(await redis.smembersBuffer(key)));
      else if (type === 'zset') out.push(...(await redis.zrangeBuffer(key, 0, -1)));
      else if (type === 'stream')
        for (const [, f] of await redis.xrange(key, '-', '+')) out.push(...f.map((v) => Buffer.from(v)));
    }
  } while (cursor !== '0');
  return out;
}

describe('CKKS aggregation', () => {
  let fx: StackFixture;
  let scientist: LabClient;
  let approve: BankSession['approve'];
  let labelSetId: string;
  let redis: Redis;

  beforeAll(async () => {
    fx = await stackFixture('ckks', { enterprises: 6000, seed: 9 });
    redis = new Redis(TEST_REDIS_URL);
    ({ scientist, approve, labelSetId } = await bankSession(fx));
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await fx?.close();
  });

  const submit = async (aggregation: 'plain' | 'ckks'): Promise<Job> => {
    const job = await scientist.jobs.submit({
      name: `ckks-${aggregation}`,
      purpose: 'homomorphic aggregation test',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic' },
      features: fx.world.commonFeatures,
      bankFeatures: ['internal_rating', 'loan_amount'],
      aggregation,
    });
    await approve(job.id, 'ok');
    return job;
  };
  const coefficients = (m: Model) => {
    const p = m.parameters as { intercept: number; weights: number[] };
    return [p.intercept, ...p.weights];
  };

  let heJob: Job;

  it('gives the plain model: coefficients within 1e-6 relative, the same AUC to 4 decimals', async () => {
    const plain = await scientist.jobs.wait((await submit('plain')).id);
    heJob = await scientist.jobs.wait((await submit('ckks')).id);
    expect(plain.status).toBe('succeeded');
    expect(heJob.status).toBe('succeeded');
    const a = await scientist.models.get(plain.modelId!);
    const b = await scientist.models.get(heJob.modelId!);
    const ca = coefficients(a);
    const cb = coefficients(b);
    const worst = Math.max(...ca.map((c, i) => Math.abs(c - cb[i]!) / Math.max(Math.abs(c), 1e-12)));
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(b.metrics.auc.toFixed(4)).toBe(a.metrics.auc.toFixed(4));
    expect(heJob.progress.length).toBeGreaterThan(3);
  }, 240_000);

  it('leaves no secret key and no plaintext update in Redis', async () => {
    const run = await redis.hgetall(`${fx.prefix}:run:${heJob.id}`);
    const keys = JSON.parse(run['he:keys']!) as { sealed: Record<string, string> };
    const domain = fx.world.domains[0]!.id;
    const manifest = JSON.parse(
      await readFile(path.join(fx.worldDir, 'domains', domain, 'manifest.json'), 'utf8'),
    );
    const pem = await readFile(path.join(fx.worldDir, 'domains', domain, manifest.keys.privateKey), 'utf8');
    const box = (await redis.getBuffer(`${fx.prefix}:blob:${keys.sealed[domain]!.slice(7)}`))!;
    const secretKey = open(pem, box, Buffer.from(`${heJob.id}:ckks-secret-key`));
    expect(secretKey.length).toBeGreaterThan(1000);
    const needles = [
      secretKey.subarray(200, 232),
      Buffer.from(secretKey.subarray(600, 648).toString('base64')),
    ];
    const values = await allValues(redis, fx.prefix);
    for (const v of values) for (const n of needles) expect(v.includes(n)).toBe(false);

    // Every domain result of the job carries ciphertext references, never an update in the clear.
    let results = 0;
    for (const d of fx.world.domains) {
      const queue = new Queue(queueNames.domain(d.id), {
        connection: { url: TEST_REDIS_URL },
        prefix: `${fx.prefix}:bull`,
      });
      for (const j of await queue.getJobs(['completed'])) {
        if (!j.id?.startsWith(heJob.id)) continue;
        results++;
        expect(j.returnvalue.update).toEqual({});
      }
      await queue.close();
    }
    expect(results).toBeGreaterThanOrEqual(heJob.progress.length * fx.world.domains.length);
  });

  it('fails the job with an integrity error when a ciphertext blob is altered; no model is released', async () => {
    const queues = fx.world.domains.map(
      (d) =>
        new Queue(queueNames.domain(d.id), {
          connection: { url: TEST_REDIS_URL },
          prefix: `${fx.prefix}:bull`,
        }),
    );
    // Hold the domains from the start and let the job through one round at a time, so the
    // ciphertexts are altered between two rounds whatever the machine's speed.
    await Promise.all(queues.map((q) => q.pause()));
    const counts = () => Promise.all(queues.map((q) => q.getJobCounts('active', 'wait')));
    const until = async (what: string, cond: () => Promise<boolean>) => {
      const deadline = Date.now() + 60_000;
      while (!(await cond())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const held = async () => (await counts()).every((c) => c.active === 0 && (c.wait ?? 0) > 0);
    const job = await submit('ckks');
    await until('the first domain tasks', held);
    while ((await scientist.jobs.get(job.id)).progress.length < 2) {
      await Promise.all(queues.map((q) => q.resume()));
      await until('the domains to take their tasks', async () =>
        (await counts()).every((c) => (c.wait ?? 0) === 0),
      );
      await Promise.all(queues.map((q) => q.pause()));
      await until('the next domain tasks', held);
    }
    expect((await scientist.jobs.get(job.id)).status).toBe('running');
    let altered = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${fx.prefix}:blob:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const bytes = (await redis.getBuffer(key))!;
        if (!bytes.subarray(0, WIRE_MAGIC.length).equals(WIRE_MAGIC)) continue;
        const at = Math.floor(bytes.length / 2);
        await redis.setrange(key, at, String.fromCharCode(bytes[at]! ^ 0xff));
        altered++;
      }
    } while (cursor !== '0');
    expect(altered).toBeGreaterThan(0);
    await Promise.all(queues.map((q) => q.resume()));
    const done = await scientist.jobs.wait(job.id, { timeoutMs: 120_000 });
    await Promise.all(queues.map((q) => q.close()));
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/does not match its hash|integrity/);
    expect(done.modelId).toBeNull();
    expect(await redis.exists(`${fx.prefix}:model:mdl_${job.id.slice(4)}`)).toBe(0);
  }, 240_000);
});
