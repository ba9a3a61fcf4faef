// `npm run bench:gbdt`: federated gradient-boosted trees (100 trees, 1M rows × 40 features over 4
// domains, plain aggregation) through the whole lab; wall time approval → model, trees per second
// and the holdout AUC, as JSON on the last line.
import { parseArgs } from 'node:util';
import type { GbdtModel } from '../models/gbdt-model.ts';
import { benchStack } from './federated-stack.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '40' },
    domains: { type: 'string', default: '4' },
    trees: { type: 'string', default: '100' },
    depth: { type: 'string', default: '5' },
    aggregation: { type: 'string', default: 'plain' },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};

async function main() {
  const trees = Number(values.trees);
  const aggregation = values.aggregation === 'ckks' ? 'ckks' : 'plain';
  const bench = await benchStack({
    rows: Number(values.rows),
    features: Number(values.features),
    domains: Number(values.domains),
    showLogs: !values.json,
  });
  try {
    // Patience as long as the run: every tree is grown, so trees/s measures growing trees.
    const { job, model, ms } = await bench.run(aggregation, {
      model: { kind: 'gbdt', trees, maxDepth: Number(values.depth), patience: trees },
      validation: { split: 'hash', holdoutFraction: 0.2, seed: 1 },
    });
    const grown = (model.parameters as unknown as GbdtModel).trees.length;
    const computeMs = job.progress.reduce((s, p) => s + p.computeMs, 0);
    say(
      `${grown} trees in ${(ms / 1000).toFixed(1)} s (approval → model), ${job.progress.length} rounds, ` +
        `slowest-domain compute ${(computeMs / 1000).toFixed(1)} s; holdout AUC ${model.metrics.auc.toFixed(4)}`,
    );
    console.log(
      JSON.stringify({
        wallMs: Math.round(ms),
        treesPerSec: Number((grown / (ms / 1000)).toFixed(3)),
        auc: model.metrics.auc,
        trees: grown,
        rounds: job.progress.length,
        computeMs: Math.round(computeMs),
        aggregation,
      }),
    );
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error('bench:gbdt failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
