// Tests for a fitted scorecard: points scaling, prediction by hand, reason codes, points tables.
import { describe, expect, it } from 'vitest';
import { fitFederated } from './driver.ts';
import { plainOps } from './linalg.ts';
import {
  defaultScorecardConfig,
  pointsScaling,
  pointsTableCsv,
  pointsTableJson,
  type ScorecardModel,
  scorecardPoints,
  scorecardReasons,
  scorecardStrategy,
  withPoints,
} from './scorecard.ts';
import { SCORECARD_FIXTURE_FEATURES, scorecardCredit } from './scorecard-fixtures.ts';
import { splitRows } from './testing/synthetic.ts';

const domains = splitRows(scorecardCredit(9000, 31, 'u-shaped'), [2000, 3000, 4000]);
const { model } = fitFederated(scorecardStrategy, defaultScorecardConfig, domains, plainOps);
const holdout = scorecardCredit(400, 32, 'u-shaped');
const names = [...SCORECARD_FIXTURE_FEATURES];
const row = (i: number) => holdout.x.subarray(i * holdout.d, (i + 1) * holdout.d);
const p = scorecardStrategy.predict(model, holdout.x, holdout.n);

/** The same model with a new intercept and points rescaled to match. */
function withIntercept(m: ScorecardModel, intercept: number): ScorecardModel {
  return { ...m, intercept, characteristics: withPoints(m.characteristics, intercept, m.scaling) };
}

/** The bin of a value, found by reading the bins as a person would. */
function handBin(c: ScorecardModel['characteristics'][number], v: number): number {
  if (Number.isNaN(v)) return c.missingBin;
  return c.bins.findIndex(
    (b) => !b.missing && (b.lower === null || v >= b.lower) && (b.upper === null || v < b.upper),
  );
}

describe('scorecard points', () => {
  it('uses factor = pdo / ln 2 and offset = baseScore − factor · ln(baseOdds)', () => {
    expect(model.scaling.factor).toBeCloseTo(20 / Math.LN2, 12);
    expect(model.scaling.offset).toBeCloseTo(600 - (20 / Math.LN2) * Math.log(50), 12);
    expect(pointsScaling({ pdo: 40, baseScore: 500, baseOdds: 1 }).offset).toBe(500);
  });

  it('scores offset + factor · ln(good:bad odds), so higher score = lower risk', () => {
    for (let i = 0; i < 50; i++) {
      const odds = (1 - p[i]!) / p[i]!;
      expect(scorecardPoints(model, row(i))).toBeCloseTo(
        model.scaling.offset + model.scaling.factor * Math.log(odds),
        8,
      );
    }
  });

  it('adds exactly pdo points when the good:bad odds double', () => {
    // Lowering the intercept by ln 2 halves every row's bad:good odds, i.e. doubles good:bad.
    const doubled = withIntercept(model, model.intercept - Math.LN2);
    const q = scorecardStrategy.predict(doubled, holdout.x, holdout.n);
    for (let i = 0; i < 50; i++) {
      expect((1 - q[i]!) / q[i]! / ((1 - p[i]!) / p[i]!)).toBeCloseTo(2, 10);
      expect(scorecardPoints(doubled, row(i)) - scorecardPoints(model, row(i))).toBeCloseTo(20, 9);
    }
    // Between any two rows too: the score gap is pdo · log2 of their odds ratio.
    const gap = scorecardPoints(model, row(0)) - scorecardPoints(model, row(1));
    const ratio = ((1 - p[0]!) / p[0]! / (1 - p[1]!)) * p[1]!;
    expect(gap).toBeCloseTo(20 * Math.log2(ratio), 8);
  });

  it('totals baseScore for a row at baseOdds', () => {
    // Choose the intercept that puts row 0 at 50:1 good:bad odds; its points must sum to 600.
    const woeSum = model.characteristics.reduce(
      (s, c, k) => s + model.coefficients[k]! * c.bins[handBin(c, row(0)[c.feature]!)]!.woe,
      0,
    );
    const atBase = withIntercept(model, -Math.log(50) - woeSum);
    const q = scorecardStrategy.predict(atBase, row(0).slice(), 1)[0]!;
    expect((1 - q) / q).toBeCloseTo(50, 9);
    expect(scorecardPoints(atBase, row(0))).toBeCloseTo(600, 9);
  });
});

describe('scorecard predict and reasons', () => {
  it('predicts P(bad) = sigmoid(α + Σ β · WoE of the row’s bins), missing values included', () => {
    const i = Array.from({ length: holdout.n }, (_, k) => k).find((k) => Number.isNaN(row(k)[0]!))!;
    expect(i).toBeDefined();
    let eta = model.intercept;
    model.characteristics.forEach((c, k) => {
      eta += model.coefficients[k]! * c.bins[handBin(c, row(i)[c.feature]!)]!.woe;
    });
    expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-eta)), 14);
    expect(() => scorecardStrategy.predict(model, holdout.x, holdout.n + 1)).toThrow(/expected/);
  });

  it('names features by their points shortfall from the best bin, largest first', () => {
    const x = row(3);
    const shortfall = model.characteristics.map((c) => {
      const best = Math.max(...c.bins.map((b) => b.points));
      return { name: names[c.feature]!, gap: best - c.bins[handBin(c, x[c.feature]!)]!.points };
    });
    const expected = shortfall
      .filter((e) => e.gap > 0)
      .sort((a, b) => b.gap - a.gap)
      .map((e) => e.name);
    expect(scorecardStrategy.reasons(model, x, names, 10)).toEqual(expected);
    expect(scorecardReasons(model, x, names, 1)).toEqual(expected.slice(0, 1));
    expect(() => scorecardReasons(model, x, ['a'], 3)).toThrow(/1 feature names for 5 features/);
  });

  it('gives no reasons for a row in every feature’s best bin', () => {
    const best = new Float64Array(model.featureCount);
    for (const c of model.characteristics) {
      const top = c.bins.reduce((t, b, i) => (b.points > c.bins[t]!.points ? i : t), 0);
      const b = c.bins[top]!;
      best[c.feature] = b.missing ? Number.NaN : (b.lower ?? (b.upper ?? 0) - 1);
    }
    expect(scorecardReasons(model, best, names, 3)).toEqual([]);
  });
});

describe('points tables', () => {
  it('lists every bin of every kept feature as JSON-ready rows', () => {
    const table = pointsTableJson(model, names);
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
    expect(table.features.map((f) => f.name)).toEqual(model.features.map((j) => names[j]));
    const income = table.features[0]!;
    expect(income.bins[0]!.bin).toBe(`< ${income.bins[0]!.upper}`);
    expect(income.bins.at(-1)).toMatchObject({ bin: 'missing', missing: true, lower: null, upper: null });
    expect(income.bins.filter((b) => b.missing)).toHaveLength(1);
  });

  it('writes CSV with a header, one line per bin, quoted labels and empty unbounded ends', () => {
    const csv = pointsTableCsv(model, names);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('feature,bin,lower,upper,missing,good,bad,woe,points');
    const bins = model.characteristics.reduce((s, c) => s + c.bins.length, 0);
    expect(lines).toHaveLength(bins + 1);
    expect(lines[1]).toMatch(/^income,< [\d.]+,,[\d.]+,false,\d+,\d+,-?[\d.e-]+,-?[\d.e-]+$/);
    expect(lines[2]).toMatch(/^income,"\[[\d.]+, [\d.]+\)",/);
    expect(pointsTableCsv(model, ['in,come', ...names.slice(1)])).toContain('"in,come"');
  });
});
