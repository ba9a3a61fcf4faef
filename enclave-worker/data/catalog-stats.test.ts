// Tests of catalog statistics: exact values, small tables, columns not loaded, bad k.
import { describe, expect, it } from 'vitest';
import { catalogStats } from './catalog-stats.ts';
import { categoryColumn as cat, manifestFor, numberColumn as num, tableOf } from './test-table.ts';

describe('catalogStats values', () => {
  it('publishes rows, missing rate, mean, sample std and large-enough categories', () => {
    const NaN_ = Number.NaN;
    const manifest = manifestFor([
      { name: 'x', type: 'number', unit: 'CNY' },
      { name: 'g', type: 'category' },
      { name: 'b', type: 'boolean' },
      { name: 'id2', type: 'category', sensitivity: 'identifier' },
    ]);
    const table = tableOf(8, [
      num('ds.x', [1, 2, 3, 4, 5, NaN_, NaN_, 7]),
      cat('ds.g', ['a', 'a', 'a', 'b', 'b', 'b', 'c', '']),
      { name: 'ds.b', type: 'boolean', values: Float64Array.from([1, 0, 1, NaN_, 1, 1, 0, 0]) },
      cat('ds.id2', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']),
    ]);
    const [x, g, b, id2] = catalogStats(table, manifest, 3);
    expect(x).toEqual({
      name: 'ds.x',
      type: 'number',
      category: 'other',
      sensitivity: 'public',
      description: 'about x',
      unit: 'CNY',
      rows: 8,
      missingRate: 0.25,
      mean: 22 / 6,
      std: Math.sqrt([1, 2, 3, 4, 5, 7].reduce((acc, v) => acc + (v - 22 / 6) ** 2, 0) / 5),
    });
    // 'c' has one row: withheld; that leaves a residual of 1 (< k), so 'b' (3 rows) is withheld too.
    expect(g).toMatchObject({
      rows: 8,
      missingRate: 0.125,
      categories: [{ value: 'a', count: 3 }],
      suppressedCategories: 2,
    });
    expect(b).toMatchObject({ rows: 8, missingRate: 0.125 });
    expect(b).not.toHaveProperty('mean');
    expect(id2).toEqual({
      name: 'ds.id2',
      type: 'category',
      category: 'other',
      sensitivity: 'identifier',
      description: 'about id2',
    });
  });

  it('omits everything numeric when the table has fewer than k rows, and columns it did not load', () => {
    const manifest = manifestFor([
      { name: 'x', type: 'number' },
      { name: 'y', type: 'number' },
    ]);
    const [x, y] = catalogStats(tableOf(4, [num('ds.x', [1, 2, 3, 4])]), manifest, 5);
    expect(Object.keys(x!).sort()).toEqual(['category', 'description', 'name', 'sensitivity', 'type']);
    expect(Object.keys(y!).sort()).toEqual(['category', 'description', 'name', 'sensitivity', 'type']);
  });

  it('rejects a k that is not a positive integer', () => {
    expect(() => catalogStats(tableOf(1, []), manifestFor([{ name: 'x', type: 'number' }]), 0)).toThrow(
      RangeError,
    );
    expect(() => catalogStats(tableOf(1, []), manifestFor([{ name: 'x', type: 'number' }]), 2.5)).toThrow(
      RangeError,
    );
  });
});
