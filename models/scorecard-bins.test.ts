// Tests for coarse classing (weak-bin merging, monotone WoE, missing values), WoE/IV and selection.
import { describe, expect, it } from 'vitest';
import { binFeature, type WoeBin } from './scorecard-bins.ts';
import { selectFeatures, WOE_SMOOTHING, woeAndIv } from './scorecard-woe.ts';

const opts = { minBinRows: 50, monotonic: false };

/** Range bins tile the line: first lower and last upper unbounded, each upper the next lower. */
function expectContiguous(bins: readonly WoeBin[]): void {
  const range = bins.filter((b) => !b.missing);
  expect(range[0]!.lower).toBeNull();
  expect(range[range.length - 1]!.upper).toBeNull();
  for (let i = 1; i < range.length; i++) expect(range[i]!.lower).toBe(range[i - 1]!.upper);
}

describe('woeAndIv', () => {
  it('is ln(%good / %bad) with 0.5 smoothing, and IV = Σ (%good − %bad) · WoE', () => {
    const { woe, iv } = woeAndIv([
      { good: 90, bad: 10 },
      { good: 60, bad: 40 },
    ]);
    const s = WOE_SMOOTHING;
    const pg = [90.5 / (150 + 2 * s), 60.5 / (150 + 2 * s)];
    const pb = [10.5 / (50 + 2 * s), 40.5 / (50 + 2 * s)];
    expect(woe[0]).toBeCloseTo(Math.log(pg[0]! / pb[0]!), 14);
    expect(woe[1]).toBeCloseTo(Math.log(pg[1]! / pb[1]!), 14);
    expect(iv).toBeCloseTo((pg[0]! - pb[0]!) * woe[0]! + (pg[1]! - pb[1]!) * woe[1]!, 14);
  });

  it('stays finite for a bin without bads and gives IV 0 for identical distributions', () => {
    expect(
      Number.isFinite(
        woeAndIv([
          { good: 10, bad: 0 },
          { good: 5, bad: 5 },
        ]).woe[0]!,
      ),
    ).toBe(true);
    expect(
      woeAndIv([
        { good: 80, bad: 20 },
        { good: 40, bad: 10 },
      ]).iv,
    ).toBeCloseTo(0, 3);
  });
});

describe('binFeature', () => {
  it('merges bins until each has ≥ minBinRows rows and both classes, keeping totals', () => {
    const edges = [1, 2, 3, 4, 5];
    const good = [200, 30, 0, 180, 150, 120, 60];
    const bad = [20, 5, 12, 0, 30, 40, 9];
    const f = binFeature(edges, good, bad, opts);
    for (const b of f.bins) {
      expect(b.good + b.bad).toBeGreaterThanOrEqual(50);
      expect(b.good).toBeGreaterThan(0);
      expect(b.bad).toBeGreaterThan(0);
    }
    expect(f.bins.reduce((s, b) => s + b.good, 0)).toBe(740);
    expect(f.bins.reduce((s, b) => s + b.bad, 0)).toBe(116);
    expectContiguous(f.bins);
    expect(f.bins[f.missingBin]!.missing).toBe(true);
    expect(f.iv).toBeGreaterThan(0);
  });

  it('merges a weak bin into the neighbour with the nearer bad rate', () => {
    // Bin 1 (bad rate 50%) sits between a 5% and a 45% bin: it joins the 45% one.
    const f = binFeature([1, 2], [190, 10, 110, 0], [10, 10, 90, 0], opts);
    expect(f.bins.map((b) => [b.lower, b.upper])).toEqual([
      [null, 1],
      [1, null],
    ]);
  });

  it('with monotonic, merges until WoE is monotone (in the direction keeping more bins)', () => {
    const good = [100, 300, 120, 250, 300, 280, 0];
    const bad = [60, 40, 50, 30, 20, 30, 0];
    const plain = binFeature([1, 2, 3, 4, 5], good, bad, opts);
    const mono = binFeature([1, 2, 3, 4, 5], good, bad, { ...opts, monotonic: true });
    const woe = (bins: WoeBin[]) => bins.filter((b) => !b.missing).map((b) => b.woe);
    const increasing = (w: number[]) => w.every((v, i) => i === 0 || v >= w[i - 1]!);
    expect(increasing(woe(plain.bins))).toBe(false);
    expect(increasing(woe(mono.bins))).toBe(true);
    expect(mono.bins.length).toBeLessThan(plain.bins.length);
    expectContiguous(mono.bins);
  });

  it('folds a small missing group into the riskiest range bin', () => {
    const f = binFeature([1, 2], [300, 200, 100, 20], [10, 30, 60, 5], opts);
    expect(f.bins.some((b) => b.missing)).toBe(false);
    const riskiest = f.bins.reduce((r, b, i) => (b.woe < f.bins[r]!.woe ? i : r), 0);
    expect(f.missingBin).toBe(riskiest);
    expect(f.bins[riskiest]).toMatchObject({ good: 120, bad: 65 });
  });

  it('maps missing values to the riskiest bin when training saw none', () => {
    const f = binFeature([1, 2], [100, 300, 200, 0], [60, 10, 30, 0], opts);
    expect(f.missingBin).toBe(0);
    expect(f.bins).toHaveLength(3);
  });

  it('keeps a dedicated missing bin when it is large enough', () => {
    const f = binFeature([1], [300, 200, 80], [20, 30, 40], opts);
    expect(f.bins).toHaveLength(3);
    expect(f.bins[2]).toMatchObject({ lower: null, upper: null, missing: true, good: 80, bad: 40 });
    expect(f.missingBin).toBe(2);
  });

  it('puts everything in one bin when the values cannot form a valid bin', () => {
    // A single-class feature: no merge can give a bin with both classes, so all rows share a bin.
    const f = binFeature([1, 2], [0, 0, 0, 0], [100, 80, 60, 70], opts);
    expect(f.bins).toHaveLength(1);
    expect(f.bins[0]).toMatchObject({ lower: null, upper: null, good: 0, bad: 310 });
    expect(f.missingBin).toBe(0);
    expect(f.iv).toBeCloseTo(0, 12);
  });

  it('rejects counts that do not match the edges', () => {
    expect(() => binFeature([1], [1, 2], [1, 2], opts)).toThrow(/1 edges need 3 counts/);
  });
});

describe('selectFeatures', () => {
  it('keeps features with IV ≥ minIv, or the single best one when none qualifies', () => {
    expect(selectFeatures([{ iv: 0.3 }, { iv: 0.001 }, { iv: 0.05 }], 0.02)).toEqual([0, 2]);
    expect(selectFeatures([{ iv: 0.001 }, { iv: 0.004 }, { iv: 0.004 }], 0.02)).toEqual([1]);
    expect(selectFeatures([], 0.02)).toEqual([]);
  });
});
