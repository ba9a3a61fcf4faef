// Scoring one row with a scorecard: total points (the score) and reason codes from point shortfalls.

import { rowBins, type ScorecardModel } from './scorecard-model.ts';

/**
 * A row's total points (the score) from its bins' points.
 *
 * @example
 * scorecardPoints(model, [52_000, NaN, 0.4]); // e.g. 611.7
 */
export function scorecardPoints(model: ScorecardModel, row: Float64Array | readonly number[]): number {
  const bins = rowBins(model, row);
  return model.characteristics.reduce((s, c, k) => s + c.bins[bins[k]!]!.points, 0);
}

/**
 * Reason codes: names of up to `limit` kept features whose bin earns the row the fewest points
 * compared with that feature's best bin, largest shortfall first (ties: feature order); a feature in
 * its best bin is never a reason. `featureNames` names the model's input columns.
 *
 * @example
 * scorecardReasons(model, row, ['tax.paid', 'court.cases', 'age'], 3); // e.g. ['court.cases']
 */
export function scorecardReasons(
  model: ScorecardModel,
  row: Float64Array | readonly number[],
  featureNames: readonly string[],
  limit: number,
): string[] {
  if (featureNames.length !== model.featureCount) {
    throw new Error(`reasons: ${featureNames.length} feature names for ${model.featureCount} features`);
  }
  const bins = rowBins(model, row);
  return model.characteristics
    .map((c, k) => ({
      shortfall: Math.max(...c.bins.map((b) => b.points)) - c.bins[bins[k]!]!.points,
      name: featureNames[c.feature]!,
      k,
    }))
    .filter((e) => e.shortfall > 0)
    .sort((a, b) => b.shortfall - a.shortfall || a.k - b.k)
    .slice(0, Math.max(0, limit))
    .map((e) => e.name);
}
