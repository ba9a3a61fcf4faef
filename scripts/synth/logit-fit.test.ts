// Tests for the sanity-check logistic fit and AUC.
import { describe, expect, it } from 'vitest';
import { auc, fitLogistic } from './logit-fit.ts';
import { Rng, sigmoid } from './prng.ts';

describe('auc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties', () => {
    expect(auc([0.1, 0.4, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.4, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });

  it('matches the pairwise definition', () => {
    // pos scores 0.3, 0.7; neg 0.2, 0.5, 0.7 → pairs won: 1 + (2 + 0.5) = 3.5 of 6.
    expect(auc([0.3, 0.7, 0.2, 0.5, 0.7], [1, 1, 0, 0, 0])).toBeCloseTo(3.5 / 6, 12);
  });

  it('is NaN with a single class', () => {
    expect(auc([0.1, 0.2], [0, 0])).toBeNaN();
  });
});

describe('fitLogistic', () => {
  it('recovers known coefficients', () => {
    const rng = new Rng(11);
    const n = 20_000;
    const d = 2;
    const x = new Float64Array(n * d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i * d] = rng.normal();
      x[i * d + 1] = rng.normal();
      y[i] = rng.chance(sigmoid(-1 + 1.5 * x[i * d]! - 0.7 * x[i * d + 1]!)) ? 1 : 0;
    }
    const w = fitLogistic(x, y, n, d, 0);
    expect(w[0]).toBeCloseTo(-1, 1);
    expect(w[1]).toBeCloseTo(1.5, 1);
    expect(w[2]).toBeCloseTo(-0.7, 1);
  });
});
