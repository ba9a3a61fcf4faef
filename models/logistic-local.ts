// Domain-side logistic regression work: feature statistics and one Newton round's gradient/Hessian.

import { sigmoid, softplus } from './numeric.ts';
import type { DenseOps, LocalRows, Update } from './strategy.ts';

/** Where the standardised design matrix lives in a job's enclave cache. */
const DESIGN_SLOT = 'logistic:design';

interface CachedDesign {
  key: string;
  z: Float64Array;
}

/**
 * Per-domain sufficient statistics for federated standardisation: row and positive counts, and
 * per-feature count, Σx and Σx² over non-missing (non-NaN) values. All fields are additive.
 *
 * @example
 * localStats({ x: new Float64Array([1, NaN, 3, 4]), y: new Float64Array([0, 1]), n: 2, d: 2 });
 * // { n: [2], positives: [1], count: [2, 1], sum: [4, 4], sumsq: [10, 16] }
 */
export function localStats(rows: LocalRows): Update {
  const { x, y, n, d } = rows;
  const count = new Array<number>(d).fill(0);
  const sum = new Array<number>(d).fill(0);
  const sumsq = new Array<number>(d).fill(0);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    positives += y[i]!;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      if (Number.isNaN(v)) continue;
      count[j]! += 1;
      sum[j]! += v;
      sumsq[j]! += v * v;
    }
  }
  return { n: [n], positives: [positives], count, sum, sumsq };
}

/**
 * Declared update shapes of the standardisation and Newton rounds, which the logistic, scorecard
 * and MLP strategies share: `d` features, so `d + 1` coefficients with the intercept.
 *
 * @example
 * standardisationShapes.stats(3); // { n: 1, positives: 1, count: 3, sum: 3, sumsq: 3 }
 */
export const standardisationShapes = {
  stats: (d: number) => ({ n: 1, positives: 1, count: d, sum: d, sumsq: d }),
  spread: (d: number) => ({ shift: d, m2: d }),
  newton: (d: number) => ({ grad: d + 1, hess: (d + 1) * (d + 1), loss: 1, n: 1 }),
};

/**
 * Per-domain residual sums Σ(x − mean) and centred squares Σ(x − mean)² over non-missing values,
 * for features whose one-pass variance E[x²] − mean² would cancel badly (large offset relative to
 * spread). The residual sum also corrects the rounding of the first-pass mean.
 *
 * @example
 * localSpread({ x: new Float64Array([1, 3]), y: new Float64Array([0, 1]), n: 2, d: 1 }, [2]); // { shift: [0], m2: [2] }
 */
export function localSpread(rows: LocalRows, means: readonly number[]): Update {
  const { x, n, d } = rows;
  const shift = new Array<number>(d).fill(0);
  const m2 = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      if (Number.isNaN(v)) continue;
      const c = v - means[j]!;
      shift[j]! += c;
      m2[j]! += c * c;
    }
  }
  return { shift, m2 };
}

/**
 * The n × (d + 1) design matrix [1, (x − mean) / std] with NaN imputed by the mean (so z = 0).
 * Memoised in `cache`: the means/stds are fixed after the stats round, so every Newton round of a
 * job reuses one matrix instead of rebuilding it. A single slot is kept so a stale design is dropped.
 *
 * @example
 * const z = designMatrix(rows, [0, 0], [1, 1], new Map()); // rows.n × 3
 */
export function designMatrix(
  rows: LocalRows,
  means: readonly number[],
  stds: readonly number[],
  cache: Map<string, unknown>,
): Float64Array {
  const { x, n, d } = rows;
  // Number → string round-trips exactly, so equal keys mean bit-identical standardisation.
  const key = `${n}x${d}|${means.join(',')}|${stds.join(',')}`;
  const cached = cache.get(DESIGN_SLOT) as CachedDesign | undefined;
  if (cached && cached.key === key) return cached.z;
  const p = d + 1;
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    z[i * p] = 1;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      z[i * p + j + 1] = Number.isNaN(v) ? 0 : (v - means[j]!) / stds[j]!;
    }
  }
  cache.set(DESIGN_SLOT, { key, z } satisfies CachedDesign);
  return z;
}

/**
 * One domain's Newton ingredients at β: exact float64 gradient Zᵀ(y − p), the curvature
 * Zᵀ diag(p(1 − p)) Z from `ops` (possibly float32), the negative log-likelihood and the row count.
 *
 * @example
 * const u = localNewton(rows, { beta, means, stds }, plainOps, new Map());
 * // u.grad.length === d + 1, u.hess.length === (d + 1) ** 2
 */
export function localNewton(
  rows: LocalRows,
  params: { beta: readonly number[]; means: readonly number[]; stds: readonly number[] },
  ops: DenseOps,
  cache: Map<string, unknown>,
): Update {
  const { y, n, d } = rows;
  const p = d + 1;
  const { beta } = params;
  const z = designMatrix(rows, params.means, params.stds, cache);
  const grad = new Array<number>(p).fill(0);
  const weights = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const base = i * p;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += z[base + j]! * beta[j]!;
    const mu = sigmoid(eta);
    const yi = y[i]!;
    // −log-likelihood of one row is softplus(η) − yη, which never evaluates log(0).
    loss += softplus(eta) - yi * eta;
    weights[i] = mu * (1 - mu);
    const r = yi - mu;
    for (let j = 0; j < p; j++) grad[j]! += r * z[base + j]!;
  }
  const hess = ops.xtwx(z, weights, n, p);
  if (hess.length !== p * p)
    throw new Error(`localNewton: ops.xtwx returned ${hess.length} values, expected ${p * p}`);
  return { grad, hess: Array.from(hess), loss: [loss], n: [n] };
}
