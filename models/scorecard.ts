// Federated credit scorecard: quantile binning, WoE/IV coarse classing, logistic regression on WoE,
// points scaling. Method after Siddiqi, "Credit Risk Scorecards" (2006), with every statistic summed
// across domains (counts, sums, histograms, gradients) so no domain reveals rows or extremes.

import { localSpread, localStats, standardisationShapes } from './logistic-local.ts';
import { checkEncoder, encoderOf } from './scorecard-encoder.ts';
import { pendingPoints } from './scorecard-grid.ts';
import { localBinCounts, localCountsBelow, localWoeNewton } from './scorecard-local.ts';
import { predictScorecard, type ScorecardModel, scorecardModelFromState } from './scorecard-model.ts';
import { prepareScorecardScoring, scorecardPointsOfRows, scorecardReasons } from './scorecard-score.ts';
import { initialScorecardState, type ScorecardConfig, type ScorecardState } from './scorecard-state.ts';
import {
  afterBinCounts,
  afterHistogram,
  afterMomentSpread,
  afterMoments,
  afterWoeNewton,
} from './scorecard-steps.ts';
import type { RoundInstruction, Strategy, UpdateShape } from './strategy.ts';

export type { WoeBin } from './scorecard-bins.ts';
export type { WoeEncoder } from './scorecard-encoder.ts';
export { predictScorecard, type ScorecardCharacteristic, type ScorecardModel } from './scorecard-model.ts';
export { pointsScaling, type ScorecardBin, type ScorecardScaling, withPoints } from './scorecard-points.ts';
export { scorecardPoints, scorecardReasons } from './scorecard-score.ts';
export { defaultScorecardConfig, type ScorecardConfig, type ScorecardState } from './scorecard-state.ts';
export { type PointsTable, type PointsTableRow, pointsTableCsv, pointsTableJson } from './scorecard-table.ts';
export { WOE_SMOOTHING } from './scorecard-woe.ts';

/**
 * The scorecard strategy's type: a `Strategy` whose optional `reasons` is always present.
 *
 * @example
 * const s: ScorecardStrategy = scorecardStrategy;
 */
export type ScorecardStrategy = Strategy<ScorecardConfig, ScorecardState, ScorecardModel> &
  Required<Pick<Strategy<ScorecardConfig, ScorecardState, ScorecardModel>, 'reasons'>>;

/** Reads a list of `length` numbers from round params, failing loudly. */
function numbers(params: Record<string, unknown>, key: string, length: number): number[] {
  const v = params[key];
  if (!Array.isArray(v) || v.length !== length || !v.every((e) => typeof e === 'number')) {
    throw new Error(`scorecard: param '${key}' must be ${length} numbers`);
  }
  return v;
}

/** Reads a per-feature list of number lists from round params, failing loudly. */
function numberLists(params: Record<string, unknown>, key: string, length: number): number[][] {
  const v = params[key];
  const ok =
    Array.isArray(v) &&
    v.length === length &&
    v.every((list) => Array.isArray(list) && list.every((e) => typeof e === 'number'));
  if (!ok) throw new Error(`scorecard: param '${key}' must be ${length} lists of numbers`);
  return v as number[][];
}

/**
 * Grid points or edges a round may ask for per feature: more would let counts-below describe
 * single rows (one point between every pair of neighbouring values).
 */
const MAX_POINTS_PER_FEATURE = 512;

function boundedLists(params: Record<string, unknown>, key: string, d: number): number[][] {
  const lists = numberLists(params, key, d);
  if (lists.some((l) => l.length > MAX_POINTS_PER_FEATURE))
    throw new Error(
      `scorecard: param '${key}' asks for more than ${MAX_POINTS_PER_FEATURE} points per feature`,
    );
  return lists;
}

/**
 * The federated scorecard strategy (kind `'scorecard'`). Rounds, each update additive:
 * - `'moments'` (params `{}`): counts, Σx, Σx² (the logistic stats round) → means, std devs;
 * - `'spread'` (params `{ means }`, only for ill-conditioned variances): centred squares;
 * - `'histogram'` (params `{ points }`, 1–3 rounds): per feature, counts below candidate points →
 *   approximate quantile edges, refined 16-fold where a bracket is too coarse;
 * - `'bin-counts'` (params `{ edges }`): good/bad counts per fine bin and missing → merged bins,
 *   WoE, IV, IV-based feature selection;
 * - `'newton'` (params `{ beta, encoder }`): gradient and Hessian of the regression on WoE.
 *
 * @example
 * const { model } = fitFederated(scorecardStrategy, defaultScorecardConfig, domains, plainOps);
 * scorecardStrategy.predict(model, x, n); // P(bad)
 * scorecardPoints(model, row); // e.g. 612.4
 */
export const scorecardStrategy: ScorecardStrategy = {
  kind: 'scorecard',

  init(config, featureCount) {
    return initialScorecardState(config, featureCount);
  },

  configureRound(state): RoundInstruction | null {
    switch (state.phase) {
      case 'moments':
        return { phase: 'moments', params: {} };
      case 'spread':
        return { phase: 'spread', params: { means: [...state.moments.means] } };
      case 'histogram':
        return { phase: 'histogram', params: { points: state.grids.map(pendingPoints) } };
      case 'bin-counts':
        return { phase: 'bin-counts', params: { edges: state.edges.map((e) => [...e]) } };
      case 'newton':
        return {
          phase: 'newton',
          params: {
            beta: [...state.lr!.beta],
            encoder: encoderOf(
              state.features.map((j) => state.binned[j]!),
              state.features,
            ),
          },
        };
      case 'done':
        return null;
    }
  },

  localUpdate(instruction, rows, ops, cache) {
    if (rows.x.length !== rows.n * rows.d || rows.y.length !== rows.n) {
      throw new Error(`scorecard: rows do not match their shape ${rows.n}×${rows.d}`);
    }
    const { params } = instruction;
    switch (instruction.phase) {
      case 'moments':
        return localStats(rows);
      case 'spread':
        return localSpread(rows, numbers(params, 'means', rows.d));
      case 'histogram':
        return localCountsBelow(rows, numberLists(params, 'points', rows.d));
      case 'bin-counts':
        return localBinCounts(rows, numberLists(params, 'edges', rows.d));
      case 'newton': {
        const encoder = checkEncoder(params['encoder'], rows.d);
        const beta = numbers(params, 'beta', encoder.features.length + 1);
        return localWoeNewton(rows, beta, encoder, ops, cache);
      }
      default:
        throw new Error(`scorecard: unknown phase '${instruction.phase}'`);
    }
  },

  updateShape(instruction, d): UpdateShape {
    const { params } = instruction;
    const total = (lists: number[][], extra: number) => lists.reduce((s, l) => s + l.length + extra, 0);
    switch (instruction.phase) {
      case 'moments':
        return standardisationShapes.stats(d);
      case 'spread':
        return standardisationShapes.spread(d);
      case 'histogram':
        return { below: total(boundedLists(params, 'points', d), 0) };
      case 'bin-counts': {
        const slots = total(boundedLists(params, 'edges', d), 2);
        return { good: slots, bad: slots };
      }
      case 'newton':
        return standardisationShapes.newton(checkEncoder(params['encoder'], d).features.length);
      default:
        throw new Error(`scorecard: unknown phase '${instruction.phase}'`);
    }
  },

  next(state, aggregate) {
    switch (state.phase) {
      case 'moments':
        return afterMoments(state, aggregate);
      case 'spread':
        return afterMomentSpread(state, aggregate);
      case 'histogram':
        return afterHistogram(state, aggregate);
      case 'bin-counts':
        return afterBinCounts(state, aggregate);
      case 'newton':
        return afterWoeNewton(state, aggregate);
      case 'done':
        throw new Error('scorecard: training is already done');
    }
  },

  loss(state) {
    return state.lr?.loss ?? null;
  },

  finalModel(state) {
    return scorecardModelFromState(state);
  },

  predict: predictScorecard,

  reasons: scorecardReasons,

  points: scorecardPointsOfRows,

  prepareScoring: prepareScorecardScoring,
};
