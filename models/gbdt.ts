// Federated gradient-boosted trees on summed gradient/Hessian histograms: federated quantile bins
// (the scorecard's grid), then one tree level per round. Method after Chen & Guestrin, "XGBoost"
// (KDD 2016), with histogram subtraction as in Ke et al., "LightGBM" (NeurIPS 2017).

import { type GrowInstruction, growShape, localGrow } from './gbdt-local.ts';
import { type GbdtModel, gbdtModelFromState, gbdtReasons, predictGbdt } from './gbdt-model.ts';
import { prepareGbdtScoring } from './gbdt-score.ts';
import { type GbdtConfig, type GbdtState, initialGbdtState } from './gbdt-state.ts';
import { afterBinning, afterFinalLoss, afterGrow, growInstruction } from './gbdt-steps.ts';
import { scorecardStrategy } from './scorecard.ts';
import type { RoundInstruction, Strategy, UpdateShape } from './strategy.ts';

export { type GbdtModel, gbdtContributions, gbdtLogits, gbdtReasons, predictGbdt } from './gbdt-model.ts';
export { defaultGbdtConfig, type GbdtConfig, type GbdtState } from './gbdt-state.ts';
export type { GbdtNode, GbdtSplit, GbdtTree } from './gbdt-tree.ts';

/** Binning phases borrowed from the scorecard, which end where its bin-counts round would start. */
const BINNING_PHASES = new Set(['moments', 'spread', 'histogram']);

/**
 * The GBDT strategy's type: a `Strategy` whose optional `reasons` is always present.
 *
 * @example
 * const s: GbdtStrategy = gbdtStrategy;
 */
export type GbdtStrategy = Strategy<GbdtConfig, GbdtState, GbdtModel> &
  Required<Pick<Strategy<GbdtConfig, GbdtState, GbdtModel>, 'reasons'>>;

/** Reads a grow instruction from round params, checking the parts a domain indexes with. */
function growParams(params: Record<string, unknown>, d: number): GrowInstruction {
  const g = params as unknown as GrowInstruction;
  const ints = (v: unknown) => Array.isArray(v) && v.every((e) => Number.isInteger(e) && e >= 0);
  const ok =
    Array.isArray(g.edges) &&
    g.edges.length === d &&
    g.edges.every((e) => Array.isArray(e) && e.length <= 254 && e.every((v) => typeof v === 'number')) &&
    Array.isArray(g.trees) &&
    ints(g.features) &&
    g.features.every((j) => j < d) &&
    ints(g.frontier) &&
    typeof g.losses === 'boolean';
  if (!ok) throw new Error('gbdt: malformed grow params');
  return g;
}

/**
 * The federated GBDT strategy (kind `'gbdt'`). Rounds, each update additive:
 * - `'moments'`, `'spread'`, `'histogram'`: the scorecard's federated quantile grid → bin edges;
 * - `'grow'` (params: edges, completed trees, the current tree, its features, frontier nodes):
 *   per frontier node and bin, sums of gradient, Hessian and rows (`g`, `h`, `c`); in a tree's
 *   first round also the training and validation log loss of the trees so far (`loss`, `vloss`);
 * - `'final-loss'`: the losses of the whole ensemble, for early stopping.
 *
 * @example
 * const { model } = fitFederated(gbdtStrategy, defaultGbdtConfig, domains, plainOps);
 * gbdtStrategy.predict(model, x, n); // P(bad)
 */
export const gbdtStrategy: GbdtStrategy = {
  kind: 'gbdt',

  init(config, featureCount) {
    return initialGbdtState(config, featureCount);
  },

  configureRound(state): RoundInstruction | null {
    if (state.phase === 'done') return null;
    if (state.phase === 'binning') return scorecardStrategy.configureRound(state.binning);
    return { phase: state.phase, params: { ...growInstruction(state) } };
  },

  localUpdate(instruction, rows, ops, cache) {
    if (rows.x.length !== rows.n * rows.d || rows.y.length !== rows.n)
      throw new Error(`gbdt: rows do not match their shape ${rows.n}×${rows.d}`);
    if (BINNING_PHASES.has(instruction.phase))
      return scorecardStrategy.localUpdate(instruction, rows, ops, cache);
    if (instruction.phase !== 'grow' && instruction.phase !== 'final-loss')
      throw new Error(`gbdt: unknown phase '${instruction.phase}'`);
    return localGrow(rows, growParams(instruction.params, rows.d), cache);
  },

  updateShape(instruction, d): UpdateShape {
    if (BINNING_PHASES.has(instruction.phase)) return scorecardStrategy.updateShape(instruction, d);
    if (instruction.phase !== 'grow' && instruction.phase !== 'final-loss')
      throw new Error(`gbdt: unknown phase '${instruction.phase}'`);
    return growShape(growParams(instruction.params, d));
  },

  next(state, aggregate) {
    switch (state.phase) {
      case 'binning': {
        const binning = scorecardStrategy.next(state.binning, aggregate);
        const s = { ...state, binning };
        return binning.phase === 'bin-counts' ? afterBinning(s) : s;
      }
      case 'grow':
        return afterGrow(state, aggregate);
      case 'final-loss':
        return afterFinalLoss(state, aggregate);
      case 'done':
        throw new Error('gbdt: training is already done');
    }
  },

  loss(state) {
    return state.trainingLoss;
  },

  finalModel: gbdtModelFromState,

  predict: predictGbdt,

  reasons: gbdtReasons,

  prepareScoring: prepareGbdtScoring,
};
