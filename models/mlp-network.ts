// The MLP as a TensorFlow.js layers model: construction, flat weight I/O, logits, input standardisation.
// Dropout: Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
// JMLR 2014.

import { type MlpLayerSpec, mlpShapes, weightCount } from './mlp-config.ts';
import { mixSeed, SEED_TAG } from './mlp-random.ts';
import * as tf from './tf.ts';

/** Fixed layer names make weight names (`mlp_dense_0/kernel`, …) stable across processes. */
const denseName = (k: number): string => `mlp_dense_${k}`;

/**
 * Builds the network on the active backend (the host chose it): dense layers named
 * `mlp_dense_<k>`, ReLU hidden layers, a LINEAR last dense layer and a separate sigmoid
 * `Activation` layer. Keeping the sigmoid apart lets training and reason codes read the logit,
 * whose cross-entropy is stable where a float32 probability would saturate. `l2 > 0` attaches
 * Keras-style L2 kernel regularisers. Initialisers are seeded, but the weights are always
 * overwritten with `setFlatWeights`. The caller owns the model and must `dispose()` it.
 *
 * @example
 * const net = buildNetwork(23, mlpLayers([32, 16]), 1e-4);
 * net.dispose();
 */
export function buildNetwork(
  featureCount: number,
  layers: readonly MlpLayerSpec[],
  l2: number,
): tf.Sequential {
  const net = tf.sequential({ name: 'mlp' });
  layers.forEach((spec, k) => {
    const last = k === layers.length - 1;
    net.add(
      tf.layers.dense({
        name: denseName(k),
        units: spec.units,
        activation: last ? 'linear' : spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: k }),
        biasInitializer: 'zeros',
        ...(l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {}),
        ...(k === 0 ? { inputShape: [featureCount] } : {}),
      }),
    );
    if (last) net.add(tf.layers.activation({ name: 'mlp_output', activation: spec.activation }));
  });
  return net;
}

/**
 * Loads a flattened weight vector (kernel then bias per dense layer) into the network, checking
 * it against the shapes the network actually has.
 *
 * @example
 * setFlatWeights(net, model.weights);
 */
export function setFlatWeights(net: tf.LayersModel, flat: ArrayLike<number>): void {
  const shapes = net.weights.map((w) => w.shape as number[]);
  if (flat.length !== weightCount(shapes)) {
    throw new Error(`mlp: ${flat.length} weights for a network with ${weightCount(shapes)}`);
  }
  const values = Float32Array.from(flat as ArrayLike<number>);
  let offset = 0;
  const tensors = shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(values.subarray(offset, offset + size), shape, 'float32');
    offset += size;
    return t;
  });
  // setWeights copies into the layer variables, so the temporaries can go at once.
  net.setWeights(tensors);
  for (const t of tensors) t.dispose();
}

/**
 * The network's weights flattened in the same order `setFlatWeights` reads them (float32).
 *
 * @example
 * const w = getFlatWeights(net); // Float32Array
 */
export function getFlatWeights(net: tf.LayersModel): Float32Array {
  const shapes = net.weights.map((w) => w.shape as number[]);
  const out = new Float32Array(weightCount(shapes));
  let offset = 0;
  for (const w of net.weights) {
    const values = w.read().dataSync() as Float32Array;
    out.set(values, offset);
    offset += values.length;
  }
  return out;
}

/**
 * Whether a flat weight vector fits a network with these inputs and layers.
 *
 * @example
 * checkWeights(model.weights, model.shapes, 23, model.layers);
 */
export function checkWeights(
  weights: readonly number[],
  shapes: readonly number[][],
  featureCount: number,
  layers: readonly MlpLayerSpec[],
): void {
  const expected = mlpShapes(featureCount, layers);
  if (JSON.stringify(expected) !== JSON.stringify(shapes) || weights.length !== weightCount(expected)) {
    throw new Error(
      `mlp: weights/shapes do not fit ${featureCount} inputs and layers ${JSON.stringify(layers)}`,
    );
  }
}

/**
 * Logits [rows, 1] of a batch of standardised inputs, skipping the final sigmoid. With `dropout`,
 * units after each hidden layer are dropped the way the Keras Dropout layer does (`tf.dropout`),
 * but with a seed per (batch seed, layer): a Dropout layer's fixed `seed` would reseed the
 * generator on every call and so drop the same units in every batch. Call inside `tf.tidy`.
 *
 * @example
 * const logits = tf.tidy(() => forwardLogits(net, xb, { rate: 0.1, seed: batchSeed }));
 */
export function forwardLogits(
  net: tf.LayersModel,
  x: tf.Tensor2D,
  dropout?: { rate: number; seed: number },
): tf.Tensor2D {
  const dense = net.layers.filter((layer) => layer.getClassName() === 'Dense');
  let h = x;
  dense.forEach((layer, k) => {
    h = layer.apply(h) as tf.Tensor2D;
    if (dropout && dropout.rate > 0 && k < dense.length - 1) {
      h = tf.dropout(h, dropout.rate, undefined, mixSeed(dropout.seed, SEED_TAG.dropout, k)) as tf.Tensor2D;
    }
  });
  return h;
}

/**
 * Row-major float32 network inputs (x − mean) / std, computed in float64 first; a missing value
 * (NaN) is imputed with the mean, i.e. becomes 0.
 *
 * @example
 * standardise(new Float64Array([1, NaN]), 1, 2, [0, 5], [2, 1]); // Float32Array [0.5, 0]
 */
export function standardise(
  x: Float64Array,
  n: number,
  d: number,
  means: readonly number[],
  stds: readonly number[],
): Float32Array {
  const z = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      z[i * d + j] = Number.isNaN(v) ? 0 : (v - means[j]!) / stds[j]!;
    }
  }
  return z;
}

/**
 * Copies the listed rows of a row-major float32 matrix (rows `from`..`to` of `order`).
 *
 * @example
 * gatherRows(z, 23, order, 0, 256); // the first batch, 256 × 23
 */
export function gatherRows(
  z: Float32Array,
  d: number,
  order: Uint32Array,
  from: number,
  to: number,
): Float32Array {
  const out = new Float32Array((to - from) * d);
  for (let k = from; k < to; k++) {
    const i = order[k]!;
    out.set(z.subarray(i * d, (i + 1) * d), (k - from) * d);
  }
  return out;
}
