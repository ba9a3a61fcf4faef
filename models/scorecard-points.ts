// Scorecard scaling: points per bin from the regression on WoE, the usual pdo/base-odds split.
// Siddiqi, "Credit Risk Scorecards" (2006), ch. 10 ("Scorecard scaling"): score = offset +
// factor · ln(odds), factor = pdo / ln 2, offset = baseScore − factor · ln(baseOdds).

import type { WoeBin } from './scorecard-bins.ts';

/**
 * A bin of the points table: its range (or the missing bin), training counts, WoE and points.
 *
 * @example
 * const bin: ScorecardBin = { lower: null, upper: 0.3, good: 900, bad: 40, woe: 0.52, points: 68.4 };
 */
export interface ScorecardBin extends WoeBin {
  points: number;
}

/**
 * The scaling of a scorecard: `baseScore` at good:bad odds `baseOdds`, `pdo` points per doubling.
 *
 * @example
 * const s: ScorecardScaling = pointsScaling({ pdo: 20, baseScore: 600, baseOdds: 50 });
 */
export interface ScorecardScaling {
  pdo: number;
  baseScore: number;
  baseOdds: number;
  factor: number;
  offset: number;
}

/**
 * factor = pdo / ln 2 and offset = baseScore − factor · ln(baseOdds).
 *
 * @example
 * pointsScaling({ pdo: 20, baseScore: 600, baseOdds: 50 }); // factor ≈ 28.85, offset ≈ 487.12
 */
export function pointsScaling(c: { pdo: number; baseScore: number; baseOdds: number }): ScorecardScaling {
  const factor = c.pdo / Math.LN2;
  return {
    pdo: c.pdo,
    baseScore: c.baseScore,
    baseOdds: c.baseOdds,
    factor,
    offset: c.baseScore - factor * Math.log(c.baseOdds),
  };
}

/**
 * Attaches points to every bin: −(β_j · WoE + α / m) · factor + offset / m, with m characteristics.
 * The model gives ln(bad:good odds) = α + Σ β_j WoE_j, so the points of a row sum to
 * offset + factor · ln(good:bad odds): higher score = lower risk, and +pdo whenever the odds double.
 *
 * @example
 * withPoints([{ feature: 0, coefficient: -1, iv: 0.2, missingBin: 0, bins }], -2.5, scaling);
 */
export function withPoints<C extends { coefficient: number; bins: readonly WoeBin[] }>(
  characteristics: readonly C[],
  intercept: number,
  scaling: ScorecardScaling,
): (Omit<C, 'bins'> & { bins: ScorecardBin[] })[] {
  const m = characteristics.length;
  return characteristics.map((c) => ({
    ...c,
    bins: c.bins.map((b) => ({
      ...b,
      points: -(c.coefficient * b.woe + intercept / m) * scaling.factor + scaling.offset / m,
    })),
  }));
}
