// WoE encoding: which bin a value falls in, and the rows × kept-features WoE matrix built from it.

import type { BinnedFeature } from './scorecard-bins.ts';

/**
 * What a domain or scorer needs to WoE-encode rows: per kept feature (input index `features[k]`)
 * the inner edges of its range bins, the WoE of every bin (range bins first, in order; then the
 * missing bin if any) and the bin a missing value maps to. Plain JSON, sent in Newton rounds.
 *
 * @example
 * const enc: WoeEncoder = { features: [0], edges: [[10, 20]], woe: [[-0.4, 0.1, 0.5]], missingBin: [0] };
 */
export interface WoeEncoder {
  features: number[];
  edges: number[][];
  woe: number[][];
  missingBin: number[];
}

/**
 * The range bin of a non-missing value: the number of edges ≤ v, so bin i is [edge_{i−1}, edge_i).
 *
 * @example
 * binIndex([10, 20], 10); // 1
 * binIndex([10, 20], 25); // 2
 */
export function binIndex(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bin of a value for kept feature k: the missing bin for NaN, else its range bin.
 *
 * @example
 * binOf(enc, 0, Number.NaN); // enc.missingBin[0]
 */
export function binOf(enc: WoeEncoder, k: number, v: number): number {
  return Number.isNaN(v) ? enc.missingBin[k]! : binIndex(enc.edges[k]!, v);
}

/**
 * The encoder of kept features: `kept[k]` is the binning of input feature `features[k]`. Range-bin
 * inner edges are the uppers of all but the last range bin.
 *
 * @example
 * encoderOf(state.features.map((j) => state.binned[j]!), state.features);
 */
export function encoderOf(
  kept: readonly Pick<BinnedFeature, 'bins' | 'missingBin'>[],
  features: readonly number[],
): WoeEncoder {
  if (kept.length !== features.length)
    throw new Error(`scorecard: ${kept.length} binnings for ${features.length} features`);
  return {
    features: [...features],
    edges: kept.map((f) =>
      f.bins
        .filter((b) => !b.missing)
        .slice(0, -1)
        .map((b) => b.upper!),
    ),
    woe: kept.map((f) => f.bins.map((b) => b.woe)),
    missingBin: kept.map((f) => f.missingBin),
  };
}

/**
 * Checks an encoder received as a round parameter against the input width d, failing loudly.
 *
 * @example
 * checkEncoder(instruction.params['encoder'], rows.d); // returns it typed, or throws
 */
export function checkEncoder(value: unknown, d: number): WoeEncoder {
  const enc = value as WoeEncoder;
  const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((e) => typeof e === 'number');
  const ok =
    typeof enc === 'object' &&
    enc !== null &&
    numbers(enc.features) &&
    numbers(enc.missingBin) &&
    Array.isArray(enc.edges) &&
    Array.isArray(enc.woe) &&
    [enc.edges, enc.woe, enc.missingBin].every((a) => a.length === enc.features.length) &&
    enc.features.every((j, k) => {
      const edges = enc.edges[k];
      const woe = enc.woe[k];
      if (!Number.isInteger(j) || j < 0 || j >= d || !numbers(edges) || !numbers(woe)) return false;
      const m = enc.missingBin[k]!;
      return woe.length >= edges.length + 1 && Number.isInteger(m) && m >= 0 && m < woe.length;
    });
  if (!ok) throw new Error(`scorecard: param 'encoder' is not a WoE encoder for ${d} features`);
  return enc;
}

/**
 * The n × m matrix of WoE values (m = kept features) of a row-major n × d matrix.
 *
 * @example
 * encodeWoe(rows.x, rows.n, rows.d, enc); // Float64Array(n · enc.features.length)
 */
export function encodeWoe(x: Float64Array, n: number, d: number, enc: WoeEncoder): Float64Array {
  if (x.length !== n * d) throw new Error(`scorecard: x has ${x.length} values, expected ${n}×${d}`);
  const m = enc.features.length;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      out[i * m + k] = enc.woe[k]![binOf(enc, k, x[i * d + enc.features[k]!]!)]!;
    }
  }
  return out;
}
