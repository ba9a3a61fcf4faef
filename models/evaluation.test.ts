// Tests for histogram-based federated evaluation against exact row-level metrics.
import { describe, expect, it } from 'vitest';
import {
  EVAL_BINS,
  exactAuc,
  exactKs,
  localEvaluation,
  metricsFromHistograms,
  scoreBin,
} from './evaluation.ts';
import { sumUpdates } from './strategy.ts';
import { seededRandom } from './testing/random.ts';
import { calibratedScores } from './testing/synthetic.ts';

const { prob, y } = calibratedScores(5000, 99);
const metrics = metricsFromHistograms(localEvaluation(prob, y));

describe('scoreBin', () => {
  it('is uniform in logit space and clamps the tails', () => {
    expect(scoreBin(0.5)).toBe(500);
    expect(scoreBin(0)).toBe(0);
    expect(scoreBin(1)).toBe(EVAL_BINS - 1);
    expect(scoreBin(1e-9)).toBe(0);
    // logit 0.06 ≈ −2.75 → bin floor((−2.75 + 12) / 24 · 1000) = 385.
    expect(scoreBin(0.06)).toBe(385);
  });
});

describe('localEvaluation', () => {
  it('builds histograms and clipped sums', () => {
    const u = localEvaluation(new Float64Array([0, 1, 0.5]), new Float64Array([1, 0, 1]));
    expect(u['pos']![0]).toBe(1);
    expect(u['neg']![EVAL_BINS - 1]).toBe(1);
    expect(u['pos']![500]).toBe(1);
    expect(u['psum']![500]).toBe(0.5);
    expect(u['logLoss']![0]).toBeCloseTo(-2 * Math.log(1e-15) + Math.LN2, 9);
    expect(u['brier']).toEqual([2.25]);
  });

  it('rejects invalid inputs', () => {
    expect(() => localEvaluation(new Float64Array([0.5]), new Float64Array([2]))).toThrow(/not 0 or 1/);
    expect(() => localEvaluation(new Float64Array([Number.NaN]), new Float64Array([1]))).toThrow(
      /not a probability/,
    );
    expect(() => localEvaluation(new Float64Array([0.5]), new Float64Array(2))).toThrow(
      /1 scores for 2 labels/,
    );
  });
});

describe('metricsFromHistograms', () => {
  it('uses realistic low-base-rate scores', () => {
    expect(metrics.rows).toBe(5000);
    expect(metrics.positives / metrics.rows).toBeGreaterThan(0.04);
    expect(metrics.positives / metrics.rows).toBeLessThan(0.08);
  });

  it('matches exact AUC within 1e-3 and KS within 0.01', () => {
    const auc = exactAuc(prob, y);
    expect(auc).toBeGreaterThan(0.7);
    expect(Math.abs(metrics.auc - auc)).toBeLessThan(1e-3);
    expect(Math.abs(metrics.ks - exactKs(prob, y))).toBeLessThan(0.01);
    expect(metrics.gini).toBeCloseTo(2 * metrics.auc - 1, 15);
  });

  it('gives mean log loss and Brier', () => {
    let ll = 0;
    let br = 0;
    prob.forEach((p, i) => {
      ll -= y[i] ? Math.log(p) : Math.log(1 - p);
      br += (p - y[i]!) ** 2;
    });
    expect(metrics.logLoss).toBeCloseTo(ll / 5000, 12);
    expect(metrics.brier).toBeCloseTo(br / 5000, 12);
  });

  it('builds a lift table close to the exact one', () => {
    const d = metrics.deciles;
    expect(d.map((r) => r.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const r of d) expect(r.rows).toBeCloseTo(500, 6);
    expect(d.reduce((s, r) => s + r.positives, 0)).toBeCloseTo(metrics.positives, 6);
    expect(d[9]!.cumulativeCaptureRate).toBeCloseTo(1, 12);
    expect(d[0]!.lift).toBeGreaterThan(2.5);
    expect(d[0]!.rate).toBeGreaterThan(d[9]!.rate);
    const order = Array.from(prob.keys()).sort((a, b) => prob[b]! - prob[a]!);
    const topPositives = order.slice(0, 500).reduce((s, i) => s + y[i]!, 0);
    expect(Math.abs(d[0]!.positives - topPositives)).toBeLessThan(3);
    expect(d[0]!.lift).toBeCloseTo(d[0]!.rate / (metrics.positives / metrics.rows), 12);
  });

  it('builds a calibration table that tracks the observed rate for calibrated scores', () => {
    const c = metrics.calibration!;
    expect(c).toHaveLength(10);
    for (let k = 1; k < 10; k++) expect(c[k]!.meanPredicted).toBeGreaterThan(c[k - 1]!.meanPredicted);
    const order = Array.from(prob.keys()).sort((a, b) => prob[a]! - prob[b]!);
    const lowest = order.slice(0, 500).reduce((s, i) => s + prob[i]!, 0) / 500;
    expect(c[0]!.meanPredicted).toBeCloseTo(lowest, 3);
    expect(Math.abs(c[9]!.meanPredicted - c[9]!.observedRate)).toBeLessThan(0.05);
  });

  it('gives the same metrics for summed domain histograms as for the pooled one', () => {
    const parts = [
      localEvaluation(prob.subarray(0, 1200), y.subarray(0, 1200)),
      localEvaluation(prob.subarray(1200), y.subarray(1200)),
    ];
    const summed = metricsFromHistograms(sumUpdates(parts));
    expect(summed.auc).toBe(metrics.auc);
    expect(summed.ks).toBe(metrics.ks);
    expect(summed.rows).toBe(metrics.rows);
    expect(summed.positives).toBe(metrics.positives);
    expect(summed.logLoss).toBeCloseTo(metrics.logLoss, 12);
    expect(summed.brier).toBeCloseTo(metrics.brier, 12);
    summed.deciles.forEach((r, k) => {
      expect(r.positives).toBeCloseTo(metrics.deciles[k]!.positives, 9);
    });
  });

  it('scores perfect separation as AUC 1 and KS 1, random scores as ≈ 0.5', () => {
    const sep = localEvaluation(
      new Float64Array([0.01, 0.1, 0.3, 0.7, 0.9]),
      new Float64Array([0, 0, 0, 1, 1]),
    );
    const m = metricsFromHistograms(sep);
    expect(m.auc).toBe(1);
    expect(m.ks).toBe(1);
    expect(m.gini).toBe(1);
    const rng = seededRandom(3);
    const rp = Float64Array.from({ length: 5000 }, () => rng.uniform());
    const ry = Float64Array.from({ length: 5000 }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const r = metricsFromHistograms(localEvaluation(rp, ry));
    expect(Math.abs(r.auc - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(r.auc - exactAuc(rp, ry))).toBeLessThan(1e-3);
    expect(r.ks).toBeLessThan(0.06);
  });

  it('refuses a single-class holdout and malformed updates', () => {
    expect(() =>
      metricsFromHistograms(localEvaluation(new Float64Array([0.2]), new Float64Array([1]))),
    ).toThrow(/both classes/);
    expect(() => metricsFromHistograms({ pos: [1] })).toThrow(/'pos' must have 1000/);
  });
});

describe('exactAuc / exactKs', () => {
  it('average ties and match hand-computed values', () => {
    expect(exactAuc(new Float64Array([0.1, 0.4, 0.35, 0.8]), new Float64Array([0, 0, 1, 1]))).toBe(0.75);
    expect(exactAuc(new Float64Array([0.5, 0.5, 0.5]), new Float64Array([0, 1, 0]))).toBe(0.5);
    expect(exactKs(new Float64Array([0.1, 0.2, 0.8, 0.9]), new Float64Array([0, 0, 1, 1]))).toBe(1);
    // A tie group is never split: one positive and one negative at 0.5 give no separation.
    expect(exactKs(new Float64Array([0.5, 0.5]), new Float64Array([0, 1]))).toBe(0);
    expect(() => exactAuc(new Float64Array([0.5]), new Float64Array([0]))).toThrow(/both classes/);
  });
});
