// The differential-privacy settings a job adds to a model config, and the checks on them and on private rounds.

import type { RoundInstruction } from '../strategy.ts';
import type { DpTarget } from './accounting.ts';
import { checkSeed } from './noise.ts';

/**
 * DP settings shared by the private strategies. `seed` is the host's secret noise seed (≥ 32 hex
 * characters from crypto randomness). `means` and `stds` are PUBLIC standardisation statistics,
 * one per input, supplied by the host: computing them from the domains' rows would be one more
 * release to pay for, so the private strategies skip the stats rounds.
 *
 * @example
 * const dp: DpConfig = { epsilon: 3, delta: 1e-6, seed: 'c0ffee…', means: [5e4, 40], stds: [1.5e4, 12] };
 */
export interface DpConfig extends DpTarget {
  seed: string;
  means: number[];
  stds: number[];
}

/**
 * A private strategy's coordinator state: the wrapped strategy's state, and the DP settings its
 * mechanism needs later (the budget, the seed and the strategy's own `Settings`, such as its
 * clipping bound). It carries the secret noise seed, so it belongs where the un-noised aggregates
 * are kept and is never released.
 *
 * @example
 * const state: DpState<LogisticState, { rowNorm: number }> = { inner, dp: { epsilon: 3, delta: 1e-6, seed, rowNorm: 1 } };
 */
export interface DpState<Inner, Settings> {
  inner: Inner;
  dp: DpTarget & { seed: string } & Settings;
}

/**
 * A positive finite number from a config or round params, failing with the owner's name.
 *
 * @example
 * positiveNumber(1, 'rowNorm', 'dp-logistic'); // 1
 */
export function positiveNumber(value: unknown, name: string, owner: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`${owner}: ${name} must be a finite number > 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Fails unless the instruction is of the one phase a private strategy runs (the set-up phases it
 * skips would release data-dependent statistics).
 *
 * @example
 * requirePhase(instruction, 'newton', 'dp-logistic');
 */
export function requirePhase(instruction: RoundInstruction, phase: string, owner: string): void {
  if (instruction.phase !== phase) {
    throw new Error(`${owner}: unknown phase '${instruction.phase}' (only '${phase}' rounds run under DP)`);
  }
}

/**
 * Validates the seed and the public statistics for `featureCount` inputs and returns copies of
 * the statistics: finite means, finite positive std devs.
 *
 * @example
 * publicStandardisation(config.dp, 6, 'dp-logistic'); // { means, stds }
 */
export function publicStandardisation(
  dp: DpConfig,
  featureCount: number,
  owner: string,
): { means: number[]; stds: number[] } {
  checkSeed(dp.seed);
  const { means, stds } = dp;
  if (!Array.isArray(means) || means.length !== featureCount || !means.every(Number.isFinite)) {
    throw new Error(`${owner}: dp.means must be ${featureCount} finite numbers (public, one per input)`);
  }
  if (
    !Array.isArray(stds) ||
    stds.length !== featureCount ||
    !stds.every((s) => s > 0 && Number.isFinite(s))
  ) {
    throw new Error(`${owner}: dp.stds must be ${featureCount} finite numbers > 0 (public, one per input)`);
  }
  return { means: [...means], stds: [...stds] };
}
