// The federated MLP's coordinator state (plain JSON) and its deterministic starting point.

import { type MlpConfig, mlpLayers, mlpShapes, validateMlpConfig } from './mlp-config.ts';
import { glorotUniform } from './mlp-random.ts';

/**
 * Coordinator-side training state; plain JSON (no NaN/Infinity) so it can be persisted between
 * rounds. Phases run stats → (spread, only for ill-conditioned features) → fedavg… → done.
 *
 * @example
 * const state: MlpState = initialMlpState(defaultMlpConfig, 23);
 */
export interface MlpState {
  config: MlpConfig;
  featureCount: number;
  phase: 'stats' | 'spread' | 'fedavg' | 'done';
  /** Federated means (the imputation value) and population std devs. */
  means: number[];
  stds: number[];
  /** Non-missing values per feature, from the stats round. */
  counts: number[];
  rows: number;
  positives: number;
  /** The global weights the next FedAvg round sends (float32 values, flattened). */
  weights: number[];
  shapes: number[][];
  /** FedAvg rounds aggregated so far. */
  round: number;
  /** Federated validation BCE per row of the weights evaluated in the last round. */
  loss: number | null;
  /** Training BCE per row of the same weights (no dropout, no penalty). */
  trainLoss: number | null;
  /** Validation loss of every FedAvg round, in order (round r evaluates the weights sent in r). */
  history: (number | null)[];
  /** The weights with the lowest validation loss so far: the final model. */
  bestWeights: number[];
  bestLoss: number | null;
  /** FedAvg round whose incoming weights were best; −1 before any. */
  bestRound: number;
  /** True when training stopped because of `patience`, not `maxRounds`. */
  stoppedEarly: boolean;
}

/**
 * Validates the config and returns the state before the stats round, with Glorot-uniform weights
 * drawn from `config.seed` by a JS generator, so every domain and every backend starts from the
 * same point.
 *
 * @example
 * initialMlpState(defaultMlpConfig, 23).phase; // 'stats'
 */
export function initialMlpState(config: MlpConfig, featureCount: number): MlpState {
  const clean = validateMlpConfig(config);
  if (!Number.isInteger(featureCount) || featureCount < 1) {
    throw new Error(`mlp: featureCount must be a positive integer, got ${featureCount}`);
  }
  const shapes = mlpShapes(featureCount, mlpLayers(clean.hidden));
  return {
    config: clean,
    featureCount,
    phase: 'stats',
    means: [],
    stds: [],
    counts: [],
    rows: 0,
    positives: 0,
    weights: glorotUniform(shapes, clean.seed),
    shapes,
    round: 0,
    loss: null,
    trainLoss: null,
    history: [],
    bestWeights: [],
    bestLoss: null,
    bestRound: -1,
    stoppedEarly: false,
  };
}
