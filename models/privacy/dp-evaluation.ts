// Differentially private holdout evaluation: Gaussian noise on one domain's additive evaluation update.

import { EVAL_BINS, evaluationShape } from '../evaluation.ts';
import { shapeMismatch, type Update } from '../strategy.ts';
import { gaussianSigma } from './accounting.ts';
import { gaussianNoise } from './noise.ts';

const OWNER = 'dp-evaluation';

/** Largest log loss of one row: `localEvaluation` clips the observed class's probability at 1e-15. */
const MAX_ROW_LOG_LOSS = -Math.log(1e-15);

/**
 * Replace-one L2 sensitivity of the update once every field is scaled to [0, 1] per row: a row
 * leaving one bin and entering another changes two counts by 1 (Δ² = 2) and two psum entries by
 * at most 1 (Δ² ≤ 2), and its scaled log loss and Brier by at most 1 each: Δ² ≤ 6.
 */
const SENSITIVITY = Math.sqrt(6);

const clampAtZero = (v: number): number => Math.max(v, 0);

/**
 * One domain's `localEvaluation` update with Gaussian noise, ρ-zCDP for the domain's holdout rows:
 * σ = √6/√(2ρ) on the counts, psum and Brier, and σ·(−ln 1e-15) on the log loss (its per-row range).
 * Domains hold disjoint rows, so noising every domain's update with the same ρ spends ρ once
 * (parallel composition); evaluating again spends it again. Post-processing, which costs no
 * privacy, keeps the result plausible: counts ≥ 0, psum within [0, pos + neg] per bin, log loss
 * and Brier ≥ 0. The noise is seeded from (seed, 'evaluation:' + label), apart from the weights'
 * noise; `label` must differ between domains and between evaluations.
 *
 * @example
 * const noisy = privatizeEvaluation(localEvaluation(p, y), budget.evaluationRho, seed, 'domain-7');
 */
export function privatizeEvaluation(update: Update, rho: number, seed: string, label: string): Update {
  // An extra field would be released un-noised, so the shape must match exactly.
  const off = shapeMismatch(update, evaluationShape());
  if (off)
    throw new Error(`${OWNER}: update field '${off.field}' is not an evaluation field (${off.problem})`);
  const { pos, neg, psum } = update as Record<'pos' | 'neg' | 'psum', number[]>;
  const [logLoss] = update['logLoss']!;
  const [brier] = update['brier']!;
  const sigma = gaussianSigma(SENSITIVITY, rho);
  const noise = gaussianNoise(seed, `evaluation:${label}`, 3 * EVAL_BINS + 2, sigma);
  const noisyPos = pos.map((v, b) => clampAtZero(v + noise[b]!));
  const noisyNeg = neg.map((v, b) => clampAtZero(v + noise[EVAL_BINS + b]!));
  const noisyPsum = psum.map((v, b) =>
    Math.min(clampAtZero(v + noise[2 * EVAL_BINS + b]!), noisyPos[b]! + noisyNeg[b]!),
  );
  return {
    pos: noisyPos,
    neg: noisyNeg,
    psum: noisyPsum,
    logLoss: [clampAtZero(logLoss! + MAX_ROW_LOG_LOSS * noise[3 * EVAL_BINS]!)],
    brier: [clampAtZero(brier! + noise[3 * EVAL_BINS + 1]!)],
  };
}

/**
 * The noise standard deviation `privatizeEvaluation` puts on every count cell for a given ρ (for
 * lineage records).
 *
 * @example
 * evaluationNoiseSigma(0.01); // √6 / √0.02 ≈ 17.3
 */
export function evaluationNoiseSigma(rho: number): number {
  return gaussianSigma(SENSITIVITY, rho);
}
