// Property test of catalog statistics: over random tables, no published number rests on fewer than k rows.
import { describe, expect, it } from 'vitest';
import { type CatalogFeatureStats, catalogStats } from './catalog-stats.ts';
import type { Column } from './columns.ts';
import { categoryColumn as cat, manifestFor, numberColumn as num, tableOf } from './test-table.ts';

/** Seeded generator so a failure is reproducible. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

const ALLOWED = new Set([
  'name',
  'type',
  'category',
  'sensitivity',
  'description',
  'unit',
  'rows',
  'missingRate',
  'mean',
  'std',
  'categories',
  'suppressedCategories',
]);

/** Recomputes, from the raw column, the rows behind every number in `entry`; fails if any is under k. */
function assertBacked(entry: CatalogFeatureStats, column: Column, n: number, k: number): number {
  let checks = 0;
  for (const key of Object.keys(entry)) expect(ALLOWED.has(key), key).toBe(true);
  if (entry.sensitivity === 'identifier') {
    expect(
      Object.keys(entry).filter(
        (key) => !['name', 'type', 'category', 'sensitivity', 'description', 'unit'].includes(key),
      ),
    ).toEqual([]);
    return 1;
  }
  const missing =
    column.type === 'category'
      ? [...column.codes].filter((c) => c < 0).length
      : [...column.values].filter(Number.isNaN).length;
  if (n >= k) {
    expect(entry.rows).toBe(n);
    expect(entry.missingRate).toBe(missing / n);
  } else {
    expect(entry.rows).toBeUndefined();
    expect(entry.missingRate).toBeUndefined();
  }
  if (column.type === 'number') {
    const present = [...column.values].filter((v) => !Number.isNaN(v));
    if (entry.mean !== undefined) {
      expect(present.length).toBeGreaterThanOrEqual(k);
      expect(entry.mean).toBeCloseTo(present.reduce((s, v) => s + v, 0) / present.length, 9);
      checks++;
    } else expect(present.length < k).toBe(true);
    if (entry.std !== undefined) expect(present.length).toBeGreaterThanOrEqual(Math.max(k, 2));
  }
  if (column.type === 'category') {
    const counts = new Map<string, number>();
    for (const c of column.codes)
      if (c >= 0) counts.set(column.dictionary[c]!, (counts.get(column.dictionary[c]!) ?? 0) + 1);
    let published = 0;
    for (const { value, count } of entry.categories ?? []) {
      expect(count).toBe(counts.get(value));
      expect(count).toBeGreaterThanOrEqual(k);
      published += count;
      checks++;
    }
    // What the categories let one derive: rows in withheld values = present − published counts. (With
    // nothing published, that is just the present count, which rows and missingRate state anyway.)
    const residual = n - missing - published;
    if (n >= k && published > 0) {
      expect(residual === 0 || residual >= k, `residual ${residual} with k ${k}`).toBe(true);
    }
    if (entry.suppressedCategories !== undefined) {
      expect(residual === 0 || residual >= k).toBe(true);
      expect(entry.suppressedCategories).toBe(counts.size - (entry.categories ?? []).length);
    }
  }
  return checks;
}

describe('catalogStats never publishes a number backed by fewer than k rows', () => {
  it('holds over many random tables with small groups, small tables and sparse columns', () => {
    const r = rng(2024);
    let checks = 0;
    let smallTables = 0;
    let suppressed = 0;
    for (let trial = 0; trial < 400; trial++) {
      const k = 2 + Math.floor(r() * 9);
      // Group sizes mostly under k, a few at or above it; sometimes the whole table is under k.
      const sizes = Array.from({ length: 1 + Math.floor(r() * 6) }, () =>
        r() < 0.7 ? 1 + Math.floor(r() * (k - 1)) : k + Math.floor(r() * 2 * k),
      );
      const values = sizes.flatMap((size, g) => new Array<string>(size).fill(`v${g}`));
      const n = values.length + Math.floor(r() * 3); // a few rows with the category missing
      if (n < k) smallTables++;
      while (values.length < n) values.push('');
      const sparseCount = Math.floor(r() * 2 * k);
      const dense = Array.from({ length: n }, () => (r() < 0.1 ? Number.NaN : r() * 1000 - 200));
      const sparse = Array.from({ length: n }, (_, i) => (i < sparseCount ? r() * 10 : Number.NaN));
      const manifest = manifestFor([
        { name: 'grp', type: 'category' },
        { name: 'dense', type: 'number' },
        { name: 'sparse', type: 'number' },
        { name: 'ident', type: 'number', sensitivity: 'identifier' },
        { name: 'flag', type: 'boolean' },
      ]);
      const columns = [
        cat('ds.grp', values),
        num('ds.dense', dense),
        num('ds.sparse', sparse),
        num(
          'ds.ident',
          Array.from({ length: n }, (_, i) => i),
        ),
        {
          name: 'ds.flag',
          type: 'boolean' as const,
          values: Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)),
        },
      ];
      const entries = catalogStats(tableOf(n, columns), manifest, k);
      expect(entries.map((e) => e.name)).toEqual(columns.map((c) => c.name));
      entries.forEach((entry, i) => {
        checks += assertBacked(entry, columns[i]!, n, k);
      });
      suppressed += entries[0]!.suppressedCategories ?? 0;
    }
    // The generator really exercised the edges, and plenty of statistics were checked.
    expect(smallTables).toBeGreaterThan(5);
    expect(suppressed).toBeGreaterThan(100);
    expect(checks).toBeGreaterThan(500);
  });
});
