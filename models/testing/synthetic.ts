// Synthetic credit-like data for model tests: mixed feature scales, missing values, uneven domains.

import type { LocalRows } from '../strategy.ts';
import { seededRandom } from './random.ts';

/**
 * Generates n rows of six credit-like features on very different scales (income ~5e4, age ~40,
 * utilisation in [0, 1], a 1e-3-scale ratio, a 1e6-offset balance with small spread, a 0/1 flag),
 * about 5% missing in three of them, and labels from a known logistic model (base rate ≈ 10%).
 *
 * @example
 * const rows = syntheticCredit(3000, 1); // rows.d === 6
 */
export function syntheticCredit(n: number, seed: number): LocalRows {
  const rng = seededRandom(seed);
  const d = 6;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const income = 50_000 + 15_000 * rng.normal();
    const age = 40 + 12 * rng.normal();
    const utilisation = rng.uniform();
    const ratio = 0.001 * rng.normal();
    const balance = 1_000_000 + 10 * rng.normal();
    const flag = rng.uniform() < 0.3 ? 1 : 0;
    const eta =
      -2.4 -
      0.00004 * (income - 50_000) -
      0.03 * (age - 40) +
      1.8 * (utilisation - 0.5) +
      400 * ratio +
      0.05 * (balance - 1_000_000) +
      0.7 * flag;
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    const row = [income, age, utilisation, ratio, balance, flag];
    // Missingness on income, age and ratio, drawn after the label so it is uninformative.
    for (const j of [0, 1, 3]) if (rng.uniform() < 0.05) row[j] = Number.NaN;
    x.set(row, i * d);
  }
  return { x, y, n, d };
}

/**
 * Splits rows into consecutive domains of the given sizes (which must sum to rows.n).
 *
 * @example
 * const [a, b] = splitRows(rows, [1000, 2000]);
 */
export function splitRows(rows: LocalRows, sizes: readonly number[]): LocalRows[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== rows.n) throw new Error(`splitRows: sizes sum to ${total}, expected ${rows.n}`);
  const out: LocalRows[] = [];
  let start = 0;
  for (const size of sizes) {
    out.push({
      x: rows.x.slice(start * rows.d, (start + size) * rows.d),
      y: rows.y.slice(start, start + size),
      n: size,
      d: rows.d,
    });
    start += size;
  }
  return out;
}

/**
 * `n` calibrated credit-like scores (logit −3.3 + 1.1·z, about 6% bads) with labels drawn from them.
 *
 * @example
 * const { prob, y } = calibratedScores(8000, 5);
 */
export function calibratedScores(n: number, seed: number): { prob: Float64Array; y: Float64Array } {
  const rng = seededRandom(seed);
  const prob = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    prob[i] = 1 / (1 + Math.exp(3.3 - 1.1 * rng.normal()));
    y[i] = rng.uniform() < prob[i]! ? 1 : 0;
  }
  return { prob, y };
}
