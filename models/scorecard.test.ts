// End-to-end tests of the federated scorecard: pooled parity, bin rules, monotone WoE, IV, AUC.
import { describe, expect, it } from 'vitest';
import { fitFederated, poolRows } from './driver.ts';
import { exactAuc } from './evaluation.ts';
import { maxAbsDiff, plainOps, xtwxJs } from './linalg.ts';
import { defaultLogisticConfig, logisticRegression } from './logistic-regression.ts';
import { getStrategy } from './registry.ts';
import { defaultScorecardConfig, type ScorecardModel, scorecardStrategy } from './scorecard.ts';
import { scorecardCredit } from './scorecard-fixtures.ts';
import { type DenseOps, type LocalRows, sumUpdates } from './strategy.ts';
import { splitRows, syntheticCredit } from './testing/synthetic.ts';

const SIZES = [3000, 4000, 5000];
const monotoneDomains = splitRows(scorecardCredit(12_000, 11, 'monotone'), SIZES);
const uDomains = splitRows(scorecardCredit(12_000, 21, 'u-shaped'), SIZES);
const fed = fitFederated(scorecardStrategy, defaultScorecardConfig, uDomains, plainOps);
const pooled = fitFederated(scorecardStrategy, defaultScorecardConfig, [poolRows(uDomains)], plainOps);

/**
 * Phases of every round, driving the strategy by hand with a JSON round trip of every instruction
 * and state (as the coordinator persists them); the final model must equal `expected`.
 */
function phases(domains: readonly LocalRows[], expected: ScorecardModel): string[] {
  const caches = domains.map(() => new Map<string, unknown>());
  let state = scorecardStrategy.init(defaultScorecardConfig, domains[0]!.d);
  const seen: string[] = [];
  for (let r = scorecardStrategy.configureRound(state); r; r = scorecardStrategy.configureRound(state)) {
    const round = JSON.parse(JSON.stringify(r));
    seen.push(round.phase);
    const updates = domains.map((rows, k) =>
      scorecardStrategy.localUpdate(round, rows, plainOps, caches[k]!),
    );
    state = JSON.parse(JSON.stringify(scorecardStrategy.next(state, sumUpdates(updates))));
  }
  expect(JSON.parse(JSON.stringify(scorecardStrategy.finalModel(state)))).toEqual(expected);
  return seen;
}

/** Every bin of every characteristic: at least k rows and both classes; totals are all rows. */
function expectValidBins(model: ScorecardModel, domains: readonly LocalRows[], k: number): void {
  const rows = domains.reduce((s, d) => s + d.n, 0);
  const bads = domains.reduce((s, d) => s + d.y.reduce((a, b) => a + b, 0), 0);
  for (const c of model.characteristics) {
    for (const b of c.bins) {
      expect(b.good + b.bad).toBeGreaterThanOrEqual(k);
      expect(b.good).toBeGreaterThan(0);
      expect(b.bad).toBeGreaterThan(0);
    }
    expect(c.bins.reduce((s, b) => s + b.bad, 0)).toBe(bads);
    expect(c.bins.reduce((s, b) => s + b.good + b.bad, 0)).toBe(rows);
  }
}

const holdoutAuc = (domains: readonly LocalRows[], holdout: LocalRows) => {
  const sc = fitFederated(scorecardStrategy, defaultScorecardConfig, domains, plainOps).model;
  const lr = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps).model;
  return {
    scorecard: exactAuc(scorecardStrategy.predict(sc, holdout.x, holdout.n), holdout.y),
    logistic: exactAuc(logisticRegression.predict(lr, holdout.x, holdout.n), holdout.y),
  };
};

describe('scorecardStrategy (federated)', () => {
  it('equals the pooled fit: identical bins, coefficients within 1e-9', () => {
    const strip = (m: ScorecardModel) => m.characteristics.map((c) => c.bins.map(({ points, ...b }) => b));
    expect(strip(fed.model)).toEqual(strip(pooled.model));
    expect(fed.model.features).toEqual(pooled.model.features);
    expect(fed.model.iv).toEqual(pooled.model.iv);
    const beta = (m: ScorecardModel) => [m.intercept, ...m.coefficients];
    expect(maxAbsDiff(beta(fed.model), beta(pooled.model))).toBeLessThan(1e-9);
    const points = (m: ScorecardModel) => m.characteristics.flatMap((c) => c.bins.map((b) => b.points));
    expect(maxAbsDiff(points(fed.model), points(pooled.model))).toBeLessThan(1e-7);
  });

  it('runs moments, histogram refinements, bin counts, then Newton; state and rounds are JSON', () => {
    const seen = phases(uDomains, fed.model);
    expect(seen[0]).toBe('moments');
    const histograms = seen.filter((p) => p === 'histogram').length;
    expect(histograms).toBeGreaterThanOrEqual(1);
    expect(histograms).toBeLessThanOrEqual(3);
    expect(seen[1 + histograms]).toBe('bin-counts');
    expect(seen.slice(2 + histograms).every((p) => p === 'newton')).toBe(true);
    expect(seen).toHaveLength(fed.rounds);
    expect(fed.model.rounds).toBe(seen.length - 2 - histograms);
  });

  it('reports the penalised loss only in Newton rounds, and it decreases', () => {
    expect(fed.losses).toHaveLength(fed.model.rounds);
    // Non-increasing up to rounding once Newton has converged.
    for (let i = 1; i < fed.losses.length; i++) {
      expect(fed.losses[i]!).toBeLessThanOrEqual(fed.losses[i - 1]! * (1 + 1e-12));
    }
    expect(scorecardStrategy.loss(scorecardStrategy.init(defaultScorecardConfig, 5))).toBeNull();
  });

  it('gives every bin at least minBinRows rows and both classes', () => {
    expectValidBins(fed.model, uDomains, 50);
    const strict = fitFederated(
      scorecardStrategy,
      { ...defaultScorecardConfig, minBinRows: 600 },
      uDomains,
      plainOps,
    );
    expectValidBins(strict.model, uDomains, 600);
    // Income has 6% missing (≈ 720 rows), enough for its own bin even at 600.
    expect(fed.model.characteristics[0]!.bins.at(-1)!.missing).toBe(true);
  });

  it('with monotonic, gives WoE monotone in bin order for every kept feature', () => {
    const mono = fitFederated(
      scorecardStrategy,
      { ...defaultScorecardConfig, monotonic: true },
      uDomains,
      plainOps,
    );
    for (const c of mono.model.characteristics) {
      const woe = c.bins.filter((b) => !b.missing).map((b) => b.woe);
      const up = woe.every((w, i) => i === 0 || w >= woe[i - 1]!);
      const down = woe.every((w, i) => i === 0 || w <= woe[i - 1]!);
      expect(up || down).toBe(true);
    }
    expectValidBins(mono.model, uDomains, 50);
    // The U-shaped age effect is not monotone, so its bins merge a lot.
    const age = (m: ScorecardModel) => m.characteristics.find((c) => c.feature === 2)!.bins.length;
    expect(age(mono.model)).toBeLessThan(age(fed.model));
  });

  it('drops the pure-noise feature by IV and keeps at least one feature', () => {
    expect(fed.model.iv[4]).toBeLessThan(defaultScorecardConfig.minIv);
    expect(fed.model.features).toEqual([0, 1, 2, 3]);
    const picky = fitFederated(
      scorecardStrategy,
      { ...defaultScorecardConfig, minIv: 100 },
      uDomains,
      plainOps,
    );
    const best = fed.model.iv.indexOf(Math.max(...fed.model.iv));
    expect(picky.model.features).toEqual([best]);
  });

  it('has coefficients on WoE near −1 (WoE is ln(%good/%bad), the model predicts bad)', () => {
    for (const b of fed.model.coefficients) expect(b).toBeGreaterThan(-1.6);
    for (const b of fed.model.coefficients) expect(b).toBeLessThan(-0.6);
  });

  it('matches logistic regression holdout AUC on monotone effects and beats it on a U-shaped one', () => {
    const mono = holdoutAuc(monotoneDomains, scorecardCredit(8000, 12, 'monotone'));
    expect(Math.abs(mono.scorecard - mono.logistic)).toBeLessThan(0.02);
    const u = holdoutAuc(uDomains, scorecardCredit(8000, 22, 'u-shaped'));
    expect(u.scorecard).toBeGreaterThan(u.logistic + 0.08);
  });

  it('handles large feature offsets (a spread round) and equals the pooled fit there too', () => {
    const domains = splitRows(syntheticCredit(6000, 5), [1000, 2000, 3000]);
    const a = fitFederated(scorecardStrategy, defaultScorecardConfig, domains, plainOps).model;
    expect(phases(domains, a).slice(0, 2)).toEqual(['moments', 'spread']);
    const b = fitFederated(scorecardStrategy, defaultScorecardConfig, [poolRows(domains)], plainOps).model;
    expect(maxAbsDiff([a.intercept, ...a.coefficients], [b.intercept, ...b.coefficients])).toBeLessThan(1e-9);
    expectValidBins(a, domains, 50);
  });

  it('converges to the same model with a float32-accurate Hessian (as in an enclave)', () => {
    const float32Ops: DenseOps = { xtwx: (x, w, n, d) => xtwxJs(x, w, n, d).map(Math.fround) };
    const f32 = fitFederated(scorecardStrategy, defaultScorecardConfig, uDomains, float32Ops).model;
    expect(maxAbsDiff(f32.coefficients, fed.model.coefficients)).toBeLessThan(1e-8);
  });

  it('is registered under its kind and rejects malformed rounds', () => {
    expect(getStrategy('scorecard')).toBe(scorecardStrategy);
    const rows = uDomains[0]!;
    expect(() =>
      scorecardStrategy.localUpdate({ phase: 'histogram', params: {} }, rows, plainOps, new Map()),
    ).toThrow(/param 'points' must be 5 lists/);
    expect(() =>
      scorecardStrategy.localUpdate({ phase: 'fit', params: {} }, rows, plainOps, new Map()),
    ).toThrow(/unknown phase 'fit'/);
    expect(() => scorecardStrategy.init({ ...defaultScorecardConfig, bins: 1 }, 5)).toThrow(/bins must be/);
  });
});
