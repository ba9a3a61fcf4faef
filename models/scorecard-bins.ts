// Coarse classing: merge fine bins until each is large, two-class (and WoE-monotone), after
// Siddiqi, "Credit Risk Scorecards" (2006), ch. 6; then WoE and IV per final bin.

import { WOE_SMOOTHING, woeAndIv } from './scorecard-woe.ts';

/**
 * One final bin. Range bins cover [lower, upper) with `null` for an unbounded end (JSON has no
 * ±Infinity); the dedicated missing bin, when there is one, is last, has `missing: true` and no range.
 * WoE = ln(%good / %bad): higher is safer.
 *
 * @example
 * const bin: WoeBin = { lower: 10, upper: 20, good: 480, bad: 40, woe: 0.31 };
 */
export interface WoeBin {
  lower: number | null;
  upper: number | null;
  missing?: boolean;
  good: number;
  bad: number;
  woe: number;
}

/**
 * A feature's final bins, the bin a missing value maps to, and its information value.
 *
 * @example
 * const f: BinnedFeature = { bins, missingBin: bins.length - 1, iv: 0.12 };
 */
export interface BinnedFeature {
  bins: WoeBin[];
  missingBin: number;
  iv: number;
}

/**
 * Merging rules: every final bin needs ≥ `minBinRows` rows and both classes; `monotonic` also
 * merges until WoE is monotone (either direction, whichever keeps more bins) over the range bins.
 *
 * @example
 * binFeature(edges, good, bad, { minBinRows: 50, monotonic: true });
 */
export interface BinningOptions {
  minBinRows: number;
  monotonic: boolean;
}

interface Group {
  lower: number | null;
  upper: number | null;
  good: number;
  bad: number;
  /** Whether missing values were folded into this bin. */
  takesMissing: boolean;
}

const S = WOE_SMOOTHING;
const size = (g: { good: number; bad: number }): number => g.good + g.bad;
/** WoE up to a constant shared by all bins of a feature, so enough to order bins. */
const logRatio = (g: Group): number => Math.log((g.good + S) / (g.bad + S));
const badRate = (g: Group): number => (g.bad + S) / (size(g) + 2 * S);
const weak = (g: { good: number; bad: number }, k: number): boolean =>
  size(g) < k || g.good === 0 || g.bad === 0;

/** Groups i and i + 1 replaced by their union. */
function mergeAt(groups: readonly Group[], i: number): Group[] {
  const a = groups[i]!;
  const b = groups[i + 1]!;
  const union: Group = {
    lower: a.lower,
    upper: b.upper,
    good: a.good + b.good,
    bad: a.bad + b.bad,
    takesMissing: a.takesMissing || b.takesMissing,
  };
  return [...groups.slice(0, i), union, ...groups.slice(i + 2)];
}

/**
 * Repeatedly merges the smallest weak bin (too few rows or one class) into the neighbour with the
 * nearer bad rate, so merged bins stay homogeneous; ties go to the smaller neighbour, then left.
 */
function mergeWeak(groups: readonly Group[], k: number): Group[] {
  let gs = [...groups];
  while (gs.length > 1) {
    let worst = -1;
    gs.forEach((g, i) => {
      if (weak(g, k) && (worst < 0 || size(g) < size(gs[worst]!))) worst = i;
    });
    if (worst < 0) break;
    let left = worst === gs.length - 1;
    if (worst > 0 && worst < gs.length - 1) {
      const [l, m, r] = [gs[worst - 1]!, gs[worst]!, gs[worst + 1]!];
      const dl = Math.abs(badRate(l) - badRate(m));
      const dr = Math.abs(badRate(r) - badRate(m));
      left = dl < dr || (dl === dr && size(l) <= size(r));
    }
    gs = mergeAt(gs, left ? worst - 1 : worst);
  }
  return gs;
}

/** Merges the first adjacent pair against `direction` until none is left (pool adjacent violators). */
function mergeMonotone(groups: readonly Group[], direction: 1 | -1): Group[] {
  let gs = [...groups];
  for (;;) {
    const i = gs.findIndex(
      (g, j) => j + 1 < gs.length && direction * (logRatio(gs[j + 1]!) - logRatio(g)) < 0,
    );
    if (i < 0) return gs;
    gs = mergeAt(gs, i);
  }
}

/** Monotone merging in the direction that keeps more bins (ties: higher IV, then increasing). */
function monotone(groups: readonly Group[]): { groups: Group[]; direction: 1 | -1 } {
  const up = mergeMonotone(groups, 1);
  const down = mergeMonotone(groups, -1);
  const better =
    down.length > up.length || (down.length === up.length && woeAndIv(down).iv > woeAndIv(up).iv);
  return better ? { groups: down, direction: -1 } : { groups: up, direction: 1 };
}

/**
 * Coarse-classes one feature from pooled counts on its fine bins: `good`/`bad` hold one count per
 * range bin [edge_{i−1}, edge_i) (edges.length + 1 of them), then the missing-value count.
 * A missing group too small for its own bin joins the riskiest range bin (lowest WoE) — withholding
 * a value must never earn points — and with no missing rows at all, missing values map there too.
 *
 * @example
 * const f = binFeature([10, 20], [300, 280, 250, 40], [20, 30, 45, 8], { minBinRows: 50, monotonic: false });
 * f.bins.length; // 3 range bins + a missing bin
 */
export function binFeature(
  edges: readonly number[],
  good: readonly number[],
  bad: readonly number[],
  options: BinningOptions,
): BinnedFeature {
  const r = edges.length + 1;
  if (good.length !== r + 1 || bad.length !== r + 1) {
    throw new Error(
      `scorecard: ${edges.length} edges need ${r + 1} counts, got ${good.length}/${bad.length}`,
    );
  }
  const k = options.minBinRows;
  let groups: Group[] = Array.from({ length: r }, (_, i) => ({
    lower: i === 0 ? null : edges[i - 1]!,
    upper: i === r - 1 ? null : edges[i]!,
    good: good[i]!,
    bad: bad[i]!,
    takesMissing: false,
  }));
  const missing = { good: good[r]!, bad: bad[r]! };
  groups = mergeWeak(groups, k);
  let direction: 1 | -1 = 1;
  if (options.monotonic) ({ groups, direction } = monotone(groups));
  // A lone range bin that is still weak cannot stand next to a missing bin: everything is one bin.
  const ownMissingBin = !weak(missing, k) && !(groups.length === 1 && weak(groups[0]!, k));
  if (!ownMissingBin) {
    let riskiest = 0;
    groups.forEach((g, i) => {
      if (logRatio(g) < logRatio(groups[riskiest]!)) riskiest = i;
    });
    const g = groups[riskiest]!;
    groups[riskiest] = { ...g, good: g.good + missing.good, bad: g.bad + missing.bad, takesMissing: true };
    // The absorbed rows shift that bin's WoE and may break the order again.
    if (options.monotonic) groups = mergeMonotone(groups, direction);
  }
  const counted = ownMissingBin ? [...groups, missing] : groups;
  const { woe, iv } = woeAndIv(counted);
  const bins: WoeBin[] = groups.map((g, i) => ({
    lower: g.lower,
    upper: g.upper,
    good: g.good,
    bad: g.bad,
    woe: woe[i]!,
  }));
  if (ownMissingBin)
    bins.push({ lower: null, upper: null, missing: true, ...missing, woe: woe[groups.length]! });
  const missingBin = ownMissingBin ? groups.length : groups.findIndex((g) => g.takesMissing);
  return { bins, missingBin, iv };
}
