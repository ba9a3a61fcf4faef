// Gradient-boosted trees: configuration and the coordinator's JSON training state.

import type { GbdtTree } from './gbdt-tree.ts';
import { defaultScorecardConfig, initialScorecardState, type ScorecardState } from './scorecard-state.ts';

/**
 * GBDT settings (names after XGBoost / LightGBM). Trees: at most `trees` trees of depth ≤
 * `maxDepth` and ≤ `maxLeaves` leaves, leaf values shrunk by `learningRate`. Splits: gain with L2
 * penalty `l2` on leaf values, at least `minGain`, children with Hessian sum ≥ `minChildWeight` and
 * ≥ `minLeafRows` rows (the cohort rule: every leaf averages that many rows). `bins` federated
 * quantile bins per feature (the scorecard's grid). Per tree, a `subsample` share of training rows
 * and `colsample` share of features. Early stopping: `validationFraction` of each domain's training
 * rows (a seeded hash of the row's contents) scores the ensemble; training stops after `patience`
 * trees without a better validation loss and keeps the best ensemble.
 *
 * @example
 * const config: GbdtConfig = { ...defaultGbdtConfig, trees: 200, maxDepth: 4 };
 */
export interface GbdtConfig {
  trees: number;
  maxDepth: number;
  maxLeaves: number;
  learningRate: number;
  l2: number;
  minGain: number;
  minChildWeight: number;
  minLeafRows: number;
  bins: number;
  subsample: number;
  colsample: number;
  validationFraction: number;
  patience: number;
  seed: number;
}

/**
 * Defaults close to scikit-learn's HistGradientBoostingClassifier on credit data: 100 trees of
 * depth 5, learning rate 0.1, 32 bins, early stopping on 10% of rows after 10 trees without gain.
 *
 * @example
 * gbdtStrategy.init(defaultGbdtConfig, 6);
 */
export const defaultGbdtConfig: GbdtConfig = {
  trees: 100,
  maxDepth: 5,
  maxLeaves: 31,
  learningRate: 0.1,
  l2: 1,
  minGain: 0,
  minChildWeight: 1e-3,
  minLeafRows: 50,
  bins: 32,
  subsample: 1,
  colsample: 1,
  validationFraction: 0.1,
  patience: 10,
  seed: 1,
};

/**
 * Pooled gradient, Hessian and row sums per histogram slot of one node, over the tree's features
 * (per feature its range bins, then its missing slot).
 *
 * @example
 * const h: NodeHistogram = { g: [0.5, -1.2, 0], h: [2.1, 3.4, 0], c: [30, 41, 0] };
 */
export interface NodeHistogram {
  g: number[];
  h: number[];
  c: number[];
}

/**
 * Coordinator-side state, plain JSON. `binning` runs the scorecard's moments → histogram rounds
 * until its quantile `edges` are fixed; then `grow` rounds each ask every domain for the histograms
 * of one level of the current tree (`frontier`), and `final-loss` scores the final ensemble.
 * `histograms` keeps the frontier's pooled histograms for sibling subtraction.
 *
 * @example
 * const state: GbdtState = initialGbdtState(defaultGbdtConfig, 6);
 */
export interface GbdtState {
  config: GbdtConfig;
  featureCount: number;
  phase: 'binning' | 'grow' | 'final-loss' | 'done';
  binning: ScorecardState;
  edges: number[][];
  /** log-odds of the pooled training base rate: every row's score before the first tree. */
  base: number;
  trees: GbdtTree[];
  /** The tree being grown (nodes so far) and its feature subset, ascending. */
  tree: GbdtTree | null;
  features: number[];
  /** Node ids whose histograms the next round asks for, and those derived by subtraction. */
  frontier: number[];
  derived: { node: number; parent: number; sibling: number }[];
  histograms: Record<string, NodeHistogram>;
  /** Validation loss (mean log loss) after 0, 1, … trees, and the best tree count so far. */
  validationLoss: number[];
  best: number;
  trainingLoss: number | null;
}

const check = (ok: boolean, message: string): void => {
  if (!ok) throw new Error(`gbdt: ${message}`);
};

/**
 * Validates the config and returns the state before the first binning round.
 *
 * @example
 * initialGbdtState(defaultGbdtConfig, 3).phase; // 'binning'
 */
export function initialGbdtState(config: GbdtConfig, featureCount: number): GbdtState {
  const c = { ...defaultGbdtConfig };
  for (const key of Object.keys(defaultGbdtConfig) as (keyof GbdtConfig)[]) {
    const v = (config as unknown as Record<string, unknown>)[key];
    if (v !== undefined) {
      check(typeof v === 'number' && Number.isFinite(v), `${key} must be a finite number`);
      c[key] = v as number;
    }
  }
  const int = (v: number, lo: number) => Number.isInteger(v) && v >= lo;
  check(int(c.trees, 1) && int(c.maxDepth, 1) && int(c.maxLeaves, 2), 'trees, maxDepth, maxLeaves');
  check(int(c.minLeafRows, 1) && int(c.bins, 2) && int(c.patience, 1) && int(c.seed, 0), 'integers');
  check(c.learningRate > 0 && c.l2 >= 0 && c.minGain >= 0 && c.minChildWeight >= 0, 'penalties');
  check(c.subsample > 0 && c.subsample <= 1 && c.colsample > 0 && c.colsample <= 1, 'sampling');
  check(c.validationFraction >= 0 && c.validationFraction < 0.5, 'validationFraction');
  const binning = initialScorecardState({ ...defaultScorecardConfig, bins: c.bins }, featureCount);
  return {
    config: c,
    featureCount,
    phase: 'binning',
    binning,
    edges: [],
    base: 0,
    trees: [],
    tree: null,
    features: [],
    frontier: [],
    derived: [],
    histograms: {},
    validationLoss: [],
    best: 0,
    trainingLoss: null,
  };
}
