// Tests for the fitted logistic model: unit conversion, scoring, contributions and reasons.
import { describe, expect, it } from 'vitest';
import {
  contributions,
  type LogisticModel,
  logisticModelFromBeta,
  predictLogistic,
  topReasons,
} from './logistic-model.ts';

const model: LogisticModel = {
  kind: 'logistic',
  intercept: -1,
  weights: [0.5, -2],
  means: [1, 3],
  stds: [2, 0.5],
  beta: [0, 1, -1],
  rounds: 3,
};

describe('logisticModelFromBeta', () => {
  it('converts standardised coefficients to original units', () => {
    const m = logisticModelFromBeta([1, 2, -1], [10, 4], [4, 0.5], 5);
    expect(m.weights).toEqual([0.5, -2]);
    expect(m.intercept).toBe(1 - 2 * (10 / 4) - -1 * (4 / 0.5));
    // β·z and intercept + w·x agree on an arbitrary row.
    const x = [13, 3.2];
    const z = [1, (13 - 10) / 4, (3.2 - 4) / 0.5];
    const viaBeta = z.reduce((s, v, j) => s + v * [1, 2, -1][j]!, 0);
    expect(m.intercept + m.weights[0]! * x[0]! + m.weights[1]! * x[1]!).toBeCloseTo(viaBeta, 13);
    expect(m.rounds).toBe(5);
    expect(() => logisticModelFromBeta([1], [1], [1], 1)).toThrow(/expected beta/);
  });
});

describe('predictLogistic', () => {
  it('matches a hand computation, imputing missing values with the mean', () => {
    const p = predictLogistic(model, new Float64Array([2, Number.NaN, 0, 1]), 2);
    // Row 1: −1 + 0.5·2 − 2·3 = −6. Row 2: −1 + 0 − 2·1 = −3.
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(6)), 15);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(3)), 15);
    expect(() => predictLogistic(model, new Float64Array(3), 2)).toThrow(/expected 2×2/);
  });
});

describe('contributions and reasons', () => {
  it('gives w_j·(x_j − μ_j) and 0 for a missing value', () => {
    expect(contributions(model, [5, Number.NaN])).toEqual([2, 0]);
    expect(contributions(model, new Float64Array([0, 1]))).toEqual([-0.5, 4]);
    expect(() => contributions(model, [1])).toThrow(/expected 2/);
  });

  it('names the risk-increasing features, largest first', () => {
    const names = ['tax.paid', 'court.cases'];
    expect(topReasons(model, [0, 1], names, 3)).toEqual(['court.cases']);
    expect(topReasons(model, [7, 1], names, 3)).toEqual(['court.cases', 'tax.paid']);
    expect(topReasons(model, [7, 1], names, 1)).toEqual(['court.cases']);
    // Equal contributions keep feature order.
    expect(topReasons(model, [9, 1], names, 3)).toEqual(['tax.paid', 'court.cases']);
    expect(topReasons(model, [Number.NaN, 3], names, 3)).toEqual([]);
    expect(() => topReasons(model, [0, 1], ['one'], 3)).toThrow(/feature names/);
  });
});
