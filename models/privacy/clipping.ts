// L2 clipping that bounds what one row or one domain can contribute, checked after float rounding.

import type { LocalRows } from '../strategy.ts';

/** Shrink attempts before a contribution that rounding keeps outside the bound is zeroed. */
const MAX_ATTEMPTS = 8;

/** Each retry shrinks by at least this factor, more than any rounding excess it has to absorb. */
const MIN_SHRINK = 1 - 1e-9;

/**
 * Euclidean norm of a vector.
 *
 * @example
 * l2Norm([3, 4]); // 5
 */
export function l2Norm(v: ArrayLike<number>): number {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  return Math.sqrt(sq);
}

/**
 * The first scale s (starting at `first`, then shrinking) whose result `measure(s)` is within
 * `bound`, or 0 if rounding never lets it fit. The bound is what the sensitivity proof relies on,
 * so it is checked on the numbers actually produced, not on the arithmetic that produced them.
 */
function fittingScale(first: number, bound: number, measure: (s: number) => number): number {
  let s = first;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const got = measure(s);
    if (got <= bound) return s;
    s *= Math.min(bound / got, MIN_SHRINK);
  }
  return 0;
}

/**
 * `v` rescaled to L2 norm at most `bound` (unchanged when already within it).
 *
 * @example
 * clipToNorm([3, 4], 1); // ≈ [0.6, 0.8]
 */
export function clipToNorm(v: readonly number[], bound: number): number[] {
  const norm = l2Norm(v);
  if (norm <= bound) return [...v];
  const scaled = (s: number) => v.map((e) => e * s);
  return scaled(fittingScale(bound / norm, bound, (s) => l2Norm(scaled(s))));
}

/** ‖(x − mean)/std‖₂ of row i with missing values at the mean (z = 0), computed as the design matrix does. */
function standardisedNorm(
  x: Float64Array,
  i: number,
  d: number,
  means: readonly number[],
  stds: readonly number[],
): number {
  let sq = 0;
  for (let j = 0; j < d; j++) {
    const v = x[i * d + j]!;
    if (Number.isNaN(v)) continue;
    const z = (v - means[j]!) / stds[j]!;
    sq += z * z;
  }
  return Math.sqrt(sq);
}

/**
 * Rows whose standardised vectors z = (x − mean)/std (missing values imputed at the mean, z = 0)
 * have ‖z‖₂ ≤ `rowNorm`: a row outside the ball is shrunk towards the means along z and mapped
 * back to raw units; missing values stay NaN and rows inside the ball are copied unchanged. The
 * bound holds for z recomputed from the returned values, where large offsets can round.
 *
 * @example
 * clipRows(rows, [0, 0], [1, 1], 1); // every row of the result has ‖x‖₂ ≤ 1
 */
export function clipRows(
  rows: LocalRows,
  means: readonly number[],
  stds: readonly number[],
  rowNorm: number,
): LocalRows {
  const { x, y, n, d } = rows;
  if (x.length !== n * d || y.length !== n || means.length !== d || stds.length !== d) {
    throw new Error(`clipRows: rows or statistics do not match the shape ${n}×${d}`);
  }
  const out = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const norm = standardisedNorm(x, i, d, means, stds);
    if (norm <= rowNorm) continue;
    const write = (s: number) => {
      for (let j = 0; j < d; j++) {
        const v = x[i * d + j]!;
        if (!Number.isNaN(v)) out[i * d + j] = means[j]! + s * (v - means[j]!);
      }
    };
    const fit = fittingScale(rowNorm / norm, rowNorm, (s) => {
      write(s);
      return standardisedNorm(out, i, d, means, stds);
    });
    write(fit);
  }
  return { x: out, y, n, d };
}
