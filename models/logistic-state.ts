// Logistic regression configuration and the coordinator's JSON training state.

/**
 * Maximises log-likelihood − (l2/2)·Σ_{j≥1} β_j² on standardised features (intercept unpenalised),
 * i.e. scikit-learn's LogisticRegression with C = 1/l2 on standardised inputs.
 * `maxRounds` caps Newton rounds (set-up rounds are not counted); training stops earlier once
 * max|Δβ| < `tolerance`.
 *
 * @example
 * const config: LogisticConfig = { l2: 1, maxRounds: 25, tolerance: 1e-10 };
 */
export interface LogisticConfig {
  l2: number;
  maxRounds: number;
  tolerance: number;
}

/**
 * Sensible defaults: mild ridge; Newton usually converges in well under 25 rounds.
 *
 * @example
 * logisticRegression.init({ ...defaultLogisticConfig, l2: 10 }, 6);
 */
export const defaultLogisticConfig: LogisticConfig = { l2: 1, maxRounds: 25, tolerance: 1e-10 };

/**
 * Coordinator-side training state; plain JSON so it can be persisted between rounds.
 * Phases run stats → (spread, only for ill-conditioned features) → newton… → done.
 *
 * @example
 * const state: LogisticState = initialLogisticState(defaultLogisticConfig, 6);
 */
export interface LogisticState {
  config: LogisticConfig;
  featureCount: number;
  phase: 'stats' | 'spread' | 'newton' | 'done';
  /** Federated means (the imputation value) and population std devs. */
  means: number[];
  stds: number[];
  /** Non-missing values per feature, from the stats round. */
  counts: number[];
  /** Standardised coefficients, intercept first (d + 1). */
  beta: number[];
  /** Newton rounds aggregated so far. */
  rounds: number;
  /** Penalised negative log-likelihood at the β evaluated in the last Newton round. */
  loss: number | null;
  /** max|Δβ| of the last Newton step. */
  lastStep: number | null;
  /** True when training stopped because the step fell below `tolerance` (not the round cap). */
  converged: boolean;
  rows: number;
  positives: number;
}

/**
 * Validates the config and returns the state before the stats round.
 *
 * @example
 * initialLogisticState(defaultLogisticConfig, 3).phase; // 'stats'
 */
export function initialLogisticState(config: LogisticConfig, featureCount: number): LogisticState {
  const { l2, maxRounds, tolerance } = config;
  if (!(l2 >= 0) || !Number.isFinite(l2))
    throw new Error(`logistic: l2 must be a finite number ≥ 0, got ${l2}`);
  if (!Number.isInteger(maxRounds) || maxRounds < 1) {
    throw new Error(`logistic: maxRounds must be a positive integer, got ${maxRounds}`);
  }
  if (!(tolerance >= 0)) throw new Error(`logistic: tolerance must be ≥ 0, got ${tolerance}`);
  if (!Number.isInteger(featureCount) || featureCount < 0) {
    throw new Error(`logistic: featureCount must be a non-negative integer, got ${featureCount}`);
  }
  return {
    config: { l2, maxRounds, tolerance },
    featureCount,
    phase: 'stats',
    means: [],
    stds: [],
    counts: [],
    beta: [],
    rounds: 0,
    loss: null,
    lastStep: null,
    converged: false,
    rows: 0,
    positives: 0,
  };
}
