// Tests for the domain-side logistic pieces and the standardisation rounds.
import { describe, expect, it } from 'vitest';
import { plainOps } from './linalg.ts';
import { designMatrix, localNewton, localSpread, localStats } from './logistic-local.ts';
import { defaultLogisticConfig, logisticRegression } from './logistic-regression.ts';
import { afterSpread, afterStats } from './logistic-steps.ts';
import { type LocalRows, sumUpdates } from './strategy.ts';

const NaN_ = Number.NaN;
// Feature 0 ordinary, 1 constant (zero spread), 2 always missing.
const rows: LocalRows = {
  x: new Float64Array([1, 0, NaN_, 3, 0, NaN_, NaN_, 0, NaN_, 8, 0, NaN_]),
  y: new Float64Array([0, 1, 1, 0]),
  n: 4,
  d: 3,
};

describe('stats round', () => {
  it('sums counts, Σx and Σx² over non-missing values', () => {
    expect(localStats(rows)).toEqual({
      n: [4],
      positives: [2],
      count: [3, 4, 0],
      sum: [12, 0, 0],
      sumsq: [74, 0, 0],
    });
  });

  it('turns the aggregate into means and population std devs (0 → 1, no values → mean 0)', () => {
    const state = afterStats(logisticRegression.init(defaultLogisticConfig, 3), localStats(rows));
    expect(state.phase).toBe('newton');
    expect(state.means).toEqual([4, 0, 0]);
    expect(state.stds[0]).toBeCloseTo(Math.sqrt(74 / 3 - 16), 14);
    expect(state.stds.slice(1)).toEqual([1, 1]);
    // Intercept starts at the log-odds of the base rate (2 of 4).
    expect(state.beta).toEqual([0, 0, 0, 0]);
  });

  it('adds a spread round when a large offset makes E[x²] − mean² cancel', () => {
    const offset: LocalRows = {
      x: new Float64Array([1e7 + 1, 1e7 + 3]),
      y: new Float64Array([0, 1]),
      n: 2,
      d: 1,
    };
    let state = afterStats(logisticRegression.init(defaultLogisticConfig, 1), localStats(offset));
    expect(state.phase).toBe('spread');
    expect(logisticRegression.configureRound(state)).toEqual({
      phase: 'spread',
      params: { means: state.means },
    });
    const spread = localSpread(offset, state.means);
    expect(spread['m2']![0]).toBeCloseTo(2, 6);
    state = afterSpread(state, spread);
    expect(state.phase).toBe('newton');
    expect(state.means[0]).toBe(1e7 + 2);
    expect(state.stds[0]).toBe(1);
  });

  it('also sends a constant non-zero feature through the spread round, ending with std 1', () => {
    const constant: LocalRows = {
      x: new Float64Array([0.1, 0.1, 0.1]),
      y: new Float64Array([0, 1, 0]),
      n: 3,
      d: 1,
    };
    let state = afterStats(logisticRegression.init(defaultLogisticConfig, 1), localStats(constant));
    expect(state.phase).toBe('spread');
    state = afterSpread(state, localSpread(constant, state.means));
    expect(state.stds).toEqual([1]);
    expect(state.beta[0]).toBeCloseTo(Math.log(1 / 2), 14);
  });
});

describe('newton round', () => {
  const params = { beta: [0.2, -0.5, 0.1, 0.3], means: [4, 0, 0], stds: [2, 1, 1] };

  it('builds the standardised design once per standardisation', () => {
    const cache = new Map<string, unknown>();
    const z = designMatrix(rows, params.means, params.stds, cache);
    // Row 2: intercept, imputed (x − mean = 0), constant feature, all-missing feature.
    expect(Array.from(z.subarray(8, 12))).toEqual([1, 0, 0, 0]);
    expect(Array.from(z.subarray(12, 16))).toEqual([1, 2, 0, 0]);
    expect(designMatrix(rows, params.means, params.stds, cache)).toBe(z);
    localNewton(rows, params, plainOps, cache);
    expect(designMatrix(rows, params.means, params.stds, cache)).toBe(z);
    expect(cache.size).toBe(1);
    expect(designMatrix(rows, params.means, [3, 1, 1], cache)).not.toBe(z);
  });

  it('returns the exact gradient, Hessian and negative log-likelihood', () => {
    const u = localNewton(rows, params, plainOps, new Map());
    const z = [
      [1, -1.5, 0, 0],
      [1, -0.5, 0, 0],
      [1, 0, 0, 0],
      [1, 2, 0, 0],
    ];
    const grad = [0, 0, 0, 0];
    const hess = new Array<number>(16).fill(0);
    let nll = 0;
    z.forEach((zi, i) => {
      const eta = zi.reduce((s, v, j) => s + v * params.beta[j]!, 0);
      const p = 1 / (1 + Math.exp(-eta));
      const y = rows.y[i]!;
      nll -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      for (let j = 0; j < 4; j++) {
        grad[j]! += (y - p) * zi[j]!;
        for (let k = 0; k < 4; k++) hess[j * 4 + k]! += p * (1 - p) * zi[j]! * zi[k]!;
      }
    });
    for (let j = 0; j < 4; j++) expect(u['grad']![j]).toBeCloseTo(grad[j]!, 14);
    for (let j = 0; j < 16; j++) expect(u['hess']![j]).toBeCloseTo(hess[j]!, 14);
    expect(u['loss']![0]).toBeCloseTo(nll, 13);
    expect(u['n']).toEqual([4]);
  });

  it('keeps the loss finite for extreme linear predictors', () => {
    const u = localNewton(rows, { ...params, beta: [800, 0, 0, 0] }, plainOps, new Map());
    expect(u['loss']![0]).toBeCloseTo(2 * 800, 6);
    expect(u['grad']!.every(Number.isFinite)).toBe(true);
  });

  it('adds up across domains to the pooled update', () => {
    const a: LocalRows = { x: rows.x.slice(0, 6), y: rows.y.slice(0, 2), n: 2, d: 3 };
    const b: LocalRows = { x: rows.x.slice(6), y: rows.y.slice(2), n: 2, d: 3 };
    const split = sumUpdates([a, b].map((r) => localNewton(r, params, plainOps, new Map())));
    const whole = localNewton(rows, params, plainOps, new Map());
    for (const key of Object.keys(whole)) {
      whole[key]!.forEach((v, i) => {
        expect(split[key]![i]).toBeCloseTo(v, 13);
      });
    }
  });
});
