// Differentially private logistic regression: Gaussian output perturbation of the federated Newton fit.
// Output perturbation: Chaudhuri, Monteleoni & Sarwate, "Differentially Private Empirical Risk
// Minimization", JMLR 2011.

import {
  type LogisticConfig,
  type LogisticModel,
  type LogisticState,
  logisticRegression,
} from '../logistic-regression.ts';
import { checkedVector } from '../numeric.ts';
import type { LocalRows, Strategy, Update } from '../strategy.ts';
import { type DpMechanism, type DpTarget, gaussianSigma, planDpBudget } from './accounting.ts';
import { clipRows } from './clipping.ts';
import {
  type DpConfig,
  type DpState,
  positiveNumber,
  publicStandardisation,
  requirePhase,
} from './dp-config.ts';
import { gaussianNoise } from './noise.ts';

const OWNER = 'dp-logistic';

/** Standardised rows are clipped to the unit ball unless the job says otherwise. */
const DEFAULT_ROW_NORM = 1;

/** Where a domain keeps its clipped rows and the inner strategy's own cache for the job. */
const CLIPPED_SLOT = 'dp:logistic-rows';

interface ClippedSlot {
  key: string;
  rows: LocalRows;
  cache: Map<string, unknown>;
}

/**
 * Logistic settings plus DP settings; `dp.rowNorm` (R, default 1) bounds ‖z‖₂ of every standardised
 * row. `l2` must be > 0: the noise scale is 2√(1 + R²)/l2.
 *
 * @example
 * const config: DpLogisticConfig = { ...defaultLogisticConfig, l2: 50, dp: { epsilon: 3, delta: 1e-6, seed, means, stds } };
 */
export interface DpLogisticConfig extends LogisticConfig {
  dp: DpConfig & { rowNorm?: number };
}

/**
 * The private logistic strategy's coordinator state (secret: it holds the noise seed).
 *
 * @example
 * dpLogistic.init(config, 6).inner.phase; // 'newton'
 */
export type DpLogisticState = DpState<LogisticState, { rowNorm: number }>;

/**
 * The private logistic strategy's type.
 *
 * @example
 * const s: DpLogisticStrategy = dpLogistic;
 */
export type DpLogisticStrategy = Strategy<DpLogisticConfig, DpLogisticState, LogisticModel> &
  Required<Pick<Strategy<DpLogisticConfig, DpLogisticState, LogisticModel>, 'reasons'>>;

/**
 * The mechanism's facts for lineage. With the intercept counted in the row, x̃ = [1, z] has
 * ‖x̃‖ ≤ L = √(1 + R²), so each row's loss is L-Lipschitz in β; Σℓ + (l2/2)‖β‖² is l2-strongly
 * convex, and replacing one row moves its minimiser by at most Δ = 2L/l2. The released β gets
 * N(0, σ²I) with σ = Δ/√(2ρ) for the weights' share ρ of the job's budget.
 *
 * @example
 * dpLogisticMechanism({ l2: 10, maxRounds: 25, dp: { epsilon: 3, delta: 1e-6 } }).sensitivity; // 2√2/10
 */
export function dpLogisticMechanism(config: {
  l2: number;
  maxRounds: number;
  dp: DpTarget & { rowNorm?: number };
}): DpMechanism {
  if (!(config.l2 > 0 && Number.isFinite(config.l2))) {
    throw new Error(
      `${OWNER}: l2 must be a finite number > 0 under differential privacy (the noise scale ` +
        `relies on a strongly convex objective), got ${config.l2}`,
    );
  }
  const rowNorm = positiveNumber(config.dp.rowNorm ?? DEFAULT_ROW_NORM, 'dp.rowNorm', OWNER);
  const budget = planDpBudget('logistic', config.dp, config.maxRounds);
  const sensitivity = (2 * Math.sqrt(1 + rowNorm * rowNorm)) / config.l2;
  return {
    mechanism: 'gaussian output perturbation (Chaudhuri, Monteleoni & Sarwate 2011)',
    sensitivity,
    sigma: gaussianSigma(sensitivity, budget.weightsRho),
    rho: budget.weightsRho,
    releases: 1,
    evaluationRho: budget.evaluationRho,
    epsilon: budget.epsilon,
    delta: budget.delta,
    rowNorm,
  };
}

/** The domain's rows clipped once per job; the inner strategy caches its design in its own map. */
function clippedSlot(
  rows: LocalRows,
  means: readonly number[],
  stds: readonly number[],
  rowNorm: number,
  cache: Map<string, unknown>,
): ClippedSlot {
  const key = `${rows.n}x${rows.d}|${means.join(',')}|${stds.join(',')}|${rowNorm}`;
  const cached = cache.get(CLIPPED_SLOT) as ClippedSlot | undefined;
  if (cached && cached.key === key) return cached;
  const fresh: ClippedSlot = { key, rows: clipRows(rows, means, stds, rowNorm), cache: new Map() };
  cache.set(CLIPPED_SLOT, fresh);
  return fresh;
}

/** The penalty the inner step leaves out, (l2/2)·β₀², so that every coordinate is penalised. */
function withInterceptPenalty(agg: Update, beta0: number, l2: number, p: number): Update {
  const grad = [...checkedVector(OWNER, agg, 'grad', p, 'aggregate field')];
  const hess = [...checkedVector(OWNER, agg, 'hess', p * p, 'aggregate field')];
  const [loss] = checkedVector(OWNER, agg, 'loss', 1, 'aggregate field');
  grad[0]! -= l2 * beta0;
  hess[0]! += l2;
  return { ...agg, grad, hess, loss: [loss! + 0.5 * l2 * beta0 * beta0] };
}

/**
 * Differentially private federated logistic regression (kind `'logistic'`, same model), wrapping
 * `logisticRegression`. Only Newton rounds run, on the public means/stds; every domain clips its
 * standardised rows to ‖z‖₂ ≤ R; the coordinator penalises the intercept too and runs exactly
 * `maxRounds` rounds (the round count would otherwise depend on the data), failing if the last
 * step is not below `tolerance`, since the noise is calibrated for the exact minimiser. The final
 * β gets Gaussian noise seeded from (seed, 'weights'). The un-noised aggregates and training loss
 * are never released: `loss` is always null.
 *
 * @example
 * const { model } = fitFederated(dpLogistic, config, domains, plainOps);
 */
export const dpLogistic: DpLogisticStrategy = {
  kind: logisticRegression.kind,

  init(config, featureCount) {
    const { dp, ...model } = config;
    const { rowNorm } = dpLogisticMechanism(config);
    if (!(model.tolerance > 0)) throw new Error(`${OWNER}: tolerance must be > 0, got ${model.tolerance}`);
    const { means, stds } = publicStandardisation(dp, featureCount, OWNER);
    const inner = logisticRegression.init(model, featureCount);
    const beta = new Array<number>(featureCount + 1).fill(0);
    return {
      inner: { ...inner, phase: 'newton', means, stds, beta },
      dp: { epsilon: dp.epsilon, delta: dp.delta, rowNorm: rowNorm!, seed: dp.seed },
    };
  },

  configureRound(state) {
    const round = logisticRegression.configureRound(state.inner);
    return round && { ...round, params: { ...round.params, rowNorm: state.dp.rowNorm } };
  },

  localUpdate(instruction, rows, ops, cache) {
    requirePhase(instruction, 'newton', OWNER);
    const { params } = instruction;
    const means = checkedVector(OWNER, params, 'means', rows.d, 'param');
    const stds = checkedVector(OWNER, params, 'stds', rows.d, 'param');
    const rowNorm = positiveNumber(params['rowNorm'], 'param rowNorm', OWNER);
    const slot = clippedSlot(rows, means, stds, rowNorm, cache);
    return logisticRegression.localUpdate(instruction, slot.rows, ops, slot.cache);
  },

  updateShape(instruction, featureCount) {
    requirePhase(instruction, 'newton', OWNER);
    return logisticRegression.updateShape(instruction, featureCount);
  },

  next(state, aggregate) {
    const { inner } = state;
    if (inner.phase !== 'newton') throw new Error(`${OWNER}: training is already done`);
    const penalised = withInterceptPenalty(
      aggregate,
      inner.beta[0]!,
      inner.config.l2,
      inner.featureCount + 1,
    );
    const stepped = logisticRegression.next(inner, penalised);
    const last = stepped.rounds >= stepped.config.maxRounds;
    // Failing tells whoever sees the error one data-dependent bit; releasing a model the noise
    // was not calibrated for would tell more.
    if (last && !stepped.converged) {
      throw new Error(
        `${OWNER}: Newton did not reach tolerance within maxRounds = ${stepped.config.maxRounds}; ` +
          'the noise is calibrated for the exact minimiser, so raise maxRounds or l2',
      );
    }
    return { ...state, inner: { ...stepped, phase: last ? 'done' : 'newton' } };
  },

  loss() {
    return null;
  },

  finalModel(state) {
    const { inner, dp } = state;
    // An earlier release would reuse the 'weights' noise on another β, and their difference shows.
    if (inner.phase !== 'done') throw new Error(`${OWNER}: the model is released only after the last round`);
    const { sigma } = dpLogisticMechanism({ ...inner.config, dp });
    const noise = gaussianNoise(dp.seed, 'weights', inner.beta.length, sigma);
    return logisticRegression.finalModel({ ...inner, beta: inner.beta.map((b, j) => b + noise[j]!) });
  },

  predict: logisticRegression.predict,

  reasons: logisticRegression.reasons,
};
