// Federated evaluation: additive class-conditional score histograms in, AUC/KS/lift/calibration out.

import { type CalibrationRow, calibrationTable, type DecileRow, decileTable } from './evaluation-tables.ts';
import { logit } from './numeric.ts';
import type { Update } from './strategy.ts';

export { exactAuc, exactKs } from './evaluation-exact.ts';
export type { CalibrationRow, DecileRow } from './evaluation-tables.ts';

/**
 * Number of score bins. Bins are uniform in logit space over ±`EVAL_LOGIT_LIMIT`, so the many
 * low-probability scores of a low-default portfolio spread over hundreds of bins instead of a few.
 *
 * @example
 * localEvaluation(p, y).pos.length === EVAL_BINS; // true
 */
export const EVAL_BINS = 1000;

/**
 * Half-width of the logit range the bins cover; scores beyond it land in the end bins.
 *
 * @example
 * scoreBin(1e-9) === 0; // logit ≈ −20.7 is clamped
 */
export const EVAL_LOGIT_LIMIT = 12;

/** Probabilities are kept at least this far from 0 and 1 before taking logs. */
const LOG_CLIP = 1e-15;

/**
 * The histogram bin of a probability (logit-uniform, clamped to the end bins).
 *
 * @example
 * scoreBin(0.5); // 500
 */
export function scoreBin(p: number): number {
  const t = (logit(p) + EVAL_LOGIT_LIMIT) / (2 * EVAL_LOGIT_LIMIT);
  // logit(0) = −∞ and logit(1) = +∞ clamp naturally.
  return Math.min(EVAL_BINS - 1, Math.max(0, Math.floor(t * EVAL_BINS)));
}

/**
 * One domain's additive evaluation update on its holdout: positive and negative score histograms,
 * per-bin Σp (for calibration), Σ log loss (p clipped to [1e-15, 1 − 1e-15]) and Σ Brier.
 *
 * @example
 * const u = localEvaluation(model.predict(...), holdout.y); // { pos, neg, psum, logLoss, brier }
 */
export function localEvaluation(prob: Float64Array, y: Float64Array): Update {
  if (prob.length !== y.length)
    throw new Error(`localEvaluation: ${prob.length} scores for ${y.length} labels`);
  const pos = new Array<number>(EVAL_BINS).fill(0);
  const neg = new Array<number>(EVAL_BINS).fill(0);
  const psum = new Array<number>(EVAL_BINS).fill(0);
  let logLoss = 0;
  let brier = 0;
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i]!;
    const label = y[i]!;
    if (!(p >= 0 && p <= 1)) throw new Error(`localEvaluation: score ${p} at row ${i} is not a probability`);
    if (label !== 0 && label !== 1)
      throw new Error(`localEvaluation: label ${label} at row ${i} is not 0 or 1`);
    const b = scoreBin(p);
    if (label === 1) pos[b]! += 1;
    else neg[b]! += 1;
    psum[b]! += p;
    // Clip the probability of the observed class, i.e. p or 1 − p, at 1e-15: the same as clipping p
    // to [1e-15, 1 − 1e-15], but 1 − 1e-15 itself is not representable while 1 − p is exact here.
    logLoss -= Math.log(Math.max(label === 1 ? p : 1 - p, LOG_CLIP));
    brier += (p - label) ** 2;
  }
  return { pos, neg, psum, logLoss: [logLoss], brier: [brier] };
}

/**
 * The declared shape of `localEvaluation`'s update, for the egress guard.
 *
 * @example
 * evaluationShape().pos; // 1000
 */
export function evaluationShape(): Record<string, number> {
  return { pos: EVAL_BINS, neg: EVAL_BINS, psum: EVAL_BINS, logLoss: 1, brier: 1 };
}

/**
 * Metrics of a (summed) evaluation update. AUC counts same-bin pairs as half; KS is taken at bin
 * edges; deciles and calibration are equal-mass slices at bin granularity.
 *
 * @example
 * const m: EvaluationMetrics = metricsFromHistograms(sumUpdates(domainUpdates));
 */
export interface EvaluationMetrics {
  auc: number;
  ks: number;
  gini: number;
  /** Mean log loss per row. */
  logLoss: number;
  /** Mean Brier score per row. */
  brier: number;
  rows: number;
  positives: number;
  deciles: DecileRow[];
  /** Present when the update carries `psum`. */
  calibration?: CalibrationRow[];
}

function field(agg: Update, key: string, length: number): number[] {
  const v = agg[key];
  if (!v || v.length !== length)
    throw new Error(`metricsFromHistograms: field '${key}' must have ${length} values`);
  return v;
}

/**
 * Turns an aggregated evaluation update into metrics. Throws when the rows lack either class,
 * since AUC and KS are then undefined.
 *
 * @example
 * const m = metricsFromHistograms(sumUpdates([localEvaluation(p1, y1), localEvaluation(p2, y2)]));
 * m.auc; m.ks; m.deciles[0].lift;
 */
export function metricsFromHistograms(agg: Update): EvaluationMetrics {
  const pos = field(agg, 'pos', EVAL_BINS);
  const neg = field(agg, 'neg', EVAL_BINS);
  const [logLoss] = field(agg, 'logLoss', 1);
  const [brier] = field(agg, 'brier', 1);
  const positives = pos.reduce((a, b) => a + b, 0);
  const negatives = neg.reduce((a, b) => a + b, 0);
  if (!(positives > 0 && negatives > 0)) {
    throw new Error(
      `metricsFromHistograms: needs both classes (${positives} positives, ${negatives} negatives)`,
    );
  }
  let auc = 0;
  let ks = 0;
  let cumPos = 0;
  let cumNeg = 0;
  for (let b = 0; b < EVAL_BINS; b++) {
    // Positives in bin b outrank every negative in lower bins and tie with those in bin b.
    auc += pos[b]! * (cumNeg + 0.5 * neg[b]!);
    cumPos += pos[b]!;
    cumNeg += neg[b]!;
    ks = Math.max(ks, Math.abs(cumNeg / negatives - cumPos / positives));
  }
  auc /= positives * negatives;
  const rows = positives + negatives;
  const metrics: EvaluationMetrics = {
    auc,
    ks,
    gini: 2 * auc - 1,
    logLoss: logLoss! / rows,
    brier: brier! / rows,
    rows,
    positives,
    deciles: decileTable(pos, neg),
  };
  const psum = agg['psum'];
  if (psum && psum.length === EVAL_BINS) metrics.calibration = calibrationTable(pos, neg, psum);
  return metrics;
}
