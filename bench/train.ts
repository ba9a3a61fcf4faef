// `npm run bench:train`: federated logistic regression (1M rows × 40 features, 4 domains, plain
// aggregation) through the whole lab, against the same code fitted on the pooled rows in one process.
import { parseArgs } from 'node:util';
import { loadDomainTable } from '../enclave-worker/data/columns.ts';
import { loadManifest } from '../enclave-worker/data/manifest.ts';
import { initBackend, tfOps } from '../enclave-worker/enclave/backend.ts';
import { jobRows } from '../enclave-worker/enclave/rows.ts';
import { fitFederated, poolRows } from '../models/driver.ts';
import { strategyFor } from '../models/registry.ts';
import { benchStack } from './federated-stack.ts';

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

async function main() {
  const features = Number(values.features);
  const domains = Number(values.domains);
  const bench = await benchStack({ rows: Number(values.rows), features, domains, showLogs: !values.json });
  try {
    const { job, model, ms: federatedMs } = await bench.run('plain');
    say(`federated: ${federatedMs.toFixed(0)} ms approval → model, ${job.progress.length} rounds`);
    for (const p of job.progress)
      say(
        `  round ${p.round} ${p.phase}: at ${p.elapsedMs} ms, slowest domain computed ${p.computeMs.toFixed(0)} ms`,
      );

    // The same rows, the same encoding, the same strategy, one process.
    await initBackend();
    const pooledInputs = [];
    for (const dir of bench.dirs) {
      const table = await loadDomainTable(dir, await loadManifest(dir));
      const load = {
        type: 'load' as const,
        id: 0,
        jobId: job.id,
        modelKind: 'logistic' as const,
        encoding: job.encoding,
        bankFeatures: [],
        labels: { source: 'domain' as const, column: 'loans.y' },
        validation: { split: 'none' as const },
        minCohort: 1,
        minClassCohort: 1,
        dp: false,
      };
      pooledInputs.push(jobRows(load, table).train);
    }
    const pooled = poolRows(pooledInputs);
    const t1 = performance.now();
    const fit = fitFederated(strategyFor('logistic'), job.spec.model, [pooled], tfOps);
    const pooledMs = performance.now() - t1;
    const released = model.parameters as { weights: number[] };
    const reference = fit.model as unknown as { weights: number[] };
    const maxDiff = Math.max(...released.weights.map((w, j) => Math.abs(w - reference.weights[j]!)));
    // Enclave compute: the slowest domain's compute per round, summed over rounds (domains run in parallel).
    const enclaveMs = job.progress.reduce((s, p) => s + p.computeMs, 0);
    say(
      `pooled in-process fit: ${pooledMs.toFixed(0)} ms, ${fit.rounds} rounds; max coefficient difference ${maxDiff.toExponential(2)}`,
    );
    console.log(
      JSON.stringify({
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
      }),
    );
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error('bench:train failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
