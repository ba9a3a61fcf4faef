// End-to-end tests of the federated MLP: it learns an interaction, reproduces bit for bit, stops early.
import * as tf from './tf.ts';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { fitFederated } from './driver.ts';
import { exactAuc } from './evaluation.ts';
import { plainOps } from './linalg.ts';
import { defaultLogisticConfig, logisticRegression } from './logistic-regression.ts';
import { defaultMlpConfig, type MlpConfig, mlpStrategy } from './mlp.ts';
import { interactionCredit } from './mlp-fixtures.ts';
import { getStrategy } from './registry.ts';
import { type LocalRows, sumUpdates } from './strategy.ts';
import { splitRows } from './testing/synthetic.ts';

// The host picks the backend, never models/: wasm as in the enclave, cpu if wasm cannot start.
if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
await tf.ready();
const backend = tf.getBackend();

const all = interactionCredit(6000, 11);
const [a, b, c, holdout] = splitRows(all, [900, 1800, 1300, 2000]) as [
  LocalRows,
  LocalRows,
  LocalRows,
  LocalRows,
];
const domains = [a, b, c];
/** Small data needs bigger steps than the defaults to learn within a few rounds. */
const config: MlpConfig = {
  ...defaultMlpConfig,
  learningRate: 1e-2,
  batchSize: 64,
  localEpochs: 2,
  maxRounds: 20,
  validationFraction: 0.2,
  seed: 7,
};
const fit = fitFederated(mlpStrategy, config, domains, plainOps);

/** Drives the strategy by hand, recording every FedAvg instruction's weights and the final state. */
function drive(cfg: MlpConfig, parts: readonly LocalRows[]) {
  const caches = parts.map(() => new Map<string, unknown>());
  let state = mlpStrategy.init(cfg, parts[0]!.d);
  const sent: number[][] = [];
  for (let r = mlpStrategy.configureRound(state); r; r = mlpStrategy.configureRound(state)) {
    const instruction = r;
    if (instruction.phase === 'fedavg') sent.push(instruction.params['weights'] as number[]);
    state = mlpStrategy.next(
      state,
      sumUpdates(parts.map((rows, k) => mlpStrategy.localUpdate(instruction, rows, plainOps, caches[k]!))),
    );
  }
  return { state, sent, model: mlpStrategy.finalModel(state) };
}

describe(`mlpStrategy (federated, ${backend} backend)`, () => {
  it('runs on the backend the test selected', () => {
    console.info(`mlp tests ran on the '${backend}' TensorFlow.js backend`);
    expect(['wasm', 'cpu']).toContain(backend);
    expect(getStrategy('mlp')).toBe(mlpStrategy);
  });

  it('trains: the validation loss falls and the holdout AUC clearly beats logistic regression', () => {
    expect(fit.losses.length).toBeGreaterThan(2);
    expect(Math.min(...fit.losses)).toBeLessThan(fit.losses[0]! - 0.05);
    const logistic = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps);
    const aucMlp = exactAuc(mlpStrategy.predict(fit.model, holdout.x, holdout.n), holdout.y);
    const aucLogistic = exactAuc(logisticRegression.predict(logistic.model, holdout.x, holdout.n), holdout.y);
    console.info(`holdout AUC: mlp ${aucMlp.toFixed(4)}, logistic ${aucLogistic.toFixed(4)}`);
    expect(aucMlp).toBeGreaterThan(aucLogistic + 0.1);
    expect(aucMlp).toBeGreaterThan(0.8);
  });

  it('is bit-reproducible: the same inputs on the same backend give the identical model', () => {
    const again = fitFederated(mlpStrategy, config, domains, plainOps);
    expect(again.model).toStrictEqual(fit.model);
    expect(again.losses).toStrictEqual(fit.losses);
    const other = fitFederated(mlpStrategy, { ...config, seed: 8, maxRounds: 2 }, domains, plainOps);
    expect(other.model.weights).not.toStrictEqual(fit.model.weights);
  });

  it('produces a JSON-serialisable model that predicts identically after a round trip', () => {
    const copy = JSON.parse(JSON.stringify(fit.model));
    const x = holdout.x.subarray(0, 50 * holdout.d);
    expect(mlpStrategy.predict(copy, x, 50)).toStrictEqual(mlpStrategy.predict(fit.model, x, 50));
  });

  it('stops early after `patience` rounds without improvement and returns the best weights', () => {
    // Labels unrelated to the features: after the first rounds, training only overfits.
    const noise = interactionCredit(1200, 5);
    const shuffledLabels = interactionCredit(1200, 6).y;
    const rows = { ...noise, y: shuffledLabels };
    const cfg = { ...config, learningRate: 0.05, batchSize: 32, localEpochs: 3, patience: 2, maxRounds: 30 };
    const { state, sent, model } = drive(cfg, splitRows(rows, [500, 700]));
    expect(state.stoppedEarly).toBe(true);
    expect(state.round).toBeLessThan(cfg.maxRounds);
    const losses = state.history as number[];
    const best = losses.indexOf(Math.min(...losses));
    expect(state.bestRound).toBe(best);
    expect(losses.length - 1 - best).toBe(cfg.patience);
    expect(model.weights).toStrictEqual(sent[best]);
  });

  it('predicts with missing values and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const x = Float64Array.from(holdout.x.subarray(0, 3 * holdout.d));
    x.fill(Number.NaN, 0, holdout.d);
    x[holdout.d + 2] = Number.NaN;
    const p = mlpStrategy.predict(fit.model, x, 3);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    // An all-missing row is the average applicant: identical to explicit means.
    const means = mlpStrategy.predict(fit.model, Float64Array.from(fit.model.means), 1);
    expect(p[0]).toBe(means[0]);
    mlpStrategy.reasons(fit.model, x.subarray(holdout.d, 2 * holdout.d), ['a', 'b', 'c', 'd', 'e', 'f'], 3);
    const round = mlpStrategy.configureRound({ ...mlpStrategy.init(config, a.d), phase: 'done' });
    expect(round).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });
});
