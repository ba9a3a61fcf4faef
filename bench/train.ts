// `npm run bench:train`: federated logistic regression (1M rows × 40 features, 4 domains, plain
// aggregation) through the whole lab, against the same code fitted on the pooled rows in one process.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LabClient } from '../client-sdk/client.ts';
import { loadDomainTable } from '../enclave-worker/data/columns.ts';
import { loadManifest } from '../enclave-worker/data/manifest.ts';
import { initBackend, tfOps } from '../enclave-worker/enclave/backend.ts';
import { jobRows } from '../enclave-worker/enclave/rows.ts';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { fitFederated, poolRows } from '../models/driver.ts';
import { strategyFor } from '../models/registry.ts';
import { dropPrefix, ensureRedis } from '../scripts/lib/redis.ts';
import { waitForDomains } from '../scripts/lib/scenario.ts';
import { startStack } from '../scripts/lib/stack.ts';
import { writeTrainDomain } from './train-data.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '40' },
    domains: { type: 'string', default: '4' },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};
const rows = Number(values.rows);
const features = Number(values.features);
const domains = Number(values.domains);

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'jml-bench-train-'));
  const redis = await ensureRedis();
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  try {
    const per = Math.floor(rows / domains);
    const dirs = Array.from({ length: domains }, (_, k) => path.join(work, `bench-${k + 1}`));
    let names: string[] = [];
    for (const [k, dir] of dirs.entries()) {
      names = await writeTrainDomain(dir, {
        id: `bench-${k + 1}`,
        rows: per,
        features,
        firstId: k * per,
        seed: 100 + k,
      });
    }
    say(`wrote ${domains} domains × ${per} rows × ${features} features`);

    const conn = connectRedis(redis.url);
    const mk = async (role: 'operator' | 'bank-scientist', tenant: string) =>
      (await createApiKey(conn, labKeys(prefix), { role, tenant, name: 'bench' })).key;
    const keys = {
      operator: await mk('operator', 'platform'),
      scientist: await mk('bank-scientist', 'bank-bench'),
    };
    conn.disconnect();
    stack = await startStack({
      redisUrl: redis.url,
      prefix,
      masterKey: randomBytes(32).toString('base64'),
      domainDirs: dirs,
      showLogs: !values.json,
    });
    const ops = new LabClient({ baseUrl: stack.url, apiKey: keys.operator });
    const bank = new LabClient({ baseUrl: stack.url, apiKey: keys.scientist });
    await waitForDomains(ops, domains);
    // A steady-state service: every broker has its warm enclave ready before the job is approved.
    const status = connectRedis(redis.url);
    for (const k of dirs.keys()) {
      const key = labKeys(prefix).domainStatus(`bench-${k + 1}`);
      while (!JSON.parse((await status.get(key)) ?? '{}').spareReady)
        await new Promise((r) => setTimeout(r, 100));
    }
    status.disconnect();
    const submitted = await bank.jobs.submit({
      name: 'bench-train',
      purpose: 'training benchmark',
      model: { kind: 'logistic', l2: 1 },
      features: names,
      labels: { source: 'domain', column: 'loans.y' },
      validation: { split: 'none' },
      encoding: { missingIndicators: false, minCategoryCount: 50 },
    });
    const t0 = performance.now();
    await ops.jobs.approve(submitted.id, 'benchmark');
    const job = await bank.jobs.wait(submitted.id, { intervalMs: 20, timeoutMs: 30 * 60_000 });
    const federatedMs = performance.now() - t0;
    if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${job.error}`);
    const model = await bank.models.get(job.modelId!);
    say(`federated: ${federatedMs.toFixed(0)} ms approval → model, ${job.progress.length} rounds`);
    for (const p of job.progress)
      say(
        `  round ${p.round} ${p.phase}: at ${p.elapsedMs} ms, slowest domain computed ${p.computeMs.toFixed(0)} ms`,
      );
    await stack.stop();
    stack = null;

    // The same rows, the same encoding, the same strategy, one process.
    await initBackend();
    const pooledInputs = [];
    for (const dir of dirs) {
      const manifest = await loadManifest(dir);
      const table = await loadDomainTable(dir, manifest);
      pooledInputs.push(
        jobRows(
          {
            type: 'load',
            id: 0,
            jobId: job.id,
            modelKind: 'logistic',
            encoding: job.encoding,
            bankFeatures: [],
            labels: { source: 'domain', column: 'loans.y' },
            validation: { split: 'none' },
            minCohort: 1,
          },
          table,
        ).train,
      );
    }
    const pooled = poolRows(pooledInputs);
    const strategy = strategyFor('logistic');
    const t1 = performance.now();
    const fit = fitFederated(strategy, job.spec.model, [pooled], tfOps);
    const pooledMs = performance.now() - t1;
    const released = model.parameters as { weights: number[] };
    const reference = fit.model as unknown as { weights: number[] };
    const maxDiff = Math.max(...released.weights.map((w, j) => Math.abs(w - reference.weights[j]!)));
    // Enclave compute: the slowest domain's compute per round, summed over rounds (domains run in parallel).
    const enclaveMs = job.progress.reduce((s, p) => s + p.computeMs, 0);
    say(
      `pooled in-process fit: ${pooledMs.toFixed(0)} ms, ${fit.rounds} rounds; max coefficient difference ${maxDiff.toExponential(2)}`,
    );
    const out = {
      federatedMs: Math.round(federatedMs),
      enclaveMs: Math.round(enclaveMs),
      pooledMs: Math.round(pooledMs),
      ratio: Number((federatedMs / pooledMs).toFixed(3)),
      rows: pooled.n,
      features,
      domains,
      rounds: job.progress.length,
      maxCoefDiff: maxDiff,
      backend: model.backend,
    };
    console.log(JSON.stringify(out));
  } finally {
    await stack?.stop();
    await dropPrefix(redis.url, prefix).catch(() => undefined);
    await redis.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('bench:train failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
