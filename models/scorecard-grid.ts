// Federated approximate quantiles: counts below a grid of candidate points, refined where needed.
//
// The coordinator never sees a value, a minimum or a maximum: it proposes candidate points from the
// federated mean and std dev, domains return how many of their values lie below each point, and the
// pooled counts (an empirical CDF on the grid) place the bin edges. Grid points are "nice" multiples
// of a 1-2-2.5-5 step, so edges read well in a points table and depend on the moments only through
// that rounding (the federated and the pooled fit get bit-identical edges). Brackets around a target
// quantile that hold too many rows are split 16 ways, at most twice: the fine classing step of
// Siddiqi, "Credit Risk Scorecards" (2006), ch. 6, done on pooled histograms.

/** Coarse candidate points on each side of the mean: 2·32 + 1 = 65 points. */
const HALF_POINTS = 32;
/** The coarse grid spans mean ± 5 std: by Chebyshev at most 4% of values fall outside it. */
const SPAN_STDS = 5;
/** Each refinement splits a bracket into this many parts. */
const SPLIT = 16;
/** Integer ticks per coarse step: SPLIT² allows exactly two refinements of integer brackets. */
const TICKS = SPLIT * SPLIT;

/**
 * One feature's grid: the coarse step is `num / den` (integers, so every point is one correctly
 * rounded division), points are integer `ticks` of step/256, `below[i]` is the pooled count of
 * non-missing values < the point of `ticks[i]`, and `pending` holds the ticks asked this round.
 *
 * @example
 * const g: FeatureGrid = { num: 1, den: 2, count: 900, ticks: [], below: [], pending: [0, 256] };
 */
export interface FeatureGrid {
  num: number;
  den: number;
  count: number;
  ticks: number[];
  below: number[];
  pending: number[];
}

/** A 1-2-2.5-5 × 10^e step near `raw`, as num/den with den = 2 · 10^max(0, −e). */
function niceStep(raw: number): { num: number; den: number } {
  const safe = raw > 1e-200 && raw < 1e200 ? raw : 1;
  const e = Math.floor(Math.log10(safe));
  const f = safe / 10 ** e;
  // Twice the mantissa (2, 4, 5, 10, 20) is an integer, so 2.5 × 10^e stays exact.
  const twice = f < 1.5 ? 2 : f < 2.25 ? 4 : f < 3.5 ? 5 : f < 7.5 ? 10 : 20;
  return e >= 0 ? { num: twice * 10 ** e, den: 2 } : { num: twice, den: 2 * 10 ** -e };
}

/**
 * The value of a grid tick: tick · num / (den · 256), one rounding of exact integers.
 *
 * @example
 * tickValue({ num: 1, den: 2, count: 0, ticks: [], below: [], pending: [] }, 512); // 1
 */
export function tickValue(grid: FeatureGrid, tick: number): number {
  return (tick * grid.num) / (grid.den * TICKS);
}

/**
 * The coarse grid for a feature from its federated moments: 65 nice points covering mean ± 5 std.
 * A feature with no values gets no points (all its rows go to the missing bin).
 *
 * @example
 * initialGrid(40, 12, 1000).pending.length; // 65
 */
export function initialGrid(mean: number, std: number, count: number): FeatureGrid {
  const { num, den } = niceStep((2 * SPAN_STDS * std) / (2 * HALF_POINTS));
  const centre = Math.round((mean * den) / num);
  const pending: number[] = [];
  if (count > 0 && Number.isFinite(centre)) {
    for (let i = -HALF_POINTS; i <= HALF_POINTS; i++) pending.push((centre + i) * TICKS);
  }
  return { num, den, count, ticks: [], below: [], pending };
}

/**
 * The pending points' values, in the order their counts must come back.
 *
 * @example
 * pendingPoints(initialGrid(0, 1, 10)); // nice step 0.2: [-6.4, -6.2, …, 6.4]
 */
export function pendingPoints(grid: FeatureGrid): number[] {
  return grid.pending.map((t) => tickValue(grid, t));
}

/** Target counts k·count/bins, k = 1 … bins − 1. */
function targets(count: number, bins: number): number[] {
  return Array.from({ length: bins - 1 }, (_, k) => ((k + 1) * count) / bins);
}

/**
 * Folds the pooled counts for the pending points into the known CDF, then asks for a 16-way split of
 * every bracket around a target quantile that holds more than a quarter of a target bin (and can
 * still be split). An empty `pending` in the result means the grid is final.
 *
 * @example
 * let g = absorbCounts(grid, pooledBelow, 10);
 * if (g.pending.length === 0) edges = quantileEdges(g, 10);
 */
export function absorbCounts(grid: FeatureGrid, below: readonly number[], bins: number): FeatureGrid {
  if (below.length !== grid.pending.length) {
    throw new Error(`scorecard: ${below.length} histogram counts for ${grid.pending.length} points`);
  }
  const known = new Map<number, number>();
  grid.ticks.forEach((t, i) => {
    known.set(t, grid.below[i]!);
  });
  grid.pending.forEach((t, i) => {
    known.set(t, below[i]!);
  });
  const ticks = [...known.keys()].sort((a, b) => a - b);
  const counts = ticks.map((t) => known.get(t)!);
  const asks = new Set<number>();
  const tolerance = grid.count / (4 * bins);
  for (const target of targets(grid.count, bins)) {
    // a: the last point with at most `target` values below it; b = a + 1 brackets the quantile.
    let a = -1;
    while (a + 1 < counts.length && counts[a + 1]! <= target) a++;
    const b = a + 1;
    if (a < 0 || b >= counts.length || counts[a] === target) continue;
    const width = ticks[b]! - ticks[a]!;
    if (counts[b]! - counts[a]! <= tolerance || width < SPLIT || width % SPLIT !== 0) continue;
    for (let j = 1; j < SPLIT; j++) asks.add(ticks[a]! + (j * width) / SPLIT);
  }
  const pending = [...asks].sort((x, y) => x - y);
  return { ...grid, ticks, below: counts, pending };
}

/** How coarse a tick's grid level is: 2 for coarse points, 1 after one refinement, else 0. */
const coarseness = (tick: number): number => (tick % TICKS === 0 ? 2 : tick % SPLIT === 0 ? 1 : 0);

/**
 * Among the run of known points with the same count as point i (they split the pooled rows
 * identically), the coarsest one nearest the middle of the run: a gap between values, such as
 * between 0 and 1 of a count feature, is then cut near its middle at a round number (0.5), not
 * just above 0 where the refinement happened to look.
 */
function centreOfRun(ticks: readonly number[], below: readonly number[], i: number): number {
  let lo = i;
  let hi = i;
  while (lo > 0 && below[lo - 1] === below[i]) lo--;
  while (hi + 1 < ticks.length && below[hi + 1] === below[i]) hi++;
  const middle = (ticks[lo]! + ticks[hi]!) / 2;
  let best = lo;
  for (let j = lo + 1; j <= hi; j++) {
    const c = coarseness(ticks[j]!) - coarseness(ticks[best]!);
    if (c > 0 || (c === 0 && Math.abs(ticks[j]! - middle) < Math.abs(ticks[best]! - middle))) best = j;
  }
  return best;
}

/**
 * Bin edges from the known CDF: for each target quantile the point whose count is nearest (ties:
 * the lower point; then the centre of its equal-count run), dropped when it would leave an empty
 * bin (no values below or above it, or the same count as the previous edge). Edges are ascending;
 * bin i is [edge_{i−1}, edge_i).
 *
 * @example
 * quantileEdges(absorbCounts(grid, pooledBelow, 10), 10); // up to 9 ascending edges
 */
export function quantileEdges(grid: FeatureGrid, bins: number): number[] {
  const { ticks, below, count } = grid;
  const chosen = new Set<number>();
  for (const target of targets(count, bins)) {
    let best = -1;
    for (let i = 0; i < ticks.length; i++) {
      if (best < 0 || Math.abs(below[i]! - target) < Math.abs(below[best]! - target)) best = i;
    }
    if (best >= 0) chosen.add(centreOfRun(ticks, below, best));
  }
  const edges: number[] = [];
  let lastCount = 0;
  for (const i of [...chosen].sort((x, y) => x - y)) {
    const c = below[i]!;
    const value = tickValue(grid, ticks[i]!);
    if (c <= lastCount || c >= count || (edges.length > 0 && value <= edges[edges.length - 1]!)) continue;
    edges.push(value);
    lastCount = c;
  }
  return edges;
}
