// Federated multilayer perceptron (TensorFlow.js layers): standardisation rounds, then FedAvg rounds with early stopping.
// FedAvg: McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized
// Data", AISTATS 2017.

import { localSpread, localStats, standardisationShapes } from './logistic-local.ts';
import { type MlpConfig, mlpLayers, mlpShapes, validateMlpConfig, weightCount } from './mlp-config.ts';
import { localFedAvg } from './mlp-local.ts';
import { type MlpModel, mlpReasons, predictMlp, prepareMlpScoring } from './mlp-model.ts';
import { initialMlpState, type MlpState } from './mlp-state.ts';
import { afterFedAvg, afterSpread, afterStats, vectorField } from './mlp-steps.ts';
import type { RoundInstruction, Strategy } from './strategy.ts';

export { type MlpTfjsArtifacts, mlpToTfjsArtifacts } from './mlp-artifacts.ts';
export { defaultMlpConfig, type MlpConfig, type MlpLayerSpec } from './mlp-config.ts';
export { type MlpModel, mlpReasons, occlusion, predictMlp } from './mlp-model.ts';
export type { MlpState } from './mlp-state.ts';

/**
 * The MLP strategy's type: a `Strategy` whose optional `reasons` is always present.
 *
 * @example
 * const s: MlpStrategy = mlpStrategy;
 */
export type MlpStrategy = Strategy<MlpConfig, MlpState, MlpModel> &
  Required<Pick<Strategy<MlpConfig, MlpState, MlpModel>, 'reasons'>>;

/**
 * The federated MLP strategy (kind `'mlp'`).
 * - `'stats'` (params `{}`) and, only for ill-conditioned features, `'spread'` (params
 *   `{ means }`): the logistic strategy's standardisation rounds, reused.
 * - `'fedavg'` (params `{ weights, means, stds, round, config }`): each domain evaluates the
 *   global weights on its validation rows, trains `localEpochs` on its training rows and returns
 *   `{ weights: n·w_local, n, valLoss, valRows, trainLoss }`; the coordinator averages (FedAvg),
 *   keeps the best weights by federated validation loss and stops after `patience` rounds without
 *   improvement or at `maxRounds`. `config` travels with the round because domains need the
 *   hyperparameters and hold no other state.
 * Needs a TF.js backend chosen by the host before `localUpdate`, `predict` or `reasons`.
 *
 * @example
 * const { model } = fitFederated(mlpStrategy, defaultMlpConfig, domains, plainOps);
 * mlpStrategy.predict(model, x, n);
 */
export const mlpStrategy: MlpStrategy = {
  kind: 'mlp',

  init(config, featureCount) {
    return initialMlpState(config, featureCount);
  },

  configureRound(state): RoundInstruction | null {
    switch (state.phase) {
      case 'stats':
        return { phase: 'stats', params: {} };
      case 'spread':
        return { phase: 'spread', params: { means: [...state.means] } };
      case 'fedavg':
        return {
          phase: 'fedavg',
          params: {
            weights: [...state.weights],
            means: [...state.means],
            stds: [...state.stds],
            round: state.round,
            config: validateMlpConfig(state.config),
          },
        };
      case 'done':
        return null;
    }
  },

  // Dense ops are unused: the network runs on TF.js directly.
  localUpdate(instruction, rows, _ops, cache) {
    if (rows.x.length !== rows.n * rows.d || rows.y.length !== rows.n) {
      throw new Error(`mlp: rows do not match their shape ${rows.n}×${rows.d}`);
    }
    const { params } = instruction;
    switch (instruction.phase) {
      case 'stats':
        return localStats(rows);
      case 'spread':
        return localSpread(rows, vectorField(params, 'means', rows.d, 'param'));
      case 'fedavg': {
        const config = validateMlpConfig(params['config'] as MlpConfig);
        const round = params['round'];
        if (!Number.isInteger(round) || (round as number) < 0)
          throw new Error('mlp: param round must be ≥ 0');
        const count = weightCount(mlpShapes(rows.d, mlpLayers(config.hidden)));
        return localFedAvg(
          rows,
          {
            weights: vectorField(params, 'weights', count, 'param'),
            means: vectorField(params, 'means', rows.d, 'param'),
            stds: vectorField(params, 'stds', rows.d, 'param'),
            round: round as number,
            config,
          },
          cache,
        );
      }
      default:
        throw new Error(`mlp: unknown phase '${instruction.phase}'`);
    }
  },

  updateShape(instruction, d) {
    switch (instruction.phase) {
      case 'stats':
        return standardisationShapes.stats(d);
      case 'spread':
        return standardisationShapes.spread(d);
      case 'fedavg': {
        const config = validateMlpConfig(instruction.params['config'] as MlpConfig);
        const weights = weightCount(mlpShapes(d, mlpLayers(config.hidden)));
        return { weights, n: 1, valLoss: 1, valRows: 1, trainLoss: 1 };
      }
      default:
        throw new Error(`mlp: unknown phase '${instruction.phase}'`);
    }
  },

  next(state, aggregate) {
    switch (state.phase) {
      case 'stats':
        return afterStats(state, aggregate);
      case 'spread':
        return afterSpread(state, aggregate);
      case 'fedavg':
        return afterFedAvg(state, aggregate);
      case 'done':
        throw new Error('mlp: training is already done');
    }
  },

  loss(state) {
    return state.loss;
  },

  finalModel(state) {
    if (state.phase === 'stats' || state.phase === 'spread') {
      throw new Error('mlp: no model before standardisation is known');
    }
    return {
      kind: 'mlp',
      layers: mlpLayers(state.config.hidden),
      // Before any FedAvg round has been evaluated, the current (initial) weights are all there is.
      weights: [...(state.bestRound >= 0 ? state.bestWeights : state.weights)],
      shapes: state.shapes.map((s) => [...s]),
      means: [...state.means],
      stds: [...state.stds],
    };
  },

  predict: predictMlp,

  reasons: mlpReasons,

  prepareScoring: prepareMlpScoring,
};
