// Differentially private federated MLP: DP-FedAvg, clipped per-domain updates and Gaussian noise on each round's sum.
// DP-FedAvg: McMahan, Ramage, Talwar & Zhang, "Learning Differentially Private Recurrent Language
// Models", ICLR 2018.

import { type MlpConfig, type MlpModel, type MlpState, mlpStrategy } from '../mlp.ts';
import { checkedVector } from '../numeric.ts';
import type { Strategy } from '../strategy.ts';
import { type DpMechanism, type DpTarget, gaussianSigma, planDpBudget } from './accounting.ts';
import { clipToNorm } from './clipping.ts';
import {
  type DpConfig,
  type DpState,
  positiveNumber,
  publicStandardisation,
  requirePhase,
} from './dp-config.ts';
import { gaussianNoise } from './noise.ts';

const OWNER = 'dp-mlp';

/** Domain updates are clipped to the unit ball unless the job says otherwise. */
const DEFAULT_CLIP = 1;

/**
 * MLP settings plus DP settings; `dp.clip` (C, default 1) bounds ‖w_local − w_global‖₂ of every
 * domain's round update.
 *
 * @example
 * const config: DpMlpConfig = { ...defaultMlpConfig, maxRounds: 10, dp: { epsilon: 8, delta: 1e-6, seed, means, stds, clip: 0.5 } };
 */
export interface DpMlpConfig extends MlpConfig {
  dp: DpConfig & { clip?: number };
}

/**
 * The private MLP strategy's coordinator state (secret: it holds the noise seed).
 *
 * @example
 * dpMlp.init(config, 6).inner.phase; // 'fedavg'
 */
export type DpMlpState = DpState<MlpState, { clip: number }>;

/**
 * The private MLP strategy's type.
 *
 * @example
 * const s: DpMlpStrategy = dpMlp;
 */
export type DpMlpStrategy = Strategy<DpMlpConfig, DpMlpState, MlpModel> &
  Required<Pick<Strategy<DpMlpConfig, DpMlpState, MlpModel>, 'reasons'>>;

/**
 * The mechanism's facts for lineage. Each domain contributes w_global + Δ with ‖Δ‖₂ ≤ C and
 * weight 1, so replacing one domain's rows moves a round's sum by at most 2C; the sum gets
 * N(0, σ²I) with σ = 2C/√(2ρ) for each round's share ρ, over `maxRounds` releases.
 *
 * @example
 * dpMlpMechanism({ maxRounds: 10, dp: { epsilon: 8, delta: 1e-6, clip: 0.5 } }).sensitivity; // 1
 */
export function dpMlpMechanism(config: { maxRounds: number; dp: DpTarget & { clip?: number } }): DpMechanism {
  const clip = positiveNumber(config.dp.clip ?? DEFAULT_CLIP, 'dp.clip', OWNER);
  const budget = planDpBudget('mlp', config.dp, config.maxRounds);
  const sensitivity = 2 * clip;
  return {
    mechanism: 'DP-FedAvg, gaussian noise on every round sum (McMahan, Ramage, Talwar & Zhang 2018)',
    sensitivity,
    sigma: gaussianSigma(sensitivity, budget.weightsRho),
    rho: budget.weightsRho,
    releases: budget.releases,
    evaluationRho: budget.evaluationRho,
    epsilon: budget.epsilon,
    delta: budget.delta,
    clip,
  };
}

/**
 * Differentially private federated MLP (kind `'mlp'`, same model), wrapping `mlpStrategy`. Every
 * domain is one client: it trains as usual, clips its change of the weights to norm C and returns
 * an unweighted contribution; the coordinator adds noise to each round's sum, seeded from
 * (seed, 'round-' + r), before averaging. The guarantee is domain-level: it covers replacing all of
 * one domain's rows, and so any single row, which lives in one domain. The noise on the average
 * shrinks only with the number of domains, so useful models need many domains (or domains split
 * into shards that each act as a client). Validation loss drives early stopping and best-round
 * selection, both data-dependent releases, so the wrapper holds out no validation rows, runs
 * exactly `maxRounds` rounds and releases the last weights; `loss` is always null.
 *
 * @example
 * const { model } = fitFederated(dpMlp, config, domains, plainOps);
 */
export const dpMlp: DpMlpStrategy = {
  kind: mlpStrategy.kind,

  init(config, featureCount) {
    const { dp, ...model } = config;
    const { clip } = dpMlpMechanism(config);
    const { means, stds } = publicStandardisation(dp, featureCount, OWNER);
    const inner = mlpStrategy.init(model, featureCount);
    return {
      inner: { ...inner, config: { ...inner.config, validationFraction: 0 }, phase: 'fedavg', means, stds },
      dp: { epsilon: dp.epsilon, delta: dp.delta, clip: clip!, seed: dp.seed },
    };
  },

  configureRound(state) {
    const round = mlpStrategy.configureRound(state.inner);
    return round && { ...round, params: { ...round.params, clip: state.dp.clip } };
  },

  localUpdate(instruction, rows, ops, cache) {
    requirePhase(instruction, 'fedavg', OWNER);
    const clip = positiveNumber(instruction.params['clip'], 'param clip', OWNER);
    const update = mlpStrategy.localUpdate(instruction, rows, ops, cache);
    const weighted = update['weights']!;
    const [n] = update['n']!;
    const global = checkedVector(OWNER, instruction.params, 'weights', weighted.length, 'param');
    // A domain without training rows sends n·w = 0 and leaves the weights where they were.
    const change = clipToNorm(
      global.map((g, i) => (n! > 0 ? weighted[i]! / n! - g : 0)),
      clip,
    );
    return {
      weights: global.map((g, i) => g + change[i]!),
      n: [1],
      valLoss: [0],
      valRows: [0],
      trainLoss: [0],
    };
  },

  // The contribution keeps the inner update's fields, so it has the inner's shape.
  updateShape(instruction, featureCount) {
    requirePhase(instruction, 'fedavg', OWNER);
    return mlpStrategy.updateShape(instruction, featureCount);
  },

  next(state, aggregate) {
    const { inner, dp } = state;
    if (inner.phase !== 'fedavg') throw new Error(`${OWNER}: training is already done`);
    const sums = checkedVector(OWNER, aggregate, 'weights', inner.weights.length, 'aggregate field');
    const { sigma } = dpMlpMechanism({ ...inner.config, dp });
    const noise = gaussianNoise(dp.seed, `round-${inner.round}`, sums.length, sigma);
    const { weights, round } = mlpStrategy.next(inner, {
      ...aggregate,
      weights: sums.map((s, i) => s + noise[i]!),
    });
    // Only the average and the round count are kept; the validation bookkeeping stays as init left it.
    const phase = round >= inner.config.maxRounds ? 'done' : 'fedavg';
    return { ...state, inner: { ...inner, weights, round, phase } };
  },

  loss() {
    return null;
  },

  // Every round's weights were already released noised, so the last ones may be released any time.
  finalModel(state) {
    return mlpStrategy.finalModel(state.inner);
  },

  predict: mlpStrategy.predict,

  reasons: mlpStrategy.reasons,
};
