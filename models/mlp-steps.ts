// Coordinator-side MLP math: standardisation from the stats rounds, FedAvg averaging and early stopping.
// FedAvg: McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized
// Data", AISTATS 2017.

import { initialLogisticState, type LogisticState } from './logistic-state.ts';
import { afterSpread as logisticAfterSpread, afterStats as logisticAfterStats } from './logistic-steps.ts';
import type { MlpState } from './mlp-state.ts';
import { baseRateLogit, checkedVector } from './numeric.ts';
import type { Update } from './strategy.ts';

/**
 * Reads a numeric vector of an exact length from params or an aggregate, failing loudly.
 *
 * @example
 * vectorField({ n: [120] }, 'n', 1, 'aggregate field'); // [120]
 */
export function vectorField(
  source: Record<string, unknown>,
  key: string,
  length: number,
  what: string,
): number[] {
  return checkedVector('mlp', source, key, length, what);
}

/**
 * The logistic strategy's standardisation maths (one-pass moments, and a centred 'spread' round
 * when they would cancel) is reused by running it on a logistic state that carries only the
 * fields it reads; its Newton fields are ignored.
 */
function asLogistic(state: MlpState): LogisticState {
  return {
    ...initialLogisticState({ l2: 0, maxRounds: 1, tolerance: 0 }, state.featureCount),
    means: state.means,
    stds: state.stds,
    counts: state.counts,
    rows: state.rows,
    positives: state.positives,
  };
}

/** Starts FedAvg with the output bias at logit(base rate), as if the net first learnt the prior. */
function startFedAvg(state: MlpState): MlpState {
  const weights = [...state.weights];
  weights[weights.length - 1] = Math.fround(baseRateLogit(state.positives, state.rows));
  return { ...state, phase: 'fedavg', weights };
}

/**
 * Federated means and std devs from the stats aggregate (`localStats` updates); goes to 'spread'
 * when some variance is ill-conditioned, else straight to FedAvg.
 *
 * @example
 * afterStats(state, sumUpdates(statsUpdates)).means;
 */
export function afterStats(state: MlpState, agg: Update): MlpState {
  const [rows] = vectorField(agg, 'n', 1, 'aggregate field');
  if (!(rows! > 0)) throw new Error('mlp: the stats round saw no rows');
  const s = logisticAfterStats(asLogistic(state), agg);
  const next: MlpState = {
    ...state,
    means: s.means,
    stds: s.stds,
    counts: s.counts,
    rows: s.rows,
    positives: s.positives,
  };
  return s.phase === 'spread' ? { ...next, phase: 'spread' } : startFedAvg(next);
}

/**
 * Refines means and std devs from the centred spread aggregate (`localSpread` updates).
 *
 * @example
 * afterSpread(state, sumUpdates(spreadUpdates)).stds;
 */
export function afterSpread(state: MlpState, agg: Update): MlpState {
  const s = logisticAfterSpread(asLogistic(state), agg);
  return startFedAvg({ ...state, means: s.means, stds: s.stds });
}

/**
 * One FedAvg aggregation: w ← Σ(n·w)/Σn (rounded to float32, what the domains load), the
 * federated validation loss ΣvalLoss/ΣvalRows of the weights this round sent (the training loss
 * per row if no domain holds validation rows), best-weights bookkeeping, and the stop rule:
 * `patience` rounds without a strictly lower loss, or `maxRounds`.
 *
 * @example
 * afterFedAvg(state, { weights: [4, 8], n: [4], valLoss: [2], valRows: [4], trainLoss: [3] }).weights; // [1, 2]
 */
export function afterFedAvg(state: MlpState, agg: Update): MlpState {
  const [n] = vectorField(agg, 'n', 1, 'aggregate field');
  const sums = vectorField(agg, 'weights', state.weights.length, 'aggregate field');
  const [valLoss] = vectorField(agg, 'valLoss', 1, 'aggregate field');
  const [valRows] = vectorField(agg, 'valRows', 1, 'aggregate field');
  const [trainLoss] = vectorField(agg, 'trainLoss', 1, 'aggregate field');
  if (!(n! > 0)) throw new Error('mlp: the FedAvg round saw no training rows');
  const weights = sums.map((s) => Math.fround(s / n!));
  if (!weights.every(Number.isFinite)) throw new Error('mlp: FedAvg produced non-finite weights');
  const perRowTrain = trainLoss! / n!;
  const raw = valRows! > 0 ? valLoss! / valRows! : perRowTrain;
  // JSON has no NaN: a diverged loss is stored as null and never counts as an improvement.
  const loss = Number.isFinite(raw) ? raw : null;
  const improved = loss !== null && (state.bestLoss === null || loss < state.bestLoss);
  const best = improved
    ? { bestWeights: state.weights, bestLoss: loss, bestRound: state.round }
    : { bestWeights: state.bestWeights, bestLoss: state.bestLoss, bestRound: state.bestRound };
  const round = state.round + 1;
  const stale = round - 1 - best.bestRound;
  const stoppedEarly = stale >= state.config.patience;
  const done = stoppedEarly || round >= state.config.maxRounds;
  return {
    ...state,
    ...best,
    phase: done ? 'done' : 'fedavg',
    weights,
    round,
    loss,
    trainLoss: Number.isFinite(perRowTrain) ? perRowTrain : null,
    history: [...state.history, loss],
    stoppedEarly,
  };
}
