// A fitted logistic model in original feature units: construction, scoring and reason-code contributions.

import { sigmoid } from './numeric.ts';
import { type PreparedScoring, topGroups } from './strategy.ts';

/**
 * A fitted logistic regression. `weights`/`intercept` act on ORIGINAL feature units; `means` impute
 * missing values; `beta` (intercept first) and `stds` keep the standardised fit for audit.
 *
 * @example
 * const m: LogisticModel = { kind: 'logistic', intercept: -2, weights: [0.5], means: [1], stds: [2], beta: [-1.5, 1], rounds: 6 };
 */
export interface LogisticModel {
  kind: 'logistic';
  intercept: number;
  weights: number[];
  means: number[];
  stds: number[];
  beta: number[];
  rounds: number;
}

/**
 * Converts standardised coefficients to original units: w_j = β_j / σ_j and
 * intercept = β_0 − Σ β_j μ_j / σ_j, so β·z = intercept + w·x for every row.
 *
 * @example
 * logisticModelFromBeta([1, 2], [10], [4], 5); // intercept −4, weights [0.5]
 */
export function logisticModelFromBeta(
  beta: readonly number[],
  means: readonly number[],
  stds: readonly number[],
  rounds: number,
): LogisticModel {
  const d = means.length;
  if (beta.length !== d + 1 || stds.length !== d) {
    throw new Error(`logisticModelFromBeta: expected beta of ${d + 1} and stds of ${d}`);
  }
  const weights = new Array<number>(d);
  let intercept = beta[0]!;
  for (let j = 0; j < d; j++) {
    const w = beta[j + 1]! / stds[j]!;
    weights[j] = w;
    intercept -= w * means[j]!;
  }
  return {
    kind: 'logistic',
    intercept,
    weights,
    means: [...means],
    stds: [...stds],
    beta: [...beta],
    rounds,
  };
}

/**
 * Probability of the positive class for each row of a row-major n × d matrix; NaN is imputed with
 * the training mean.
 *
 * @example
 * predictLogistic(model, new Float64Array([1, NaN]), 2); // Float64Array of 2 probabilities
 */
export function predictLogistic(model: LogisticModel, x: Float64Array, n: number): Float64Array {
  const d = model.weights.length;
  if (x.length !== n * d) throw new Error(`predict: x has ${x.length} values, expected ${n}×${d}`);
  const out = new Float64Array(n);
  const { weights, means } = model;
  for (let i = 0; i < n; i++) {
    let eta = model.intercept;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      eta += weights[j]! * (Number.isNaN(v) ? means[j]! : v);
    }
    out[i] = sigmoid(eta);
  }
  return out;
}

/**
 * Per-feature contribution to one row's log-odds relative to the average applicant,
 * w_j · (x_j − μ_j); a missing value is imputed with μ_j and so contributes 0. Largest positive
 * contributions are the reasons a score is risky (reason codes).
 *
 * @example
 * contributions(model, [1.5, NaN]); // [w_0 · (1.5 − μ_0), 0]
 */
export function contributions(model: LogisticModel, row: Float64Array | number[]): number[] {
  const d = model.weights.length;
  if (row.length !== d) throw new Error(`contributions: row has ${row.length} values, expected ${d}`);
  const out = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    const v = row[j]!;
    out[j] = Number.isNaN(v) ? 0 : model.weights[j]! * (v - model.means[j]!);
  }
  return out;
}

/**
 * Reason codes: names of up to `limit` features with the largest positive contribution to the
 * row's log-odds (risk-increasing only), largest first; ties keep feature order.
 *
 * @example
 * topReasons(model, row, ['tax.paid', 'court.cases'], 3); // e.g. ['court.cases']
 */
export function topReasons(
  model: LogisticModel,
  row: Float64Array | number[],
  featureNames: readonly string[],
  limit: number,
): string[] {
  if (featureNames.length !== model.weights.length) {
    throw new Error(`reasons: ${featureNames.length} feature names for ${model.weights.length} weights`);
  }
  const c = contributions(model, row);
  return c
    .map((value, j) => ({ value, j }))
    .filter((e) => e.value > 0)
    .sort((a, b) => b.value - a.value || a.j - b.j)
    .slice(0, Math.max(0, limit))
    .map((e) => featureNames[e.j]!);
}

/**
 * The model prepared for scoring batches: `predictLogistic`'s probabilities and, per row, the
 * groups of `topReasons`' features (first `limit` distinct), from the same contributions
 * selected in place rather than sorted.
 *
 * @example
 * const scoring = prepareLogisticScoring(model, Int32Array.from([0, 0, 1]), 3);
 * scoring.reasons(x, n, out, counts);
 */
export function prepareLogisticScoring(
  model: LogisticModel,
  groups: Int32Array,
  limit: number,
): PreparedScoring {
  const d = model.weights.length;
  const weights = Float64Array.from(model.weights);
  const means = Float64Array.from(model.means);
  const c = new Float64Array(d);
  const best = new Float64Array(limit);
  return {
    predict: (x, n) => predictLogistic(model, x, n),
    reasons(x, n, out, counts) {
      if (groups.length !== d) throw new Error(`reasons: ${groups.length} feature groups for ${d} weights`);
      for (let i = 0; i < n; i++) {
        const at = i * d;
        for (let j = 0; j < d; j++) {
          const v = x[at + j]!;
          c[j] = Number.isNaN(v) ? 0 : weights[j]! * (v - means[j]!);
        }
        counts[i] = topGroups(c, groups, d, limit, out, i * limit, best);
      }
    },
  };
}
