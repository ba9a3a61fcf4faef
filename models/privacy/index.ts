// Public surface of differential privacy for models: strategy wrappers, accounting, noise, private evaluation.

import type { DpKind } from './accounting.ts';
import { dpLogistic } from './dp-logistic.ts';
import { dpMlp } from './dp-mlp.ts';

export {
  type DpBudget,
  type DpKind,
  type DpMechanism,
  type DpTarget,
  epsilonFromRho,
  gaussianSigma,
  planDpBudget,
  rhoFromEpsilonDelta,
} from './accounting.ts';
export type { DpConfig, DpState } from './dp-config.ts';
export { evaluationNoiseSigma, privatizeEvaluation } from './dp-evaluation.ts';
export {
  type DpLogisticConfig,
  type DpLogisticState,
  type DpLogisticStrategy,
  dpLogistic,
  dpLogisticMechanism,
} from './dp-logistic.ts';
export { type DpMlpConfig, type DpMlpState, type DpMlpStrategy, dpMlp, dpMlpMechanism } from './dp-mlp.ts';
export { checkSeed, gaussianNoise } from './noise.ts';

/**
 * The private wrapper of every model kind that has one, keyed by kind.
 *
 * @example
 * dpStrategies.logistic === dpLogistic; // true
 */
export const dpStrategies = { logistic: dpLogistic, mlp: dpMlp } as const;

/**
 * The differentially private strategy for a model kind; throws naming the supported kinds when
 * the kind has no private wrapper.
 *
 * @example
 * const strategy = dpStrategyFor('logistic'); // dpLogistic
 */
export function dpStrategyFor<K extends DpKind>(kind: K): (typeof dpStrategies)[K];
export function dpStrategyFor(kind: string): (typeof dpStrategies)[DpKind];
export function dpStrategyFor(kind: string): (typeof dpStrategies)[DpKind] {
  if (!Object.hasOwn(dpStrategies, kind)) {
    throw new Error(
      `no differentially private strategy for model kind '${kind}' (supported: ${Object.keys(dpStrategies).join(', ')})`,
    );
  }
  return dpStrategies[kind as DpKind];
}
