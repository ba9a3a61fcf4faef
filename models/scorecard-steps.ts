// Coordinator-side scorecard transitions: moments → quantile grid → bins, WoE, IV → Newton on WoE.

import { initialLogisticState, type LogisticState } from './logistic-state.ts';
import { afterNewton, afterSpread, afterStats } from './logistic-steps.ts';
import { baseRateLogit } from './numeric.ts';
import { binFeature } from './scorecard-bins.ts';
import { absorbCounts, type FeatureGrid, initialGrid, quantileEdges } from './scorecard-grid.ts';
import type { ScorecardState } from './scorecard-state.ts';
import { selectFeatures } from './scorecard-woe.ts';
import type { Update } from './strategy.ts';

/** Reads an aggregate field of an exact length, failing loudly on a malformed aggregate. */
function aggregateVector(agg: Update, key: string, length: number): number[] {
  const v = agg[key];
  if (!Array.isArray(v) || v.length !== length || !v.every((e) => typeof e === 'number')) {
    throw new Error(`scorecard: aggregate field '${key}' must be ${length} numbers`);
  }
  return v;
}

/** Stays in 'histogram' while any grid asks for points; otherwise fixes the quantile edges. */
function withGrids(state: ScorecardState, grids: FeatureGrid[], histogramRounds: number): ScorecardState {
  if (grids.some((g) => g.pending.length > 0))
    return { ...state, phase: 'histogram', grids, histogramRounds };
  const edges = grids.map((g) => quantileEdges(g, state.config.bins));
  return { ...state, phase: 'bin-counts', grids, histogramRounds, edges };
}

/** The coarse grids from the federated moments. */
function startHistogram(state: ScorecardState, moments: LogisticState): ScorecardState {
  const grids = moments.means.map((mean, j) => initialGrid(mean, moments.stds[j]!, moments.counts[j]!));
  return withGrids({ ...state, moments }, grids, 0);
}

/**
 * Folds the moments round (the logistic strategy's stats aggregate) into means and std devs; goes
 * to 'spread' when the logistic rules find a variance ill-conditioned, else to 'histogram'.
 *
 * @example
 * afterMoments(state, sumUpdates(momentUpdates)).phase; // 'histogram' or 'spread'
 */
export function afterMoments(state: ScorecardState, agg: Update): ScorecardState {
  const moments = afterStats(state.moments, agg);
  return moments.phase === 'spread' ? { ...state, phase: 'spread', moments } : startHistogram(state, moments);
}

/**
 * Refines the std devs from centred squares (logistic 'spread' aggregate), then starts the grid.
 *
 * @example
 * afterMomentSpread(state, sumUpdates(spreadUpdates)).phase; // 'histogram'
 */
export function afterMomentSpread(state: ScorecardState, agg: Update): ScorecardState {
  return startHistogram(state, afterSpread(state.moments, agg));
}

/**
 * Folds pooled counts below the pending points into every feature's grid; another histogram round
 * follows when some quantile needs a finer grid, else the bin-counts round.
 *
 * @example
 * afterHistogram(state, sumUpdates(histogramUpdates)).phase; // 'histogram' or 'bin-counts'
 */
export function afterHistogram(state: ScorecardState, agg: Update): ScorecardState {
  const total = state.grids.reduce((s, g) => s + g.pending.length, 0);
  const below = aggregateVector(agg, 'below', total);
  let offset = 0;
  const grids = state.grids.map((g) => {
    const part = below.slice(offset, offset + g.pending.length);
    offset += g.pending.length;
    return absorbCounts(g, part, state.config.bins);
  });
  return withGrids(state, grids, state.histogramRounds + 1);
}

/**
 * Coarse-classes every feature from the pooled good/bad counts, selects features by IV and sets up
 * the regression on WoE: β starts at (logit(bad rate), 0, …), as in the logistic strategy.
 *
 * @example
 * afterBinCounts(state, sumUpdates(binCountUpdates)).features; // kept input indices
 */
export function afterBinCounts(state: ScorecardState, agg: Update): ScorecardState {
  const { config, edges, moments } = state;
  const sizes = edges.map((e) => e.length + 2);
  const total = sizes.reduce((s, v) => s + v, 0);
  const good = aggregateVector(agg, 'good', total);
  const bad = aggregateVector(agg, 'bad', total);
  let offset = 0;
  const binned = edges.map((e, j) => {
    const end = offset + sizes[j]!;
    const f = binFeature(e, good.slice(offset, end), bad.slice(offset, end), config);
    offset = end;
    return f;
  });
  const features = selectFeatures(binned, config.minIv);
  const m = features.length;
  const { l2, maxRounds, tolerance } = config;
  const lr: LogisticState = {
    ...initialLogisticState({ l2, maxRounds, tolerance }, m),
    phase: 'newton',
    // WoE columns have no missing values and are used as they are (no standardisation).
    means: new Array<number>(m).fill(0),
    stds: new Array<number>(m).fill(1),
    counts: new Array<number>(m).fill(moments.rows),
    rows: moments.rows,
    positives: moments.positives,
    beta: [baseRateLogit(moments.positives, moments.rows), ...new Array<number>(m).fill(0)],
  };
  return { ...state, phase: 'newton', binned, features, lr };
}

/**
 * One penalised Newton step of the regression on WoE (the logistic strategy's `afterNewton`).
 *
 * @example
 * afterWoeNewton(state, sumUpdates(newtonUpdates)).lr?.beta;
 */
export function afterWoeNewton(state: ScorecardState, agg: Update): ScorecardState {
  if (!state.lr) throw new Error('scorecard: no regression state before the Newton rounds');
  const lr = afterNewton(state.lr, agg);
  return { ...state, phase: lr.phase === 'done' ? 'done' : 'newton', lr };
}
