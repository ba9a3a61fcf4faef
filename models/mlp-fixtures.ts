// Test data for the MLP: credit-like rows whose default risk has an interaction a linear model cannot see.

import type { LocalRows } from './strategy.ts';
import { seededRandom } from './testing/random.ts';

/**
 * n rows of `d` ≥ 4 features on mixed scales with ~5% missing in feature 2, labels from
 * η = −2 + 2·z0·z1 + 0.8·z2 − 0.6·z3 (z = the standard-normal draws behind the features). The
 * z0·z1 term is invisible to a logistic regression on the raw features and learnable by an MLP.
 * Features beyond the fourth are noise.
 *
 * @example
 * const rows = interactionCredit(4000, 1, 6); // rows.d === 6
 */
export function interactionCredit(n: number, seed: number, d = 6): LocalRows {
  if (d < 4) throw new Error('interactionCredit: needs d ≥ 4');
  const rng = seededRandom(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: d }, () => rng.normal());
    const eta = -2 + 2 * z[0]! * z[1]! + 0.8 * z[2]! - 0.6 * z[3]!;
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    // Different scales and offsets, so standardisation has work to do.
    const row = z.map((v, j) => (j === 0 ? 50_000 + 15_000 * v : j === 1 ? 40 + 12 * v : v * (j + 1)));
    if (rng.uniform() < 0.05) row[2] = Number.NaN;
    x.set(row, i * d);
  }
  return { x, y, n, d };
}
