// Exports a fitted MLP as TensorFlow.js layers-model artifacts, for banks to download and load anywhere.

import type { MlpModel } from './mlp-model.ts';
import { buildNetwork, checkWeights } from './mlp-network.ts';
import type * as tf from './tf.ts';

/**
 * In-memory TF.js model artifacts: Keras-style topology JSON, weight manifest and one float32
 * buffer. The network expects standardised inputs; `userDefinedMetadata` carries the `means` and
 * `stds` for (x − mean) / std with missing values set to 0, and the network outputs probabilities.
 *
 * @example
 * const net = await tf.loadLayersModel(tf.io.fromMemory(mlpToTfjsArtifacts(model)));
 */
export interface MlpTfjsArtifacts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  format: 'layers-model';
  userDefinedMetadata: { means: number[]; stds: number[]; input: string };
}

/**
 * Builds the artifacts without touching storage. Needs a TF.js backend (any) only to instantiate
 * the layers whose topology is serialised; the weights are copied from the model, not the backend.
 *
 * @example
 * const a = mlpToTfjsArtifacts(model);
 * const net = await tf.loadLayersModel(tf.io.fromMemory(a));
 * net.predict(tf.tensor2d(standardisedRows, [n, d]));
 */
export function mlpToTfjsArtifacts(model: MlpModel): MlpTfjsArtifacts {
  const d = model.means.length;
  checkWeights(model.weights, model.shapes, d, model.layers);
  const net = buildNetwork(d, model.layers, 0);
  try {
    // toJSON(…, false) returns the topology object rather than its string.
    const modelTopology = net.toJSON(null, false) as object;
    // Weights load by their original names, which the fixed layer names keep stable.
    const weightSpecs = net.weights.map((w) => ({
      name: w.originalName,
      shape: [...w.shape] as number[],
      dtype: 'float32' as const,
    }));
    const shapes = weightSpecs.map((s) => s.shape);
    if (JSON.stringify(shapes) !== JSON.stringify(model.shapes)) {
      throw new Error('mlp: network weight order differs from the model shapes');
    }
    const weightData = Float32Array.from(model.weights).buffer as ArrayBuffer;
    return {
      modelTopology,
      weightSpecs,
      weightData,
      format: 'layers-model',
      userDefinedMetadata: {
        means: [...model.means],
        stds: [...model.stds],
        input: '(x - means) / stds per feature, missing values 0',
      },
    };
  } finally {
    net.dispose();
  }
}
