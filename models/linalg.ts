// Plain-JS dense linear algebra for strategies: weighted Gram matrix and Cholesky solve.

import type { DenseOps } from './strategy.ts';

/**
 * Xᵀ diag(w) X for a row-major n × d matrix, in float64, returned row-major d × d.
 * Only the upper triangle is accumulated and then mirrored, since the result is symmetric.
 *
 * @example
 * xtwxJs(new Float64Array([1, 2, 3, 4]), new Float64Array([1, 1]), 2, 2); // [10, 14, 14, 20]
 */
export function xtwxJs(x: Float64Array, w: Float64Array, n: number, d: number): Float64Array {
  if (x.length !== n * d) throw new Error(`xtwxJs: x has ${x.length} values, expected ${n}×${d}`);
  if (w.length !== n) throw new Error(`xtwxJs: w has ${w.length} values, expected ${n}`);
  const out = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const wr = w[r]!;
    if (wr === 0) continue;
    const base = r * d;
    for (let i = 0; i < d; i++) {
      const a = wr * x[base + i]!;
      if (a === 0) continue;
      const row = i * d;
      for (let j = i; j < d; j++) out[row + j]! += a * x[base + j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) out[j * d + i] = out[i * d + j]!;
  }
  return out;
}

/**
 * The plain-JS `DenseOps`, used by tests, pooled fits and any host without an accelerator.
 *
 * @example
 * const h = plainOps.xtwx(x, w, n, d);
 */
export const plainOps: DenseOps = { xtwx: xtwxJs };

/**
 * Solves A x = b for a symmetric positive definite row-major d × d matrix A via Cholesky (A = L Lᵀ).
 * Only the lower triangle of A is read. Throws if A is not (numerically) positive definite, which
 * for a Newton step usually means an unpenalised, perfectly collinear or separable design.
 *
 * @example
 * choleskySolve(new Float64Array([4, 2, 2, 3]), new Float64Array([2, 1]), 2); // [0.5, 0]
 */
export function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  if (a.length !== d * d) throw new Error(`choleskySolve: matrix has ${a.length} values, expected ${d}×${d}`);
  if (b.length !== d) throw new Error(`choleskySolve: right-hand side has ${b.length} values, expected ${d}`);
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        // A non-positive (or NaN) pivot means no real Cholesky factor exists.
        if (!(s > 0) || !Number.isFinite(s)) {
          throw new Error(
            `choleskySolve: matrix is not symmetric positive definite (pivot ${s} at index ${i}); ` +
              'add regularisation or remove collinear features',
          );
        }
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j]!;
      }
    }
  }
  // Forward substitution L y = b, then back substitution Lᵀ x = y.
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * y[k]!;
    y[i] = s / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k]!;
    x[i] = s / l[i * d + i]!;
  }
  return x;
}

/**
 * Largest absolute element-wise difference between two equal-length vectors.
 *
 * @example
 * maxAbsDiff([1, 2], [1.5, 2]); // 0.5
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
