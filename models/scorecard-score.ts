// Scoring one row with a scorecard: total points (the score) and reason codes from point shortfalls.

import { binOf, type WoeEncoder } from './scorecard-encoder.ts';
import { modelEncoder, predictScorecard, rowBins, type ScorecardModel } from './scorecard-model.ts';
import { type PreparedScoring, topGroups } from './strategy.ts';

/**
 * Total points (the score) of each row of a row-major n × featureCount matrix: the sum of its
 * bins' points from the model's own points table. `enc` is the model's encoder, for callers that
 * keep it between calls.
 *
 * @example
 * scorecardPointsOfRows(model, x, n); // Float64Array of n scores, e.g. [611.7, 587.2, …]
 */
export function scorecardPointsOfRows(
  model: ScorecardModel,
  x: Float64Array,
  n: number,
  enc: WoeEncoder = modelEncoder(model),
): Float64Array {
  const d = model.featureCount;
  if (x.length !== n * d) throw new Error(`points: x has ${x.length} values, expected ${n}×${d}`);
  const out = new Float64Array(n);
  const { characteristics } = model;
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < characteristics.length; k++) {
      const c = characteristics[k]!;
      total += c.bins[binOf(enc, k, x[i * d + c.feature]!)]!.points;
    }
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

/**
 * The scorecard prepared for scoring batches: its encoder and every bin's shortfall computed once,
 * then `predictScorecard`, `scorecardPointsOfRows` and, per row, the groups of `scorecardReasons`'
 * features (first `limit` distinct), selected in place rather than sorted.
 *
 * @example
 * const scoring = prepareScorecardScoring(model, Int32Array.from([0, 1, 2, 3, 4]), 3);
 * scoring.points?.(x, n); // the same as scorecardPointsOfRows(model, x, n)
 */
export function prepareScorecardScoring(
  model: ScorecardModel,
  groups: Int32Array,
  limit: number,
): PreparedScoring {
  const d = model.featureCount;
  const enc = modelEncoder(model);
  const m = model.characteristics.length;
  const shortfall = model.characteristics.map((c) => {
    const top = Math.max(...c.bins.map((b) => b.points));
    return Float64Array.from(c.bins, (b) => top - b.points);
  });
  const groupOf = Int32Array.from(model.characteristics, (c) => groups[c.feature]!);
  const features = Int32Array.from(model.features);
  const s = new Float64Array(m);
  const best = new Float64Array(limit);
  return {
    predict: (x, n) => predictScorecard(model, x, n, enc),
    points: (x, n) => scorecardPointsOfRows(model, x, n, enc),
    reasons(x, n, out, counts) {
      if (groups.length !== d) throw new Error(`reasons: ${groups.length} feature groups for ${d} features`);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < m; k++) s[k] = shortfall[k]![binOf(enc, k, x[i * d + features[k]!]!)]!;
        counts[i] = topGroups(s, groupOf, m, limit, out, i * limit, best);
      }
    },
  };
}
