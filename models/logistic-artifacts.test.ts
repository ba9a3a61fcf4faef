// The logistic TF.js export: a loaded artifact predicts what the model predicts, on raw encoded rows.

import { describe, expect, it } from 'vitest';
import { fitFederated } from './driver.ts';
import { plainOps } from './linalg.ts';
import { logisticToTfjsArtifacts } from './logistic-artifacts.ts';
import { predictLogistic } from './logistic-model.ts';
import { defaultLogisticConfig, logisticRegression } from './logistic-regression.ts';
import { interactionCredit } from './mlp-fixtures.ts';
import { splitRows } from './testing/synthetic.ts';
import * as tf from './tf.ts';

await tf.setBackend('cpu');

describe('logisticToTfjsArtifacts', () => {
  const all = interactionCredit(3000, 5);
  const [a, b, holdout] = splitRows(all, [1200, 1000, 800]);
  const { model } = fitFederated(logisticRegression, defaultLogisticConfig, [a!, b!], plainOps);

  it('loads as a one-layer model whose predictions equal predictLogistic to 1e-6', async () => {
    const artifacts = logisticToTfjsArtifacts(model);
    expect(artifacts.weightSpecs.map((s) => [s.name, s.shape])).toEqual([
      ['logistic_dense/kernel', [6, 1]],
      ['logistic_dense/bias', [1]],
    ]);
    const net = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const { x, n, d } = holdout!;
    // The artifact cannot impute: missing values go in as the training means.
    expect(x.some(Number.isNaN)).toBe(true);
    const imputed = Float32Array.from(x, (v, i) => (Number.isNaN(v) ? model.means[i % d]! : v));
    const out = net.predict(tf.tensor2d(imputed, [n, d])) as tf.Tensor;
    const got = out.dataSync();
    const want = predictLogistic(model, x, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-6);
    expect(worst).toBeGreaterThan(0); // float32, so not bit-equal: the comparison is real
    out.dispose();
    net.dispose();
  });

  it('refuses a model whose means do not match its weights', () => {
    expect(() => logisticToTfjsArtifacts({ ...model, means: [0] })).toThrow(/1 means for 6 weights/);
  });
});
