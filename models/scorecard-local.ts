// Domain-side scorecard work: counts below grid points, good/bad counts per fine bin, Newton on WoE.

import { localNewton } from './logistic-local.ts';
import { binIndex, encodeWoe, type WoeEncoder } from './scorecard-encoder.ts';
import type { DenseOps, LocalRows, Update } from './strategy.ts';

/** Where the WoE rows of a job live in its enclave cache, with the logistic design cache they feed. */
const WOE_SLOT = 'scorecard:woe';

interface CachedWoe {
  key: string;
  rows: LocalRows;
  /** A private cache for `localNewton`, dropped with the WoE rows it was built from. */
  inner: Map<string, unknown>;
}

/**
 * Per feature, how many non-missing values lie strictly below each point (points ascending per
 * feature), flattened feature by feature into one additive `below` vector.
 *
 * @example
 * localCountsBelow({ x: new Float64Array([1, 5, NaN]), y: new Float64Array(3), n: 3, d: 1 }, [[0, 2, 9]]);
 * // { below: [0, 1, 2] }
 */
export function localCountsBelow(rows: LocalRows, points: readonly (readonly number[])[]): Update {
  const { x, n, d } = rows;
  if (points.length !== d) throw new Error(`scorecard: ${points.length} point lists for ${d} features`);
  const below: number[] = [];
  for (let j = 0; j < d; j++) {
    const p = points[j]!;
    for (let i = 1; i < p.length; i++) {
      if (!(p[i]! > p[i - 1]!))
        throw new Error(`scorecard: histogram points of feature ${j} are not ascending`);
    }
    // v < p_i exactly when i ≥ (number of points ≤ v): count per such index, then a prefix sum.
    const hits = new Array<number>(p.length + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]!;
      if (!Number.isNaN(v)) hits[binIndex(p, v)]! += 1;
    }
    let acc = 0;
    for (let i = 0; i < p.length; i++) {
      acc += hits[i]!;
      below.push(acc);
    }
  }
  return { below };
}

/**
 * Good (y = 0) and bad (y = 1) counts per fine bin: per feature edges.length + 1 range bins
 * [edge_{i−1}, edge_i), then its missing-value bin, flattened feature by feature.
 *
 * @example
 * localBinCounts({ x: new Float64Array([1, 5, NaN]), y: new Float64Array([0, 1, 1]), n: 3, d: 1 }, [[2]]);
 * // { good: [1, 0, 0], bad: [0, 1, 1] }
 */
export function localBinCounts(rows: LocalRows, edges: readonly (readonly number[])[]): Update {
  const { x, y, n, d } = rows;
  if (edges.length !== d) throw new Error(`scorecard: ${edges.length} edge lists for ${d} features`);
  const good: number[] = [];
  const bad: number[] = [];
  for (let j = 0; j < d; j++) {
    const e = edges[j]!;
    const base = good.length;
    const slots = e.length + 2;
    for (let s = 0; s < slots; s++) {
      good.push(0);
      bad.push(0);
    }
    for (let i = 0; i < n; i++) {
      const label = y[i]!;
      if (label !== 0 && label !== 1) throw new Error(`scorecard: label ${label} at row ${i} is not 0 or 1`);
      const v = x[i * d + j]!;
      const slot = base + (Number.isNaN(v) ? slots - 1 : binIndex(e, v));
      if (label === 1) bad[slot]! += 1;
      else good[slot]! += 1;
    }
  }
  return { good, bad };
}

/**
 * One Newton round of the regression on WoE: the rows are WoE-encoded once per job (cached), then
 * the logistic strategy's `localNewton` runs on them with means 0 and stds 1, i.e. unstandardised,
 * so the coefficients multiply WoE itself.
 *
 * @example
 * localWoeNewton(rows, beta, encoder, plainOps, cache); // { grad, hess, loss, n }
 */
export function localWoeNewton(
  rows: LocalRows,
  beta: readonly number[],
  enc: WoeEncoder,
  ops: DenseOps,
  cache: Map<string, unknown>,
): Update {
  const m = enc.features.length;
  if (beta.length !== m + 1) throw new Error(`scorecard: beta has ${beta.length} values, expected ${m + 1}`);
  const key = `${rows.n}x${rows.d}|${JSON.stringify(enc)}`;
  let cached = cache.get(WOE_SLOT) as CachedWoe | undefined;
  if (!cached || cached.key !== key) {
    const woeRows: LocalRows = { x: encodeWoe(rows.x, rows.n, rows.d, enc), y: rows.y, n: rows.n, d: m };
    cached = { key, rows: woeRows, inner: new Map() };
    cache.set(WOE_SLOT, cached);
  }
  const zeros = new Array<number>(m).fill(0);
  const ones = new Array<number>(m).fill(1);
  return localNewton(cached.rows, { beta, means: zeros, stds: ones }, ops, cached.inner);
}
