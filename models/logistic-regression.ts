// Federated L2-penalised logistic regression: set-up rounds for standardisation, then Newton rounds.

import { localNewton, localSpread, localStats, standardisationShapes } from './logistic-local.ts';
import {
  type LogisticModel,
  logisticModelFromBeta,
  predictLogistic,
  prepareLogisticScoring,
  topReasons,
} from './logistic-model.ts';
import { initialLogisticState, type LogisticConfig, type LogisticState } from './logistic-state.ts';
import { afterNewton, afterSpread, afterStats, numberVector } from './logistic-steps.ts';
import type { RoundInstruction, Strategy } from './strategy.ts';

export { contributions, type LogisticModel, topReasons } from './logistic-model.ts';
export { defaultLogisticConfig, type LogisticConfig, type LogisticState } from './logistic-state.ts';

/**
 * The logistic strategy's type: a `Strategy` whose optional `reasons` is always present.
 *
 * @example
 * const s: LogisticStrategy = logisticRegression;
 */
export type LogisticStrategy = Strategy<LogisticConfig, LogisticState, LogisticModel> &
  Required<Pick<Strategy<LogisticConfig, LogisticState, LogisticModel>, 'reasons'>>;

/**
 * The federated logistic regression strategy (kind `'logistic'`).
 * - `'stats'` (params `{}`): additive counts, Σx, Σx² → federated means and std devs.
 * - `'spread'` (params `{ means }`, only when some feature has a large offset relative to its spread):
 *   centred Σ(x − mean)² → std devs without cancellation.
 * - `'newton'` (params `{ beta, means, stds }`): exact float64 gradient plus Hessian at β; the
 *   coordinator takes one penalised Newton step per round.
 *
 * @example
 * const { model } = fitFederated(logisticRegression, defaultLogisticConfig, domains, plainOps);
 * logisticRegression.predict(model, x, n);
 */
export const logisticRegression: LogisticStrategy = {
  kind: 'logistic',

  init(config, featureCount) {
    return initialLogisticState(config, featureCount);
  },

  configureRound(state): RoundInstruction | null {
    switch (state.phase) {
      case 'stats':
        return { phase: 'stats', params: {} };
      case 'spread':
        return { phase: 'spread', params: { means: [...state.means] } };
      case 'newton':
        return {
          phase: 'newton',
          params: { beta: [...state.beta], means: [...state.means], stds: [...state.stds] },
        };
      case 'done':
        return null;
    }
  },

  localUpdate(instruction, rows, ops, cache) {
    if (rows.x.length !== rows.n * rows.d || rows.y.length !== rows.n) {
      throw new Error(`logistic: rows do not match their shape ${rows.n}×${rows.d}`);
    }
    const { params } = instruction;
    switch (instruction.phase) {
      case 'stats':
        return localStats(rows);
      case 'spread':
        return localSpread(rows, numberVector(params, 'means', rows.d, 'param'));
      case 'newton': {
        const beta = numberVector(params, 'beta', rows.d + 1, 'param');
        const means = numberVector(params, 'means', rows.d, 'param');
        const stds = numberVector(params, 'stds', rows.d, 'param');
        return localNewton(rows, { beta, means, stds }, ops, cache);
      }
      default:
        throw new Error(`logistic: unknown phase '${instruction.phase}'`);
    }
  },

  updateShape(instruction, d) {
    const shape = standardisationShapes[instruction.phase as keyof typeof standardisationShapes];
    if (!shape) throw new Error(`logistic: unknown phase '${instruction.phase}'`);
    return shape(d);
  },

  next(state, aggregate) {
    switch (state.phase) {
      case 'stats':
        return afterStats(state, aggregate);
      case 'spread':
        return afterSpread(state, aggregate);
      case 'newton':
        return afterNewton(state, aggregate);
      case 'done':
        throw new Error('logistic: training is already done');
    }
  },

  loss(state) {
    return state.loss;
  },

  finalModel(state) {
    if (state.phase === 'stats' || state.phase === 'spread') {
      throw new Error('logistic: no model before standardisation is known');
    }
    return logisticModelFromBeta(state.beta, state.means, state.stds, state.rounds);
  },

  predict: predictLogistic,

  reasons: topReasons,

  prepareScoring: prepareLogisticScoring,
};
