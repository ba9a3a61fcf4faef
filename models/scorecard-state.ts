// Scorecard configuration and the coordinator's JSON training state (phases moments → … → done).

import { initialLogisticState, type LogisticState } from './logistic-state.ts';
import type { BinnedFeature } from './scorecard-bins.ts';
import type { FeatureGrid } from './scorecard-grid.ts';

/**
 * Scorecard settings. Binning: `bins` target quantile bins per feature, merged until each holds
 * ≥ `minBinRows` rows of both classes (and, with `monotonic`, until WoE is monotone); features with
 * IV < `minIv` are dropped. Fit: `l2`/`maxRounds`/`tolerance` as in the logistic strategy, but on raw
 * WoE (not standardised): WoE is already in log-odds units, so one penalty suits every feature.
 * Scaling: `baseScore` points at good:bad odds `baseOdds`, `pdo` more points each time odds double.
 *
 * @example
 * const config: ScorecardConfig = { ...defaultScorecardConfig, monotonic: true };
 */
export interface ScorecardConfig {
  bins: number;
  minBinRows: number;
  monotonic: boolean;
  minIv: number;
  l2: number;
  maxRounds: number;
  tolerance: number;
  pdo: number;
  baseScore: number;
  baseOdds: number;
}

/**
 * Defaults: deciles, 50-row bins, IV ≥ 0.02 (Siddiqi's "unpredictive" threshold), 600 points at
 * 50:1, 20 points to double the odds.
 *
 * @example
 * scorecardStrategy.init(defaultScorecardConfig, 6);
 */
export const defaultScorecardConfig: ScorecardConfig = {
  bins: 10,
  minBinRows: 50,
  monotonic: false,
  minIv: 0.02,
  l2: 1,
  maxRounds: 25,
  tolerance: 1e-10,
  pdo: 20,
  baseScore: 600,
  baseOdds: 50,
};

/**
 * Coordinator-side state, plain JSON (no NaN or ±Infinity) so it persists between rounds.
 * - `moments`/`spread`: the logistic strategy's own stats machinery, reused for federated means
 *   and std devs (they only place the candidate grid).
 * - `histogram`: counts below grid points; repeated while a quantile needs a finer grid.
 * - `bin-counts`: good/bad counts per raw bin → merged bins, WoE, IV, feature selection.
 * - `newton`: logistic regression on WoE (`lr`), one penalised Newton step per round.
 *
 * @example
 * const state: ScorecardState = initialScorecardState(defaultScorecardConfig, 6);
 */
export interface ScorecardState {
  config: ScorecardConfig;
  featureCount: number;
  phase: 'moments' | 'spread' | 'histogram' | 'bin-counts' | 'newton' | 'done';
  /** The logistic stats state: means, stds, non-missing counts, rows and positives. */
  moments: LogisticState;
  /** Per input feature, the candidate grid and its known pooled CDF (from `histogram` on). */
  grids: FeatureGrid[];
  /** Histogram rounds aggregated so far. */
  histogramRounds: number;
  /** Per input feature, the quantile edges sent in the bin-counts round. */
  edges: number[][];
  /** Per input feature, its merged bins with WoE and IV (from `newton` on). */
  binned: BinnedFeature[];
  /** Input indices kept for the regression, ascending. */
  features: number[];
  /** The regression on WoE (featureCount = features.length, means 0, stds 1), from `newton` on. */
  lr: LogisticState | null;
}

const positiveInteger = (v: number): boolean => Number.isInteger(v) && v >= 1;

/**
 * Validates the config (the regression settings through the logistic strategy's own checks) and
 * returns the state before the moments round.
 *
 * @example
 * initialScorecardState(defaultScorecardConfig, 3).phase; // 'moments'
 */
export function initialScorecardState(config: ScorecardConfig, featureCount: number): ScorecardState {
  const { bins, minBinRows, monotonic, minIv, pdo, baseScore, baseOdds } = config;
  if (!positiveInteger(bins) || bins < 2)
    throw new Error(`scorecard: bins must be an integer ≥ 2, got ${bins}`);
  if (!positiveInteger(minBinRows))
    throw new Error(`scorecard: minBinRows must be a positive integer, got ${minBinRows}`);
  if (typeof monotonic !== 'boolean') throw new Error(`scorecard: monotonic must be a boolean`);
  if (!(minIv >= 0) || !Number.isFinite(minIv))
    throw new Error(`scorecard: minIv must be a finite number ≥ 0, got ${minIv}`);
  if (!(pdo > 0) || !Number.isFinite(pdo)) throw new Error(`scorecard: pdo must be > 0, got ${pdo}`);
  if (!Number.isFinite(baseScore)) throw new Error(`scorecard: baseScore must be finite, got ${baseScore}`);
  if (!(baseOdds > 0) || !Number.isFinite(baseOdds))
    throw new Error(`scorecard: baseOdds must be > 0, got ${baseOdds}`);
  const moments = initialLogisticState(
    { l2: config.l2, maxRounds: config.maxRounds, tolerance: config.tolerance },
    featureCount,
  );
  return {
    // Copy only the known keys: a job spec may carry extra fields (such as `kind`).
    config: { bins, minBinRows, monotonic, minIv, pdo, baseScore, baseOdds, ...moments.config },
    featureCount,
    phase: 'moments',
    moments,
    grids: [],
    histogramRounds: 0,
    edges: [],
    binned: [],
    features: [],
    lr: null,
  };
}
