// Coordinator-side logistic regression math: aggregates → standardisation, penalised Newton steps.

import { choleskySolve } from './linalg.ts';
import type { LogisticState } from './logistic-state.ts';
import { baseRateLogit, checkedVector } from './numeric.ts';
import type { Update } from './strategy.ts';

/**
 * E[x²]/Var(x) above which the one-pass variance E[x²] − mean² is too cancellation-prone (it loses
 * about log10 of this many digits), so a 'spread' round sums centred squares instead. Typical
 * amounts, counts and ratios stay below it; years, timestamps and large offsets do not.
 */
const SPREAD_CONDITION = 1e3;

/**
 * Reads a numeric vector of an exact length from params or an aggregate, failing loudly.
 *
 * @example
 * numberVector({ beta: [0, 1] }, 'beta', 2, 'param'); // [0, 1]
 */
export function numberVector(
  source: Record<string, unknown>,
  key: string,
  length: number,
  what: string,
): number[] {
  return checkedVector('logistic', source, key, length, what);
}

/** std from a population variance; a constant or broken feature is left unscaled (std 1). */
const stdOf = (variance: number): number => {
  const std = Math.sqrt(variance);
  return std > 0 && Number.isFinite(std) ? std : 1;
};

/** Newton starts at β = (logit(base rate), 0, …), which saves a round or two over β = 0. */
function startNewton(state: LogisticState): LogisticState {
  const beta = new Array<number>(state.featureCount + 1).fill(0);
  beta[0] = baseRateLogit(state.positives, state.rows);
  return { ...state, phase: 'newton', beta };
}

/**
 * Federated means and population std devs from the stats aggregate; a feature with no values gets
 * mean 0. Goes to the 'spread' phase when any variance is ill-conditioned, else straight to Newton.
 *
 * @example
 * afterStats(state, sumUpdates(statsUpdates)).means;
 */
export function afterStats(state: LogisticState, agg: Update): LogisticState {
  const d = state.featureCount;
  const [rows] = numberVector(agg, 'n', 1, 'aggregate field');
  const [positives] = numberVector(agg, 'positives', 1, 'aggregate field');
  if (!(rows! > 0)) throw new Error('logistic: the stats round saw no rows');
  const counts = numberVector(agg, 'count', d, 'aggregate field');
  const sum = numberVector(agg, 'sum', d, 'aggregate field');
  const sumsq = numberVector(agg, 'sumsq', d, 'aggregate field');
  const means = new Array<number>(d);
  const stds = new Array<number>(d);
  let illConditioned = false;
  for (let j = 0; j < d; j++) {
    const c = counts[j]!;
    const mean = c > 0 ? sum[j]! / c : 0;
    const second = c > 0 ? sumsq[j]! / c : 0;
    // Clamp the small negatives cancellation can produce.
    const variance = Math.max(second - mean * mean, 0);
    if (c > 0 && second > 0 && !(second <= SPREAD_CONDITION * variance)) illConditioned = true;
    means[j] = Number.isFinite(mean) ? mean : 0;
    stds[j] = stdOf(variance);
  }
  const next: LogisticState = {
    ...state,
    means,
    stds,
    counts: [...counts],
    rows: rows!,
    positives: positives!,
  };
  return illConditioned ? { ...next, phase: 'spread' } : startNewton(next);
}

/**
 * Refines means and std devs from the spread aggregate: mean += Σ(x − mean)/count and
 * variance = Σ(x − mean)²/count − δ², which involve no large cancelling terms.
 *
 * @example
 * afterSpread(state, sumUpdates(spreadUpdates)).stds;
 */
export function afterSpread(state: LogisticState, agg: Update): LogisticState {
  const d = state.featureCount;
  const shift = numberVector(agg, 'shift', d, 'aggregate field');
  const m2 = numberVector(agg, 'm2', d, 'aggregate field');
  const means = [...state.means];
  const stds = [...state.stds];
  for (let j = 0; j < d; j++) {
    const c = state.counts[j]!;
    if (!(c > 0)) continue;
    const delta = shift[j]! / c;
    means[j] = means[j]! + delta;
    stds[j] = stdOf(Math.max(m2[j]! / c - delta * delta, 0));
  }
  return startNewton({ ...state, means, stds });
}

/**
 * One penalised Newton step β ← β + (H + l2·I')⁻¹ (g − l2·β'), where primes zero the intercept.
 * Records the penalised loss at the old β and stops on max|Δβ| < tolerance or the round cap.
 *
 * @example
 * afterNewton(state, sumUpdates(newtonUpdates)).beta;
 */
export function afterNewton(state: LogisticState, agg: Update): LogisticState {
  const p = state.featureCount + 1;
  const { l2, maxRounds, tolerance } = state.config;
  const grad = numberVector(agg, 'grad', p, 'aggregate field');
  const hess = Float64Array.from(numberVector(agg, 'hess', p * p, 'aggregate field'));
  const [nll] = numberVector(agg, 'loss', 1, 'aggregate field');
  const beta = state.beta;
  const rhs = new Float64Array(p);
  let penalty = 0;
  for (let j = 0; j < p; j++) {
    const pen = j === 0 ? 0 : l2;
    rhs[j] = grad[j]! - pen * beta[j]!;
    hess[j * p + j]! += pen;
    penalty += 0.5 * pen * beta[j]! * beta[j]!;
  }
  const step = choleskySolve(hess, rhs, p);
  const next = new Array<number>(p);
  let maxStep = 0;
  for (let j = 0; j < p; j++) {
    next[j] = beta[j]! + step[j]!;
    maxStep = Math.max(maxStep, Math.abs(step[j]!));
  }
  if (!next.every(Number.isFinite)) throw new Error('logistic: Newton step produced non-finite coefficients');
  const rounds = state.rounds + 1;
  const converged = maxStep < tolerance;
  const phase = converged || rounds >= maxRounds ? 'done' : 'newton';
  return { ...state, phase, beta: next, rounds, loss: nll! + penalty, lastStep: maxStep, converged };
}
