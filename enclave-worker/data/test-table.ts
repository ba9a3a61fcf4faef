// Test helper: in-memory domain tables and one-dataset manifests, for tests that need no CSV files.
import type { Column, DomainTable } from './columns.ts';
import { DomainManifest } from './manifest.ts';

/**
 * A column declaration for `manifestFor`; category, sensitivity and description get test defaults.
 *
 * @example
 * const spec: TestColumnSpec = { name: 'x', type: 'number', unit: 'CNY' };
 */
export type TestColumnSpec = { name: string; type: string; sensitivity?: string; unit?: string };

/**
 * A parsed manifest with one dataset `ds` holding `columns`.
 *
 * @example
 * const manifest = manifestFor([{ name: 'x', type: 'number' }]); // feature 'ds.x'
 */
export function manifestFor(columns: TestColumnSpec[]): DomainManifest {
  return DomainManifest.parse({
    id: 'd-test',
    name: 'Test',
    regions: ['110000'],
    entityKey: 'opaque',
    keys: { publicKey: 'k.pub', privateKey: 'k.key' },
    datasets: [
      {
        name: 'ds',
        file: 'ds.csv',
        format: 'csv',
        key: 'id',
        columns: columns.map((c) => ({
          category: 'other',
          sensitivity: 'public',
          description: `about ${c.name}`,
          ...c,
        })),
      },
    ],
  });
}

/**
 * A table of `n` entities `e0…` holding `columns`.
 *
 * @example
 * const table = tableOf(3, [numberColumn('ds.x', [1, 2, NaN])]);
 */
export function tableOf(n: number, columns: Column[]): DomainTable {
  const entities = Array.from({ length: n }, (_, i) => `e${i}`);
  return {
    entities,
    index: new Map(entities.map((e, i) => [e, i])),
    columns: new Map(columns.map((c) => [c.name, c])),
    invalidKeys: 0,
    duplicateKeys: 0,
  };
}

/**
 * A number column (NaN = missing).
 *
 * @example
 * numberColumn('ds.x', [1, NaN]);
 */
export function numberColumn(name: string, values: number[]): Column {
  return { name, type: 'number', values: Float64Array.from(values) };
}

/**
 * A category column from per-row values ('' = missing), dictionary in first-seen order.
 *
 * @example
 * categoryColumn('ds.g', ['a', '', 'b']); // codes [0, -1, 1]
 */
export function categoryColumn(name: string, values: string[]): Column {
  const dictionary = [...new Set(values.filter((v) => v !== ''))];
  return { name, type: 'category', codes: Int32Array.from(values, (v) => dictionary.indexOf(v)), dictionary };
}
