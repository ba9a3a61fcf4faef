// Tests for federated quantiles: the nice candidate grid, refinement, edge choice, and domain counts.
import { describe, expect, it } from 'vitest';
import { binIndex } from './scorecard-encoder.ts';
import {
  absorbCounts,
  type FeatureGrid,
  initialGrid,
  pendingPoints,
  quantileEdges,
} from './scorecard-grid.ts';
import { localBinCounts, localCountsBelow } from './scorecard-local.ts';
import type { LocalRows } from './strategy.ts';
import { seededRandom } from './testing/random.ts';

const column = (values: number[]): LocalRows => ({
  x: Float64Array.from(values),
  y: new Float64Array(values.length),
  n: values.length,
  d: 1,
});

/** Runs histogram rounds on one column until the grid is final; returns edges and rounds. */
function quantiles(values: number[], bins: number): { edges: number[]; rounds: number; grid: FeatureGrid } {
  const present = values.filter((v) => !Number.isNaN(v));
  const mean = present.reduce((s, v) => s + v, 0) / present.length;
  const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length);
  let grid = initialGrid(mean, std, present.length);
  let rounds = 0;
  while (grid.pending.length > 0) {
    const { below } = localCountsBelow(column(values), [pendingPoints(grid)]);
    grid = absorbCounts(grid, below!, bins);
    rounds++;
  }
  return { edges: quantileEdges(grid, bins), rounds, grid };
}

describe('initialGrid', () => {
  it('proposes 65 round-numbered points around mean ± 5 std', () => {
    const points = pendingPoints(initialGrid(0, 1, 10));
    expect(points).toHaveLength(65);
    expect(points[0]).toBe(-6.4);
    expect(points[1]).toBe(-6.2);
    expect(points[64]).toBe(6.4);
    const income = pendingPoints(initialGrid(52_317.4, 19_870, 5000));
    expect(income.every((p) => p % 2500 === 0)).toBe(true);
  });

  it('proposes nothing for a feature without values', () => {
    expect(initialGrid(0, 1, 0).pending).toEqual([]);
  });
});

describe('federated quantiles', () => {
  it('gives near-equal-mass bins for skewed continuous data within three rounds', () => {
    const rng = seededRandom(3);
    const values = Array.from({ length: 20_000 }, () => Math.exp(1 + 0.8 * rng.normal()));
    const { edges, rounds } = quantiles(values, 10);
    expect(rounds).toBeLessThanOrEqual(3);
    expect(edges).toHaveLength(9);
    const counts = new Array<number>(10).fill(0);
    for (const v of values) counts[binIndex(edges, v)]! += 1;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(2000 / 4);
    // Edges are grid points: short decimals, never a data value.
    for (const e of edges) expect(String(e).length).toBeLessThan(12);
  });

  it('cuts a count feature halfway between its integers', () => {
    const values = [...new Array(700).fill(0), ...new Array(200).fill(1), ...new Array(100).fill(2)];
    expect(quantiles(values, 10).edges).toEqual([0.5, 1.5]);
  });

  it('ignores missing values and yields no edges for a constant feature', () => {
    expect(quantiles([3, 3, Number.NaN, 3], 5).edges).toEqual([]);
  });

  it('rejects a count vector of the wrong length', () => {
    expect(() => absorbCounts(initialGrid(0, 1, 10), [1, 2], 10)).toThrow(/2 histogram counts for 65/);
  });
});

describe('domain counts', () => {
  it('counts non-missing values strictly below each point', () => {
    expect(localCountsBelow(column([1, 5, Number.NaN, 2]), [[0, 2, 9]])).toEqual({ below: [0, 1, 3] });
    expect(() => localCountsBelow(column([1]), [[2, 1]])).toThrow(/not ascending/);
  });

  it('counts goods and bads per fine bin [edge_{i−1}, edge_i), then missing', () => {
    const rows: LocalRows = {
      x: Float64Array.from([1, 2, 5, Number.NaN, 2]),
      y: Float64Array.from([0, 1, 1, 1, 0]),
      n: 5,
      d: 1,
    };
    expect(localBinCounts(rows, [[2]])).toEqual({ good: [1, 1, 0], bad: [0, 2, 1] });
    expect(() => localBinCounts({ ...rows, y: Float64Array.from([0, 2, 0, 0, 0]) }, [[2]])).toThrow(
      /label 2 at row 1/,
    );
  });
});
