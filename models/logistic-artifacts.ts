// Exports a fitted logistic regression as TensorFlow.js layers-model artifacts (one sigmoid unit).

import type { LogisticModel } from './logistic-model.ts';
import * as tf from './tf.ts';

/** A fixed layer name keeps the weight names (`logistic_dense/kernel`, `/bias`) stable. */
const LAYER = 'logistic_dense';

/**
 * In-memory TF.js artifacts of a logistic regression: a single Dense(1, sigmoid) layer whose kernel
 * and bias are the model's ORIGINAL-unit weights and intercept — the standardisation is folded in,
 * so the network reads the encoded inputs as they are. It cannot impute: a missing value must be
 * replaced by its training mean (`userDefinedMetadata.means`) before predicting.
 *
 * @example
 * const net = await tf.loadLayersModel(tf.io.fromMemory(logisticToTfjsArtifacts(model)));
 */
export interface LogisticTfjsArtifacts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  format: 'layers-model';
  userDefinedMetadata: { means: number[]; input: string };
}

/**
 * Builds the artifacts without touching storage. Needs a TF.js backend (any) only to instantiate
 * the layer whose topology is serialised; the weights are the model's, rounded to float32.
 *
 * @example
 * const a = logisticToTfjsArtifacts(model);
 * const net = await tf.loadLayersModel(tf.io.fromMemory(a));
 * net.predict(tf.tensor2d(encodedRowsWithMeansForMissing, [n, d])); // probabilities, n × 1
 */
export function logisticToTfjsArtifacts(model: LogisticModel): LogisticTfjsArtifacts {
  const d = model.weights.length;
  if (model.means.length !== d) throw new Error(`logistic: ${model.means.length} means for ${d} weights`);
  const net = tf.sequential({ name: 'logistic' });
  try {
    net.add(tf.layers.dense({ name: LAYER, units: 1, activation: 'sigmoid', inputShape: [d] }));
    // toJSON(…, false) returns the topology object rather than its string.
    const modelTopology = net.toJSON(null, false) as object;
    const weightSpecs = [
      { name: `${LAYER}/kernel`, shape: [d, 1], dtype: 'float32' as const },
      { name: `${LAYER}/bias`, shape: [1], dtype: 'float32' as const },
    ];
    const names = net.weights.map((w) => w.originalName);
    if (JSON.stringify(names) !== JSON.stringify(weightSpecs.map((s) => s.name))) {
      throw new Error(`logistic: network weights are ${names.join(', ')}`);
    }
    return {
      modelTopology,
      weightSpecs,
      weightData: Float32Array.from([...model.weights, model.intercept]).buffer as ArrayBuffer,
      format: 'layers-model',
      userDefinedMetadata: {
        means: [...model.means],
        input: 'encoded inputs in original units, missing values replaced by means',
      },
    };
  } finally {
    net.dispose();
  }
}
