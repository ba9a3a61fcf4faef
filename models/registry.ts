// The strategy registry: model kind → Strategy, the one place new model kinds are plugged in.

import { gbdtStrategy } from './gbdt.ts';
import { logisticRegression } from './logistic-regression.ts';
import { mlpStrategy } from './mlp.ts';
import { dpStrategyFor } from './privacy/index.ts';
import { scorecardStrategy } from './scorecard.ts';
import type { Strategy } from './strategy.ts';

/**
 * Every strategy the lab can train, keyed by its `kind`.
 *
 * @example
 * strategies.logistic.init(defaultLogisticConfig, 6);
 */
export const strategies = {
  gbdt: gbdtStrategy,
  logistic: logisticRegression,
  mlp: mlpStrategy,
  scorecard: scorecardStrategy,
} as const;

/**
 * A model kind the registry knows.
 *
 * @example
 * const kind: StrategyKind = 'logistic';
 */
export type StrategyKind = keyof typeof strategies;

/**
 * Whether `kind` names a registered strategy.
 *
 * @example
 * isStrategyKind('logistic'); // true
 */
export function isStrategyKind(kind: string): kind is StrategyKind {
  return Object.hasOwn(strategies, kind);
}

/**
 * The strategy for a model kind; throws naming the known kinds when it is not registered.
 *
 * @example
 * const strategy = getStrategy(job.spec.model.kind);
 */
export function getStrategy(kind: string): (typeof strategies)[StrategyKind] {
  if (!isStrategyKind(kind)) {
    throw new Error(`unknown model kind '${kind}' (known: ${Object.keys(strategies).join(', ')})`);
  }
  return strategies[kind];
}

/** A strategy whose config, state and model are the JSON that travels between processes. */
export type JsonStrategy = Strategy<unknown, unknown, Record<string, unknown>>;

/**
 * The strategy for a kind, typed for hosts (coordinator, enclave) that move its JSON around.
 *
 * @example
 * const s = strategyFor(job.spec.model.kind); const state = s.init(job.spec.model, inputs);
 */
export function strategyFor(kind: string): JsonStrategy {
  return getStrategy(kind) as unknown as JsonStrategy;
}

/**
 * The strategy a job runs: the kind's own, or its differential-privacy wrapper when the job asked
 * for DP. Enclaves, brokers and coordinators all pick through here, so they always agree.
 *
 * @example
 * const s = jobStrategyFor(job.spec.model.kind, job.spec.privacy.dp !== undefined);
 */
export function jobStrategyFor(kind: string, dp: boolean): JsonStrategy {
  return dp ? (dpStrategyFor(kind) as unknown as JsonStrategy) : strategyFor(kind);
}
