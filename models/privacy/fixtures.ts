// Test fixtures for the private strategies: fixed seeds, public statistics and a state recorder.

import type { Strategy } from '../strategy.ts';

/**
 * Two fixed noise seeds, so tests can compare runs under the same and under different noise.
 *
 * @example
 * const config = { ...base, dp: { ...base.dp, seed: TEST_SEEDS[1] } };
 */
export const TEST_SEEDS = ['00112233445566778899aabbccddeeff', 'ffeeddccbbaa99887766554433221100'] as const;

/**
 * Round numbers close to `syntheticCredit`'s feature statistics, standing in for the public
 * statistics a host would supply.
 *
 * @example
 * const dp = { epsilon: 3, delta: 1e-6, seed: TEST_SEEDS[0], ...CREDIT_STATS };
 */
export const CREDIT_STATS = {
  means: [50_000, 40, 0.5, 0, 1_000_000, 0.3],
  stds: [15_000, 12, 0.29, 0.001, 10, 0.46],
};

/**
 * The same strategy, remembering the state after each `next`, so a test can read what training
 * left behind (such as the un-noised coefficients) next to the released model.
 *
 * @example
 * const { strategy, last } = recordingStates(dpLogistic);
 * fitFederated(strategy, config, domains, plainOps);
 * last().inner.beta;
 */
export function recordingStates<C, S, M>(
  inner: Strategy<C, S, M>,
): { strategy: Strategy<C, S, M>; last: () => S } {
  let latest: S | undefined;
  const strategy: Strategy<C, S, M> = {
    ...inner,
    next(state, aggregate) {
      latest = inner.next(state, aggregate);
      return latest;
    },
  };
  return {
    strategy,
    last: () => {
      if (latest === undefined) throw new Error('recordingStates: no round has been aggregated');
      return latest;
    },
  };
}
