// Seeded credit data for scorecard tests: skewed, integer and noise features, a monotone or U-shaped age effect.

import type { LocalRows } from './strategy.ts';
import { seededRandom } from './testing/random.ts';

/**
 * Input columns of `scorecardCredit`, in order.
 *
 * @example
 * SCORECARD_FIXTURE_FEATURES[2]; // 'age'
 */
export const SCORECARD_FIXTURE_FEATURES = ['income', 'utilisation', 'age', 'delinquencies', 'noise'] as const;

/**
 * n rows of five features: log-normal income (6% missing, and missing is riskier), utilisation in
 * [0, 1], age ~ N(45, 12) clipped to [18, 80], Poisson(0.4) delinquencies (mostly 0), pure noise.
 * Labels (1 = bad, base rate ≈ 10%) come from a logistic model whose age effect is monotone
 * (older is safer) or U-shaped (young and old are riskier), which a linear logit cannot express.
 *
 * @example
 * const rows = scorecardCredit(6000, 1, 'u-shaped'); // rows.d === 5
 */
export function scorecardCredit(n: number, seed: number, ageEffect: 'monotone' | 'u-shaped'): LocalRows {
  const rng = seededRandom(seed);
  const d = SCORECARD_FIXTURE_FEATURES.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const logIncome = 10.5 + 0.5 * rng.normal();
    const utilisation = rng.uniform();
    const age = Math.min(80, Math.max(18, 45 + 12 * rng.normal()));
    // Knuth's Poisson sampler: multiply uniforms until the product drops below e^−λ.
    let delinquencies = 0;
    for (let p = rng.uniform(); p > Math.exp(-0.4); p *= rng.uniform()) delinquencies++;
    const noise = rng.normal();
    const incomeMissing = rng.uniform() < 0.06;
    const age45 = (age - 45) / 12;
    const eta =
      -2.9 -
      (0.9 * (logIncome - 10.5)) / 0.5 +
      1.4 * (utilisation - 0.5) +
      (ageEffect === 'monotone' ? -0.6 * age45 : 0.9 * age45 * age45 - 0.9) +
      0.6 * delinquencies +
      (incomeMissing ? 0.5 : 0);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    const income = incomeMissing ? Number.NaN : Math.round(Math.exp(logIncome));
    x.set([income, utilisation, age, delinquencies, noise], i * d);
  }
  return { x, y, n, d };
}
