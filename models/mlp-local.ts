// Domain-side MLP work for one FedAvg round: validation/train loss at the global weights, then local Adam epochs.
// FedAvg: McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized
// Data", AISTATS 2017. Adam: Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.

import { type MlpConfig, mlpLayers } from './mlp-config.ts';
import {
  buildNetwork,
  forwardLogits,
  gatherRows,
  getFlatWeights,
  setFlatWeights,
  standardise,
} from './mlp-network.ts';
import { mixSeed, SEED_TAG, shuffled, splitIndices } from './mlp-random.ts';
import type { LocalRows, Update } from './strategy.ts';
import * as tf from './tf.ts';

/** Where the standardised inputs and the split live in a job's enclave cache (one slot). */
const DESIGN_SLOT = 'mlp:design';

/** Rows per forward pass when only evaluating: bounds tensor memory on large domains. */
const EVAL_CHUNK = 8192;

interface Design {
  key: string;
  z: Float32Array;
  train: Uint32Array;
  validation: Uint32Array;
}

/**
 * What a FedAvg round sends to every domain.
 *
 * @example
 * const p: FedAvgParams = { weights, means, stds, round: 0, config: defaultMlpConfig };
 */
export interface FedAvgParams {
  weights: readonly number[];
  means: readonly number[];
  stds: readonly number[];
  round: number;
  config: MlpConfig;
}

/** Standardised inputs and the split are fixed for a job, so rounds after the first reuse them. */
function design(rows: LocalRows, p: FedAvgParams, cache: Map<string, unknown>): Design {
  // Number → string round-trips exactly, so equal keys mean bit-identical inputs and split.
  const key = `${rows.n}x${rows.d}|${p.means.join(',')}|${p.stds.join(',')}|${p.config.seed}|${p.config.validationFraction}`;
  const cached = cache.get(DESIGN_SLOT) as Design | undefined;
  if (cached && cached.key === key) return cached;
  const z = standardise(rows.x, rows.n, rows.d, p.means, p.stds);
  const fresh: Design = { key, z, ...splitIndices(rows.n, p.config.validationFraction, p.config.seed) };
  cache.set(DESIGN_SLOT, fresh);
  return fresh;
}

/**
 * Σ binary cross-entropy over the listed rows at the network's current weights (no dropout),
 * summed in float64 from per-row float32 losses computed on the logits.
 *
 * @example
 * sumBce(net, z, rows.y, d, validation); // e.g. 62.1 for 200 rows
 */
export function sumBce(
  net: tf.LayersModel,
  z: Float32Array,
  y: Float64Array,
  d: number,
  rowsToScore: Uint32Array,
): number {
  let total = 0;
  for (let from = 0; from < rowsToScore.length; from += EVAL_CHUNK) {
    const to = Math.min(rowsToScore.length, from + EVAL_CHUNK);
    const labels = new Float32Array(to - from);
    for (let k = from; k < to; k++) labels[k - from] = y[rowsToScore[k]!]!;
    const perRow = tf.tidy(() => {
      const x = tf.tensor2d(gatherRows(z, d, rowsToScore, from, to), [to - from, d]);
      const logits = forwardLogits(net, x);
      const yt = tf.tensor2d(labels, [to - from, 1]);
      return tf.losses.sigmoidCrossEntropy(yt, logits, undefined, 0, tf.Reduction.NONE);
    });
    const values = perRow.dataSync();
    perRow.dispose();
    for (let i = 0; i < values.length; i++) total += values[i]!;
  }
  return total;
}

/**
 * `localEpochs` epochs of Adam on the training rows, like `model.fit` with the Keras loss
 * (mean batch BCE + L2 kernel penalties) but synchronous, with a seeded shuffle per (seed, round,
 * epoch) and seeded dropout masks per batch. A fresh optimiser per round: only weights travel.
 *
 * @example
 * trainLocally(net, z, rows.y, d, train, config, 3);
 */
export function trainLocally(
  net: tf.LayersModel,
  z: Float32Array,
  y: Float64Array,
  d: number,
  train: Uint32Array,
  config: MlpConfig,
  round: number,
): void {
  if (train.length === 0 || config.learningRate === 0) return;
  const optimizer = tf.train.adam(config.learningRate);
  // LayerVariable.read() is the underlying tf.Variable the optimiser must update.
  const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
  try {
    for (let epoch = 0; epoch < config.localEpochs; epoch++) {
      const order = shuffled(train, mixSeed(config.seed, SEED_TAG.shuffle, round, epoch));
      for (let from = 0, batch = 0; from < order.length; from += config.batchSize, batch++) {
        const to = Math.min(order.length, from + config.batchSize);
        const labels = new Float32Array(to - from);
        for (let k = from; k < to; k++) labels[k - from] = y[order[k]!]!;
        const dropout = { rate: config.dropout, seed: mixSeed(config.seed, round, epoch, batch) };
        tf.tidy(() => {
          const xb = tf.tensor2d(gatherRows(z, d, order, from, to), [to - from, d]);
          const yb = tf.tensor2d(labels, [to - from, 1]);
          optimizer.minimize(
            () => {
              const data = tf.losses.sigmoidCrossEntropy(yb, forwardLogits(net, xb, dropout)) as tf.Scalar;
              // Asked per layer: a Sequential lists its layers' losses only once its inner model is built.
              const penalties = net.layers.flatMap((layer) => layer.calculateLosses());
              return penalties.length > 0 ? (tf.addN([data, ...penalties]) as tf.Scalar) : data;
            },
            false,
            variables,
          );
        });
      }
    }
  } finally {
    // Adam's moment estimates are variables that tidy does not collect.
    optimizer.dispose();
  }
}

/**
 * One domain's FedAvg update: Σ validation BCE and Σ training BCE at the INCOMING global weights,
 * then local training, returning n_train·w_local so that Σ(n·w)/Σn is the FedAvg average.
 * Everything is additive: `{ weights, n, valLoss, valRows, trainLoss }`.
 *
 * @example
 * const u = localFedAvg(rows, { weights, means, stds, round: 0, config }, new Map());
 * u.weights.length === weights.length; // true
 */
export function localFedAvg(rows: LocalRows, params: FedAvgParams, cache: Map<string, unknown>): Update {
  const { d, y } = rows;
  const { z, train, validation } = design(rows, params, cache);
  const net = buildNetwork(d, mlpLayers(params.config.hidden), params.config.l2);
  try {
    setFlatWeights(net, params.weights);
    const valLoss = sumBce(net, z, y, d, validation);
    const trainLoss = sumBce(net, z, y, d, train);
    trainLocally(net, z, y, d, train, params.config, params.round);
    const local = getFlatWeights(net);
    const nTrain = train.length;
    const weights = Array.from(local, (w) => w * nTrain);
    if (!weights.every(Number.isFinite)) throw new Error('mlp: local training diverged (non-finite weights)');
    return { weights, n: [nTrain], valLoss: [valLoss], valRows: [validation.length], trainLoss: [trainLoss] };
  } finally {
    net.dispose();
  }
}
