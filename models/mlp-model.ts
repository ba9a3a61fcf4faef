// A fitted federated MLP: its JSON form, scoring, and occlusion reason codes.
// Occlusion attribution: Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks",
// ECCV 2014 (here one feature at a time is set to its mean, i.e. 0 in standardised space).

import type { MlpLayerSpec } from './mlp-config.ts';
import { buildNetwork, checkWeights, forwardLogits, setFlatWeights, standardise } from './mlp-network.ts';
import { sigmoid } from './numeric.ts';
import { type PreparedScoring, topGroups } from './strategy.ts';
import * as tf from './tf.ts';

/**
 * A fitted MLP, plain JSON. The network reads standardised inputs (x − means) / stds with missing
 * values imputed by the mean (0 after standardising). `weights` is flattened kernel-then-bias per
 * dense layer, with `shapes` giving each piece; the last layer's activation is the sigmoid that
 * turns its logit into a probability. `backend` is for the host to record where it was trained.
 *
 * @example
 * const m: MlpModel = { kind: 'mlp', layers: mlpLayers([2]), weights, shapes: mlpShapes(3, mlpLayers([2])), means: [0, 0, 0], stds: [1, 1, 1] };
 */
export interface MlpModel {
  kind: 'mlp';
  layers: MlpLayerSpec[];
  weights: number[];
  shapes: number[][];
  means: number[];
  stds: number[];
  backend?: string;
}

/** Rows per forward pass when scoring: bounds tensor memory for large batches. */
const SCORE_CHUNK = 16384;

/** The model's network with its weights set; the caller disposes it. */
function networkOf(model: MlpModel): tf.Sequential {
  const d = model.means.length;
  checkWeights(model.weights, model.shapes, d, model.layers);
  const net = buildNetwork(d, model.layers, 0);
  try {
    setFlatWeights(net, model.weights);
  } catch (e) {
    net.dispose();
    throw e;
  }
  return net;
}

/** Logits (float32 network) of `n` standardised rows into `out` (float64), one forward pass. */
function forwardInto(net: tf.Sequential, z: Float32Array, n: number, d: number, out: Float64Array): void {
  const logits = tf.tidy(() => forwardLogits(net, tf.tensor2d(z, [n, d])));
  out.set(logits.dataSync());
  logits.dispose();
}

/** Logits (float32 network, returned as float64) of standardised rows, in chunks. */
function chunkedLogits(net: tf.Sequential, z: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let from = 0; from < n; from += SCORE_CHUNK) {
    const to = Math.min(n, from + SCORE_CHUNK);
    forwardInto(net, z.subarray(from * d, to * d), to - from, d, out.subarray(from, to));
  }
  return out;
}

/** Logits of standardised rows on a network built for the call. */
function logitsOf(model: MlpModel, z: Float32Array, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const net = networkOf(model);
  try {
    return chunkedLogits(net, z, n, model.means.length);
  } finally {
    net.dispose();
  }
}

/** Occlusion inputs of standardised rows: per row, the row itself, then it with each feature at 0. */
function occlusionInputs(base: Float32Array, rows: number, d: number): Float32Array {
  const z = new Float32Array(rows * (d + 1) * d);
  for (let i = 0; i < rows; i++) {
    const row = base.subarray(i * d, (i + 1) * d);
    const at = i * (d + 1) * d;
    for (let k = 0; k <= d; k++) {
      z.set(row, at + k * d);
      if (k > 0) z[at + k * d + (k - 1)] = 0;
    }
  }
  return z;
}

/**
 * Probability of the positive class for each row of a row-major n × d matrix; NaN is imputed
 * with the training mean. The network runs in float32 on the host's backend; the final sigmoid is
 * taken in float64 so small probabilities keep their precision.
 *
 * @example
 * predictMlp(model, new Float64Array([0.3, NaN, 2]), 1); // Float64Array [p]
 */
export function predictMlp(model: MlpModel, x: Float64Array, n: number): Float64Array {
  const d = model.means.length;
  if (x.length !== n * d) throw new Error(`predict: x has ${x.length} values, expected ${n}×${d}`);
  return logitsOf(model, standardise(x, n, d, model.means, model.stds), n).map(sigmoid);
}

/**
 * Occlusion contributions of one row: for each feature j, logit(row) − logit(row with x_j set to
 * its mean). One forward pass of d + 1 rows; a missing value is already the mean and gives 0.
 *
 * @example
 * occlusion(model, row); // [0.41, −0.02, 0, …] in logit units
 */
export function occlusion(model: MlpModel, row: Float64Array | number[]): number[] {
  const d = model.means.length;
  if (row.length !== d) throw new Error(`reasons: row has ${row.length} values, expected ${d}`);
  const base = standardise(Float64Array.from(row), 1, d, model.means, model.stds);
  const logits = logitsOf(model, occlusionInputs(base, 1, d), d + 1);
  return Array.from({ length: d }, (_, j) => logits[0]! - logits[j + 1]!);
}

/**
 * Reason codes: names of up to `limit` features whose occlusion raises the row's logit the most
 * (risk-increasing only), largest first; ties keep feature order.
 *
 * @example
 * mlpReasons(model, row, ['tax.paid', 'court.cases'], 3); // e.g. ['court.cases']
 */
export function mlpReasons(
  model: MlpModel,
  row: Float64Array | number[],
  featureNames: readonly string[],
  limit: number,
): string[] {
  if (featureNames.length !== model.means.length) {
    throw new Error(`reasons: ${featureNames.length} feature names for ${model.means.length} features`);
  }
  return occlusion(model, row)
    .map((value, j) => ({ value, j }))
    .filter((e) => e.value > 0)
    .sort((a, b) => b.value - a.value || a.j - b.j)
    .slice(0, Math.max(0, limit))
    .map((e) => featureNames[e.j]!);
}

/**
 * The model prepared for scoring batches: `predictMlp`'s probabilities and, per row, the groups of
 * `mlpReasons`' features (first `limit` distinct). The network is built on first use and kept
 * until `dispose`; the occlusion passes of many rows run as one forward pass per chunk of whole
 * rows instead of one pass per row.
 *
 * @example
 * const scoring = prepareMlpScoring(model, Int32Array.from([0, 0, 1]), 3);
 * scoring.reasons(x, n, out, counts);
 * scoring.dispose?.();
 */
export function prepareMlpScoring(model: MlpModel, groups: Int32Array, limit: number): PreparedScoring {
  const d = model.means.length;
  // Whole rows per forward pass (each row is d + 1 network inputs), within the chunk size.
  const perPass = Math.max(1, Math.floor(SCORE_CHUNK / (d + 1)));
  const c = new Float64Array(d);
  const best = new Float64Array(limit);
  let net: tf.Sequential | null = null;
  const network = () => {
    net ??= networkOf(model);
    return net;
  };
  return {
    predict(x, n) {
      if (x.length !== n * d) throw new Error(`predict: x has ${x.length} values, expected ${n}×${d}`);
      if (n === 0) return new Float64Array(0);
      return chunkedLogits(network(), standardise(x, n, d, model.means, model.stds), n, d).map(sigmoid);
    },
    reasons(x, n, out, counts) {
      if (groups.length !== d) throw new Error(`reasons: ${groups.length} feature groups for ${d} features`);
      if (x.length !== n * d) throw new Error(`reasons: x has ${x.length} values, expected ${n}×${d}`);
      if (n === 0) return;
      const logits = new Float64Array(Math.min(n, perPass) * (d + 1));
      for (let from = 0; from < n; from += perPass) {
        const rows = Math.min(n, from + perPass) - from;
        const base = standardise(x.subarray(from * d, (from + rows) * d), rows, d, model.means, model.stds);
        const inputs = rows * (d + 1);
        forwardInto(network(), occlusionInputs(base, rows, d), inputs, d, logits.subarray(0, inputs));
        for (let r = 0; r < rows; r++) {
          const at = r * (d + 1);
          for (let j = 0; j < d; j++) c[j] = logits[at]! - logits[at + j + 1]!;
          counts[from + r] = topGroups(c, groups, d, limit, out, (from + r) * limit, best);
        }
      }
    },
    dispose() {
      net?.dispose();
      net = null;
    },
  };
}
