// A fitted scorecard: bins with WoE and points per kept feature, the regression on WoE, and scoring.

import { sigmoid } from './numeric.ts';
import { binOf, encoderOf, type WoeEncoder } from './scorecard-encoder.ts';
import { pointsScaling, type ScorecardBin, type ScorecardScaling, withPoints } from './scorecard-points.ts';
import type { ScorecardState } from './scorecard-state.ts';

/**
 * One kept feature ("characteristic"): its input index, IV, coefficient on WoE, the bin missing
 * values map to, and its bins (range bins in order, then the dedicated missing bin if any).
 *
 * @example
 * const c: ScorecardCharacteristic = { feature: 2, iv: 0.21, coefficient: -0.93, missingBin: 4, bins };
 */
export interface ScorecardCharacteristic {
  feature: number;
  iv: number;
  coefficient: number;
  missingBin: number;
  bins: ScorecardBin[];
}

/**
 * A fitted scorecard, plain JSON. P(bad) = sigmoid(intercept + Σ_k coefficients[k] · WoE_k); WoE =
 * ln(%good / %bad), so coefficients are usually near −1. The score is the sum of the row's bin
 * points, offset + factor · ln(good:bad odds): higher score = lower risk. `iv` lists every input
 * feature's IV, dropped ones included; `rounds` counts Newton rounds.
 *
 * @example
 * const { model } = fitFederated(scorecardStrategy, defaultScorecardConfig, domains, plainOps);
 * model.characteristics[0].bins[0].points;
 */
export interface ScorecardModel {
  kind: 'scorecard';
  featureCount: number;
  features: number[];
  intercept: number;
  coefficients: number[];
  characteristics: ScorecardCharacteristic[];
  iv: number[];
  scaling: ScorecardScaling;
  rounds: number;
}

/**
 * The model of a state whose bins are known (from the first Newton round on).
 *
 * @example
 * scorecardModelFromState(state).characteristics.length === state.features.length; // true
 */
export function scorecardModelFromState(state: ScorecardState): ScorecardModel {
  const { lr, features, binned, config } = state;
  if (!lr) throw new Error('scorecard: no model before the bins are known');
  const [intercept, ...coefficients] = lr.beta;
  const characteristics = withPoints(
    features.map((j, k) => ({ feature: j, coefficient: coefficients[k]!, ...binned[j]! })),
    intercept!,
    pointsScaling(config),
  );
  return {
    kind: 'scorecard',
    featureCount: state.featureCount,
    features: [...features],
    intercept: intercept!,
    coefficients,
    characteristics,
    iv: binned.map((f) => f.iv),
    scaling: pointsScaling(config),
    rounds: lr.rounds,
  };
}

/**
 * The WoE encoder of a model (the same one its Newton rounds used).
 *
 * @example
 * modelEncoder(model).edges[0]; // inner bin edges of the first kept feature
 */
export function modelEncoder(model: ScorecardModel): WoeEncoder {
  return encoderOf(model.characteristics, model.features);
}

/**
 * Each kept feature's bin for one row of the model's input width (missing values allowed).
 *
 * @example
 * rowBins(model, [52_000, NaN, 0.4]); // one bin index per characteristic
 */
export function rowBins(model: ScorecardModel, row: Float64Array | readonly number[]): number[] {
  if (row.length !== model.featureCount) {
    throw new Error(`scorecard: row has ${row.length} values, expected ${model.featureCount}`);
  }
  const enc = modelEncoder(model);
  return model.features.map((j, k) => binOf(enc, k, row[j]!));
}

/**
 * P(bad) per row of a row-major n × featureCount matrix, from the regression on WoE. `enc` is the
 * model's encoder, for callers that keep it between calls.
 *
 * @example
 * predictScorecard(model, x, n); // Float64Array of n probabilities
 */
export function predictScorecard(
  model: ScorecardModel,
  x: Float64Array,
  n: number,
  enc: WoeEncoder = modelEncoder(model),
): Float64Array {
  const d = model.featureCount;
  if (x.length !== n * d) throw new Error(`predict: x has ${x.length} values, expected ${n}×${d}`);
  const out = new Float64Array(n);
  const { features, coefficients } = model;
  for (let i = 0; i < n; i++) {
    let eta = model.intercept;
    for (let k = 0; k < features.length; k++) {
      eta += coefficients[k]! * enc.woe[k]![binOf(enc, k, x[i * d + features[k]!]!)]!;
    }
    out[i] = sigmoid(eta);
  }
  return out;
}
