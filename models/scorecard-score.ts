// Scoring one row with a scorecard: total points (the score) and reason codes from point shortfalls.

import { binOf } from './scorecard-encoder.ts';
import { modelEncoder, rowBins, type ScorecardModel } from './scorecard-model.ts';

/**
 * Total points (the score) of each row of a row-major n × featureCount matrix: the sum of its
 * bins' points from the model's own points table.
 *
 * @example
 * scorecardPointsOfRows(model, x, n); // Float64Array of n scores, e.g. [611.7, 587.2, …]
 */
export function scorecardPointsOfRows(model: ScorecardModel, x: Float64Array, n: number): Float64Array {
  const d = model.featureCount;
  if (x.length !== n * d) throw new Error(`points: x has ${x.length} values, expected ${n}×${d}`);
  const enc = modelEncoder(model);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    model.characteristics.forEach((c, k) => {
      total += c.bins[binOf(enc, k, x[i * d + c.feature]!)]!.points;
    });
    out[i] = total;
  }
  return out;
}

/**
 * A row's total points (the score) from its bins' points.
 *
 * @example
 * scorecardPoints(model, [52_000, NaN, 0.4]); // e.g. 611.7
 */
export function scorecardPoints(model: ScorecardModel, row: Float64Array | readonly number[]): number {
  if (row.length !== model.featureCount) {
    throw new Error(`scorecard: row has ${row.length} values, expected ${model.featureCount}`);
  }
  return scorecardPointsOfRows(model, Float64Array.from(row), 1)[0]!;
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
