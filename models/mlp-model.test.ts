// Tests of the MLP's domain update, scoring, reason codes and TF.js artifact export.
import * as tf from './tf.ts';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { fitFederated } from './driver.ts';
import { plainOps } from './linalg.ts';
import { defaultMlpConfig, type MlpModel, mlpStrategy, mlpToTfjsArtifacts } from './mlp.ts';
import { mlpLayers, mlpShapes } from './mlp-config.ts';
import { interactionCredit } from './mlp-fixtures.ts';
import { standardise } from './mlp-network.ts';
import { splitIndices } from './mlp-random.ts';
import { sumUpdates } from './strategy.ts';
import { splitRows } from './testing/synthetic.ts';

// The host picks the backend, never models/: wasm as in the enclave, cpu if wasm cannot start.
if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
await tf.ready();

const rows = interactionCredit(1500, 3);
const config = { ...defaultMlpConfig, learningRate: 1e-2, batchSize: 64, maxRounds: 3, seed: 3 };
const { model } = fitFederated(mlpStrategy, config, splitRows(rows, [700, 800]), plainOps);

/** The instruction of the first FedAvg round for `rows`, after running its stats round. */
function firstFedAvgRound(learningRate: number) {
  const state = mlpStrategy.next(
    mlpStrategy.init({ ...config, learningRate }, rows.d),
    mlpStrategy.localUpdate({ phase: 'stats', params: {} }, rows, plainOps, new Map()),
  );
  return { state, instruction: mlpStrategy.configureRound(state)! };
}

describe(`MLP domain update and model (${tf.getBackend()} backend)`, () => {
  it('returns n·w and the validation BCE at the incoming weights; FedAvg of unchanged weights is exact', () => {
    const { state, instruction } = firstFedAvgRound(0);
    const before = tf.memory().numTensors;
    const u = mlpStrategy.localUpdate(instruction, rows, plainOps, new Map());
    expect(tf.memory().numTensors).toBe(before);
    const { train, validation } = splitIndices(rows.n, config.validationFraction, config.seed);
    expect(u['n']).toStrictEqual([train.length]);
    expect(u['valRows']).toStrictEqual([validation.length]);
    // Learning rate 0: the local weights are the global ones, so n·w / n must give them back exactly.
    const twice = mlpStrategy.next(state, sumUpdates([u, u]));
    expect(twice.weights).toStrictEqual(state.weights);
    // The loss agrees with BCE recomputed from predict() on the validation rows.
    const p = mlpStrategy.predict(mlpStrategy.finalModel(state), rows.x, rows.n);
    let bce = 0;
    for (const i of validation) bce -= rows.y[i] === 1 ? Math.log(p[i]!) : Math.log1p(-p[i]!);
    expect(u['valLoss']![0]! / bce).toBeCloseTo(1, 5);
  });

  it('gives the same update twice from a fresh cache and from a warm one (seeded shuffle and dropout)', () => {
    const { instruction } = firstFedAvgRound(config.learningRate);
    const cache = new Map<string, unknown>();
    const first = mlpStrategy.localUpdate(instruction, rows, plainOps, cache);
    expect(mlpStrategy.localUpdate(instruction, rows, plainOps, cache)).toStrictEqual(first);
    expect(mlpStrategy.localUpdate(instruction, rows, plainOps, new Map())).toStrictEqual(first);
    const later = { ...instruction, params: { ...instruction.params, round: 1 } };
    expect(mlpStrategy.localUpdate(later, rows, plainOps, cache)['weights']).not.toStrictEqual(
      first['weights'],
    );
  });

  it('applies the L2 kernel penalty during local training', () => {
    const kernelMass = (l2: number) => {
      const { instruction } = firstFedAvgRound(config.learningRate);
      const params = { ...instruction.params, config: { ...config, l2, dropout: 0 } };
      const u = mlpStrategy.localUpdate({ ...instruction, params }, rows, plainOps, new Map());
      const n = u['n']![0]!;
      return u['weights']!.slice(0, rows.d * 32).reduce((acc, w) => acc + (w / n) ** 2, 0);
    };
    expect(kernelMass(1)).toBeLessThan(0.9 * kernelMass(0));
  });

  it('exports TF.js artifacts that load with tf.loadLayersModel and predict the same', async () => {
    const artifacts = mlpToTfjsArtifacts(model);
    // Simulate a download: topology and manifest as JSON, weights as raw bytes.
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ ...artifacts, modelTopology: topology, weightData: artifacts.weightData.slice(0) }),
    );
    const n = 200;
    const x = rows.x.subarray(0, n * rows.d);
    const { means, stds } = artifacts.userDefinedMetadata;
    const input = tf.tensor2d(standardise(x, n, rows.d, means, stds), [n, rows.d]);
    const output = loaded.predict(input) as tf.Tensor;
    const fromTfjs = output.dataSync();
    const ours = mlpStrategy.predict(model, x, n);
    // The loaded net applies a float32 sigmoid; predict() takes it in float64 from the same logit.
    for (let i = 0; i < n; i++) expect(Math.abs(fromTfjs[i]! - ours[i]!)).toBeLessThan(1e-6);
    expect(Array.from(new Float32Array(artifacts.weightData))).toStrictEqual(model.weights);
    tf.dispose([input, output]);
    loaded.dispose();
  });

  it('names the features whose occlusion raises the logit, largest first', () => {
    // No hidden layer: the logit is 1·z0 − 2·z1 + 0.5·z2, so occlusion gives w_j·z_j exactly.
    const layers = mlpLayers([]);
    const linear: MlpModel = {
      kind: 'mlp',
      layers,
      weights: [1, -2, 0.5, 0],
      shapes: mlpShapes(3, layers),
      means: [0, 0, 0],
      stds: [1, 1, 1],
    };
    const names = ['a', 'b', 'c'];
    expect(mlpStrategy.reasons(linear, Float64Array.from([1, 1, Number.NaN]), names, 3)).toStrictEqual(['a']);
    expect(mlpStrategy.reasons(linear, Float64Array.from([2, -0.5, 4]), names, 3)).toStrictEqual([
      'a',
      'c',
      'b',
    ]);
    expect(mlpStrategy.reasons(linear, Float64Array.from([2, -0.5, 4]), names, 1)).toStrictEqual(['a']);
    const trained = mlpStrategy.reasons(
      model,
      rows.x.subarray(0, rows.d),
      ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'],
      3,
    );
    expect(trained.length).toBeLessThanOrEqual(3);
    expect(() => mlpStrategy.reasons(linear, Float64Array.from([1, 2, 3]), ['a'], 3)).toThrow(
      /feature names/,
    );
  });

  it('rejects malformed rows, weights and instructions', () => {
    const { instruction } = firstFedAvgRound(0);
    const short = { ...instruction, params: { ...instruction.params, weights: [1, 2] } };
    expect(() => mlpStrategy.localUpdate(short, rows, plainOps, new Map())).toThrow(/weights/);
    expect(() => mlpStrategy.localUpdate({ phase: 'newton', params: {} }, rows, plainOps, new Map())).toThrow(
      /unknown phase/,
    );
    expect(() => mlpStrategy.predict(model, new Float64Array(5), 1)).toThrow(/expected 1×6/);
    expect(() => mlpStrategy.predict({ ...model, weights: [1] }, rows.x.subarray(0, 6), 1)).toThrow(
      /do not fit/,
    );
  });
});
