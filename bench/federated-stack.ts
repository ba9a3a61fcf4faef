// Shared by the training benchmarks: labelled benchmark domains, the whole lab started on them, and
// a timed job (approval → model) through the SDK.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LabClient } from '../client-sdk/client.ts';
import type { JobSpecInput } from '../client-sdk/contract/job-spec.ts';
import type { Job, Model } from '../client-sdk/contract/resources.ts';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { approveWith } from '../scripts/lib/approval.ts';
import { dropPrefix, ensureRedis } from '../scripts/lib/redis.ts';
import { waitForDomains } from '../scripts/lib/scenario.ts';
import { startStack } from '../scripts/lib/stack.ts';
import { writeTrainDomain } from './train-data.ts';

export interface BenchStack {
  dirs: string[];
  features: string[];
  /** One job, logistic regression on every row unless `model` and `validation` say otherwise. */
  run(
    aggregation: 'plain' | 'ckks',
    job?: Partial<Pick<JobSpecInput, 'model' | 'validation'>>,
  ): Promise<{ job: Job; model: Model; ms: number }>;
  close(): Promise<void>;
}

/**
 * @example
 * const bench = await benchStack({ rows: 1_000_000, features: 40, domains: 4, showLogs: true });
 * const { ms } = await bench.run('plain'); await bench.close();
 */
export async function benchStack(opts: {
  rows: number;
  features: number;
  domains: number;
  showLogs: boolean;
}): Promise<BenchStack> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'jml-bench-'));
  const redis = await ensureRedis();
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const per = Math.floor(opts.rows / opts.domains);
  const dirs = Array.from({ length: opts.domains }, (_, k) => path.join(work, `bench-${k + 1}`));
  let features: string[] = [];
  for (const [k, dir] of dirs.entries()) {
    features = await writeTrainDomain(dir, {
      id: `bench-${k + 1}`,
      rows: per,
      features: opts.features,
      firstId: k * per,
      seed: 100 + k,
    });
  }
  const conn = connectRedis(redis.url);
  const mk = async (role: 'operator' | 'bank-scientist', tenant: string) =>
    (await createApiKey(conn, labKeys(prefix), { role, tenant, name: 'bench' })).key;
  const keys = {
    operator: await mk('operator', 'platform'),
    operator2: await mk('operator', 'platform'),
    scientist: await mk('bank-scientist', 'bank-bench'),
  };
  const stack = await startStack({
    redisUrl: redis.url,
    prefix,
    masterKey: randomBytes(32).toString('base64'),
    domainDirs: dirs,
    showLogs: opts.showLogs,
  });
  const ops = new LabClient({ baseUrl: stack.url, apiKey: keys.operator });
  const ops2 = new LabClient({ baseUrl: stack.url, apiKey: keys.operator2 });
  const bank = new LabClient({ baseUrl: stack.url, apiKey: keys.scientist });
  await waitForDomains(ops, opts.domains);

  // A steady-state service: every broker has its warm enclave ready before a job is approved.
  const warmed = async () => {
    for (const k of dirs.keys()) {
      const key = labKeys(prefix).domainStatus(`bench-${k + 1}`);
      while (!JSON.parse((await conn.get(key)) ?? '{}').spareReady)
        await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    dirs,
    features,
    async run(aggregation, spec = {}) {
      await warmed();
      const submitted = await bank.jobs.submit({
        name: `bench-${aggregation}`,
        purpose: 'training benchmark',
        model: spec.model ?? { kind: 'logistic', l2: 1 },
        features,
        labels: { source: 'domain', column: 'loans.y' },
        validation: spec.validation ?? { split: 'none' },
        encoding: { missingIndicators: false, minCategoryCount: 50 },
        aggregation,
      });
      const t0 = performance.now();
      await approveWith([ops, ops2], submitted.id, 'benchmark');
      const job = await bank.jobs.wait(submitted.id, { intervalMs: 20, timeoutMs: 30 * 60_000 });
      const ms = performance.now() - t0;
      if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${job.error}`);
      return { job, model: await bank.models.get(job.modelId!), ms };
    },
    async close() {
      conn.disconnect();
      await stack.stop();
      await dropPrefix(redis.url, prefix).catch(() => undefined);
      await redis.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
