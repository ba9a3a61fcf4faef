// The curves of a model page, read off its stored evaluation (lift by decile, calibration table): no rows, no I/O.
import type { Evaluation } from '../../../client-sdk/contract/resources.ts';

export interface Point {
  x: number;
  y: number;
}

/** A stored count or rate, read defensively (DP noise can make a count slightly negative). */
const nonNegative = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** The deciles riskiest first, with their bad (positive) and good counts. */
function decileCounts(deciles: Evaluation['deciles']): { bad: number; good: number }[] {
  return deciles
    .slice()
    .sort((a, b) => (a.decile ?? 0) - (b.decile ?? 0))
    .map((d) => {
      const rows = nonNegative(d.rows);
      const bad = Math.min(nonNegative(d.positives), rows);
      return { bad, good: rows - bad };
    });
}

/** Cumulative shares of bads and goods captured from the riskiest decile down, starting at 0. */
function cumulative(deciles: Evaluation['deciles']): { population: number; bad: number; good: number }[] {
  const counts = decileCounts(deciles);
  const bads = counts.reduce((s, d) => s + d.bad, 0);
  const goods = counts.reduce((s, d) => s + d.good, 0);
  const out = [{ population: 0, bad: 0, good: 0 }];
  let bad = 0;
  let good = 0;
  counts.forEach((d, i) => {
    bad += d.bad;
    good += d.good;
    out.push({
      population: (i + 1) / counts.length,
      bad: bads > 0 ? bad / bads : 0,
      good: goods > 0 ? good / goods : 0,
    });
  });
  return out;
}

/**
 * The ROC curve at decile resolution: cutting after each risk decile gives one (false positive
 * rate, true positive rate) point, from (0, 0) to (1, 1). Its area approaches the model's AUC
 * (which comes from the full 1,000-bin histograms) from below.
 *
 * @example
 * rocPoints(model.metrics.deciles); // [{ x: 0, y: 0 }, { x: 0.03, y: 0.41 }, …, { x: 1, y: 1 }]
 */
export function rocPoints(deciles: Evaluation['deciles']): Point[] {
  return cumulative(deciles).map((c) => ({ x: c.good, y: c.bad }));
}

/**
 * The KS chart: cumulative shares of bads and of goods against the share of the population,
 * riskiest first, and where their gap is widest (at decile resolution).
 *
 * @example
 * const { bad, good, widest } = ksCurves(model.metrics.deciles); widest.gap; // ≈ metrics.ks
 */
export function ksCurves(deciles: Evaluation['deciles']): {
  bad: Point[];
  good: Point[];
  widest: { x: number; bad: number; good: number; gap: number };
} {
  const c = cumulative(deciles);
  const widest = c.reduce(
    (best, p) =>
      p.bad - p.good > best.gap ? { x: p.population, bad: p.bad, good: p.good, gap: p.bad - p.good } : best,
    { x: 0, bad: 0, good: 0, gap: 0 },
  );
  return {
    bad: c.map((p) => ({ x: p.population, y: p.bad })),
    good: c.map((p) => ({ x: p.population, y: p.good })),
    widest,
  };
}

/**
 * The score distribution of each class over the risk deciles: the share of all bads, and of all
 * goods, that falls in each decile (decile 1 the riskiest tenth of the holdout).
 *
 * @example
 * classShares(model.metrics.deciles)[0]; // { decile: 1, bad: 0.41, good: 0.07 }
 */
export function classShares(deciles: Evaluation['deciles']): { decile: number; bad: number; good: number }[] {
  const counts = decileCounts(deciles);
  const bads = counts.reduce((s, d) => s + d.bad, 0);
  const goods = counts.reduce((s, d) => s + d.good, 0);
  return counts.map((d, i) => ({
    decile: i + 1,
    bad: bads > 0 ? d.bad / bads : 0,
    good: goods > 0 ? d.good / goods : 0,
  }));
}

/**
 * The reliability diagram's points: mean predicted probability against observed bad rate, one per
 * calibration bin that holds rows.
 *
 * @example
 * calibrationPoints(model.metrics.calibration); // [{ x: 0.004, y: 0.006 }, …]
 */
export function calibrationPoints(calibration: Evaluation['calibration']): Point[] {
  return calibration
    .filter((r) => nonNegative(r.rows) > 0)
    .map((r) => ({ x: nonNegative(r.meanPredicted), y: Math.min(nonNegative(r.observedRate), 1) }));
}

/**
 * Area under a polyline by the trapezoid rule (for the ROC points, the decile-resolution AUC).
 *
 * @example
 * trapezoidArea([{ x: 0, y: 0 }, { x: 1, y: 1 }]); // 0.5
 */
export function trapezoidArea(points: readonly Point[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++)
    area += ((points[i]!.x - points[i - 1]!.x) * (points[i]!.y + points[i - 1]!.y)) / 2;
  return area;
}
