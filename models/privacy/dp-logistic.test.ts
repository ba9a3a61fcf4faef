// Tests for private logistic regression: exact clipped fit, calibrated output noise, replace-one sensitivity.
import { describe, expect, it } from 'vitest';
import { fitFederated } from '../driver.ts';
import { maxAbsDiff, plainOps } from '../linalg.ts';
import { defaultLogisticConfig, logisticRegression } from '../logistic-regression.ts';
import { sigmoid } from '../numeric.ts';
import type { LocalRows } from '../strategy.ts';
import { seededRandom } from '../testing/random.ts';
import { splitRows, syntheticCredit } from '../testing/synthetic.ts';
import { gaussianSigma, planDpBudget } from './accounting.ts';
import { clipRows, l2Norm } from './clipping.ts';
import { type DpLogisticConfig, dpLogistic, dpLogisticMechanism } from './dp-logistic.ts';
import { CREDIT_STATS, recordingStates, TEST_SEEDS } from './fixtures.ts';
import { gaussianNoise } from './noise.ts';

const all = syntheticCredit(1500, 7);
const domains = splitRows(all, [400, 700, 400]);
const config: DpLogisticConfig = {
  ...defaultLogisticConfig,
  l2: 5,
  dp: { epsilon: 3, delta: 1e-6, seed: TEST_SEEDS[0], ...CREDIT_STATS },
};

/** A fit that also returns the state training left, whose β is the un-noised minimiser. */
function trainDp(cfg: DpLogisticConfig, parts: readonly LocalRows[]) {
  const { strategy, last } = recordingStates(dpLogistic);
  const result = fitFederated(strategy, cfg, parts, plainOps);
  return { ...result, state: last() };
}

/** Gradient of Σℓ − (l2/2)‖β‖² (intercept included) on clipped rows, written apart from the strategy. */
function penalisedGradient(
  beta: readonly number[],
  parts: readonly LocalRows[],
  cfg: DpLogisticConfig,
): number[] {
  const { means, stds } = cfg.dp;
  const g = beta.map((b) => -cfg.l2 * b);
  for (const rows of parts) {
    const { x, y, n, d } = clipRows(rows, means, stds, cfg.dp.rowNorm ?? 1);
    for (let i = 0; i < n; i++) {
      const xt = [
        1,
        ...Array.from({ length: d }, (_, j) => {
          const v = x[i * d + j]!;
          return Number.isNaN(v) ? 0 : (v - means[j]!) / stds[j]!;
        }),
      ];
      const r = y[i]! - sigmoid(xt.reduce((acc, v, j) => acc + v * beta[j]!, 0));
      for (let j = 0; j < xt.length; j++) g[j]! += r * xt[j]!;
    }
  }
  return g;
}

describe('dpLogistic', () => {
  const run = trainDp(config, domains);

  it('runs exactly maxRounds Newton rounds on the public statistics and reports no loss', () => {
    expect(run.rounds).toBe(config.maxRounds);
    expect(run.model.rounds).toBe(config.maxRounds);
    expect(run.losses).toEqual([]);
    expect(run.state.inner.converged).toBe(true);
    expect(run.model.means).toEqual(CREDIT_STATS.means);
    expect(run.model.stds).toEqual(CREDIT_STATS.stds);
  });

  it('trains to the minimiser of the fully penalised objective on clipped rows (intercept included)', () => {
    const g = penalisedGradient(run.state.inner.beta, domains, config);
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-8);
    // The intercept penalty is really there: without it the intercept's gradient would be l2·β₀.
    expect(Math.abs(config.l2 * run.state.inner.beta[0]!)).toBeGreaterThan(1);
  });

  it('releases β plus N(0, σ²I) noise from (seed, weights) with σ = (2√(1 + R²)/l2)/√(2ρ)', () => {
    const facts = dpLogisticMechanism(config);
    const rho = planDpBudget('logistic', config.dp, config.maxRounds).weightsRho;
    expect(facts.sensitivity).toBeCloseTo((2 * Math.SQRT2) / config.l2, 15);
    expect(facts.sigma).toBe(gaussianSigma(facts.sensitivity, rho));
    expect(facts).toMatchObject({ rho, rowNorm: 1, releases: 1, delta: 1e-6 });
    const noise = gaussianNoise(TEST_SEEDS[0], 'weights', 7, facts.sigma);
    const added = run.model.beta.map((b, j) => b - run.state.inner.beta[j]!);
    expect(maxAbsDiff(added, Array.from(noise))).toBeLessThan(1e-12);
    expect(l2Norm(added)).toBeGreaterThan(0.1 * facts.sigma);
  });

  it('stays close to the un-noised clipped fit for ε = 100 and a large l2', () => {
    const loose: DpLogisticConfig = { ...config, l2: 500, dp: { ...config.dp, epsilon: 100 } };
    const { model, state } = trainDp(loose, domains);
    const { sigma } = dpLogisticMechanism(loose);
    expect(sigma).toBeLessThan(1e-3);
    expect(maxAbsDiff(model.beta, state.inner.beta)).toBeLessThan(5 * sigma);
    const exact = logisticRegression.finalModel(state.inner);
    const p = logisticRegression.predict(model, all.x, all.n);
    const q = logisticRegression.predict(exact, all.x, all.n);
    expect(maxAbsDiff(p, q)).toBeLessThan(0.005);
  });

  it('gives the same model for the same seed and a different one for another seed', () => {
    expect(trainDp(config, domains).model).toEqual(run.model);
    const other = trainDp({ ...config, dp: { ...config.dp, seed: TEST_SEEDS[1] } }, domains);
    expect(other.state.inner.beta).toEqual(run.state.inner.beta);
    expect(maxAbsDiff(other.model.beta, run.model.beta)).toBeGreaterThan(1e-3);
  });

  it('clips a domain once per job, in its own cache slots, before the inner update', () => {
    const state = dpLogistic.init(config, 6);
    const round = dpLogistic.configureRound(state)!;
    const cache = new Map<string, unknown>();
    const rows = domains[0]!;
    const first = dpLogistic.localUpdate(round, rows, plainOps, cache);
    const slots = [...cache.entries()];
    expect(slots.length).toBe(1);
    expect(slots[0]![0]).toMatch(/^dp:/);
    expect(dpLogistic.localUpdate(round, rows, plainOps, cache)).toEqual(first);
    expect(cache.get(slots[0]![0])).toBe(slots[0]![1]);
    const clipped = clipRows(rows, CREDIT_STATS.means, CREDIT_STATS.stds, 1);
    expect(first).toEqual(logisticRegression.localUpdate(round, clipped, plainOps, new Map()));
    expect(first).not.toEqual(logisticRegression.localUpdate(round, rows, plainOps, new Map()));
  });

  it('moves the minimiser by at most 2√(1 + R²)/l2 when one row is replaced', () => {
    const rng = seededRandom(99);
    const d = 3;
    const stats = { means: [0, 0, 0], stds: [1, 1, 1] };
    const randomRow = (scale: number) =>
      Array.from({ length: d }, () => (rng.uniform() < 0.1 ? Number.NaN : scale * rng.normal()));
    let worst = 0;
    for (const l2 of [2, 40]) {
      const cfg: DpLogisticConfig = { ...config, l2, dp: { ...config.dp, ...stats } };
      const bound = (2 * Math.SQRT2) / l2;
      for (let pair = 0; pair < 15; pair++) {
        const n = 40;
        const x = new Float64Array(Array.from({ length: n }, () => randomRow(1)).flat());
        const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0));
        const k = Math.floor(rng.uniform() * n);
        const x2 = x.slice();
        // An outlier with the opposite label: clipping is all that keeps it from moving β far.
        x2.set(randomRow(100), k * d);
        const y2 = y.slice();
        y2[k] = 1 - y[k]!;
        const a = trainDp(cfg, splitRows({ x, y, n, d }, [15, 25]));
        const b = trainDp(cfg, splitRows({ x: x2, y: y2, n, d }, [15, 25]));
        const moved = l2Norm(a.state.inner.beta.map((v, j) => v - b.state.inner.beta[j]!));
        expect(moved).toBeLessThanOrEqual(bound);
        worst = Math.max(worst, moved / bound);
      }
    }
    // The bound is not vacuous on these pairs.
    expect(worst).toBeGreaterThan(0.2);
  });

  it('refuses settings it cannot make private and releases the model only at the end', () => {
    expect(() => dpLogistic.init({ ...config, l2: 0 }, 6)).toThrow(
      /l2 must be a finite number > 0 under differential privacy/,
    );
    expect(() => dpLogistic.init({ ...config, tolerance: 0 }, 6)).toThrow(/tolerance must be > 0/);
    expect(() => dpLogistic.init({ ...config, dp: { ...config.dp, epsilon: 0 } }, 6)).toThrow(
      /epsilon must be in/,
    );
    expect(() => dpLogistic.init({ ...config, dp: { ...config.dp, rowNorm: -1 } }, 6)).toThrow(
      /dp.rowNorm must be/,
    );
    expect(() => dpLogistic.init({ ...config, dp: { ...config.dp, seed: 'abcd' } }, 6)).toThrow(/seed/);
    expect(() => dpLogistic.init(config, 5)).toThrow(/dp.means must be 5 finite numbers/);
    const state = dpLogistic.init(config, 6);
    expect(() => dpLogistic.finalModel(state)).toThrow(/only after the last round/);
    const stats = { phase: 'stats', params: {} };
    expect(() => dpLogistic.localUpdate(stats, domains[0]!, plainOps, new Map())).toThrow(
      /only 'newton' rounds/,
    );
    expect(() => dpLogistic.updateShape(stats, 6)).toThrow(/only 'newton' rounds/);
  });

  it('fails rather than release a fit that has not reached tolerance', () => {
    expect(() => trainDp({ ...config, maxRounds: 1 }, domains)).toThrow(
      /did not reach tolerance within maxRounds = 1/,
    );
  });
});
