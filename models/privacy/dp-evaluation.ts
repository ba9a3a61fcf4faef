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
 * at most 1 (Δ² ≤ 2), and its scaled log loss and Brier by at most 1 each: Δ² ≤ 6. Merging bins
 * before the noise does not raise it.
 */
const SENSITIVITY = Math.sqrt(6);

/**
 * Coarse score bins under DP: each holds `EVAL_BINS / DP_EVAL_BINS` fine bins (0.48 logit wide).
 * With 1,000 bins the noise on the many empty bins outweighs a holdout of a few thousand rows;
 * 50 keep AUC and KS usable from a few thousand holdout rows at ε of a few.
 */
export const DP_EVAL_BINS = 50;
const WIDTH = EVAL_BINS / DP_EVAL_BINS;

/** Sums runs of `WIDTH` fine bins into coarse bins. */
const coarse = (v: readonly number[]) =>
  Array.from({ length: DP_EVAL_BINS }, (_, g) =>
    v.slice(g * WIDTH, (g + 1) * WIDTH).reduce((a, b) => a + b, 0),
  );

/**
 * Least-squares non-decreasing fit (pool adjacent violators), floored at 0: the closest valid
 * cumulative count curve to a noisy one. Post-processing, so it costs no privacy; unlike
 * clamping each bin at 0 it adds no rows on average.
 */
function isotonic(values: readonly number[]): number[] {
  const blocks: { mean: number; size: number }[] = [];
  for (const v of values) {
    blocks.push({ mean: v, size: 1 });
    while (blocks.length > 1 && blocks.at(-2)!.mean > blocks.at(-1)!.mean) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      blocks.push({ mean: (a.mean * a.size + b.mean * b.size) / (a.size + b.size), size: a.size + b.size });
    }
  }
  return blocks.flatMap((b) => new Array<number>(b.size).fill(Math.max(0, b.mean)));
}

/**
 * Noisy coarse counts → non-negative counts whose running total is the isotonic fit, holding at
 * least one row in all (the deficit in the middle bin): with few rows of a class the noise can fit
 * to none, and a class no domain reports would leave the job without metrics. At most one row per
 * class and domain, uninformative (mid-scale), and post-processing, so free of privacy cost.
 */
function countsFromNoisy(noisy: readonly number[]): number[] {
  let run = 0;
  const cumulative = isotonic(noisy.map((v) => (run += v)));
  const counts = cumulative.map((c, g) => c - (g === 0 ? 0 : cumulative[g - 1]!));
  const total = cumulative.at(-1) ?? 0;
  if (total < 1) counts[DP_EVAL_BINS / 2] = counts[DP_EVAL_BINS / 2]! + (1 - total);
  return counts;
}

/** Puts each coarse bin's value into the middle fine bin of its run, so the update keeps its shape. */
const spread = (values: readonly number[]) => {
  const out = new Array<number>(EVAL_BINS).fill(0);
  values.forEach((v, g) => {
    out[g * WIDTH + WIDTH / 2] = v;
  });
  return out;
};

/**
 * One domain's `localEvaluation` update with Gaussian noise, ρ-zCDP for the domain's holdout rows.
 * The histograms are first merged into `DP_EVAL_BINS` coarse bins; then σ = √6/√(2ρ) on each coarse
 * count, psum and the Brier sum, and σ·(−ln 1e-15) on the log loss (its per-row range). Domains
 * hold disjoint rows, so noising every domain's update with the same ρ spends ρ once (parallel
 * composition). Post-processing, free of privacy cost, keeps the result valid without biasing it:
 * each class's cumulative counts are fitted non-decreasing and non-negative, psum is kept within
 * [0, pos + neg] per bin, the losses ≥ 0. The noise is seeded from (seed, 'evaluation:' + label),
 * apart from the weights' noise; `label` must differ between domains and between evaluations.
 *
 * @example
 * const noisy = privatizeEvaluation(localEvaluation(p, y), budget.evaluationRho, seed, 'domain-7');
 */
export function privatizeEvaluation(update: Update, rho: number, seed: string, label: string): Update {
  // An extra field would be released un-noised, so the shape must match exactly.
  const off = shapeMismatch(update, evaluationShape());
  if (off)
    throw new Error(`${OWNER}: update field '${off.field}' is not an evaluation field (${off.problem})`);
  const [logLoss] = update['logLoss']!;
  const [brier] = update['brier']!;
  const sigma = evaluationNoiseSigma(rho);
  const noise = gaussianNoise(seed, `evaluation:${label}`, 3 * DP_EVAL_BINS + 2, sigma);
  const noisy = (field: string, at: number) => coarse(update[field]!).map((v, g) => v + noise[at + g]!);
  const pos = countsFromNoisy(noisy('pos', 0));
  const neg = countsFromNoisy(noisy('neg', DP_EVAL_BINS));
  const psum = noisy('psum', 2 * DP_EVAL_BINS).map((v, g) => Math.min(Math.max(v, 0), pos[g]! + neg[g]!));
  return {
    pos: spread(pos),
    neg: spread(neg),
    psum: spread(psum),
    logLoss: [Math.max(0, logLoss! + MAX_ROW_LOG_LOSS * noise[3 * DP_EVAL_BINS]!)],
    brier: [Math.max(0, brier! + noise[3 * DP_EVAL_BINS + 1]!)],
  };
}

/**
 * The noise standard deviation `privatizeEvaluation` puts on every coarse count for a given ρ (for
 * lineage records).
 *
 * @example
 * evaluationNoiseSigma(0.01); // √6 / √0.02 ≈ 17.3
 */
export function evaluationNoiseSigma(rho: number): number {
  return gaussianSigma(SENSITIVITY, rho);
}
