// Catalog statistics a domain may publish: schema plus aggregates, none computed from fewer than k rows.
import type { Column, DomainTable } from './columns.ts';
import type { ColumnSpec, DomainManifest } from './manifest.ts';

/**
 * One feature as the catalog shows it. Every statistic is optional: it is left out whenever the rows
 * behind it would be fewer than k. Never min/max (they are single raw values).
 *
 * @example
 * const f: CatalogFeatureStats = { name: 'tax.annual_tax_paid', type: 'number', category: 'tax',
 *   sensitivity: 'restricted', description: '…', unit: '10k CNY', rows: 5120, missingRate: 0.04, mean: 31.2, std: 80.5 };
 */
export interface CatalogFeatureStats {
  name: string;
  type: ColumnSpec['type'];
  category: ColumnSpec['category'];
  sensitivity: ColumnSpec['sensitivity'];
  description: string;
  unit?: string;
  /** Rows of the domain table (entities); only when ≥ k. */
  rows?: number;
  /** Share of those rows with no value; only when rows ≥ k. */
  missingRate?: number;
  /** Number columns with ≥ k values only. */
  mean?: number;
  /** Sample standard deviation; number columns with ≥ k (and ≥ 2) values only. */
  std?: number;
  /** Category values held by ≥ k rows, most frequent first. */
  categories?: { value: string; count: number }[];
  /** How many distinct values were withheld; only when the rows they hold are 0 or ≥ k. */
  suppressedCategories?: number;
}

function numberStats(values: Float64Array, k: number): { mean?: number; std?: number } {
  let m = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    m++;
    sum += v;
  }
  if (m < k || m === 0) return {};
  const mean = sum / m;
  if (m < 2) return { mean };
  // Second pass around the mean: no catastrophic cancellation for large, tightly spread values.
  let squares = 0;
  for (const v of values) if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / (m - 1)) };
}

/**
 * Values with ≥ k rows. Withheld values would still show through as a residual (rows − missing − the
 * published counts), so when that residual is between 1 and k−1, the smallest published values are
 * withheld too (secondary suppression) until it is 0 or ≥ k.
 */
function categoryStats(column: Extract<Column, { type: 'category' }>, k: number) {
  const counts = new Array<number>(column.dictionary.length).fill(0);
  for (const code of column.codes) if (code >= 0) counts[code]!++;
  const present = column.dictionary
    .map((value, code) => ({ value, count: counts[code]! }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  const published = present.filter((c) => c.count >= k);
  let withheld = present.length - published.length;
  let residual = present.reduce((s, c) => s + (c.count < k ? c.count : 0), 0);
  while (residual > 0 && residual < k && published.length > 0) {
    residual += published.pop()!.count;
    withheld++;
  }
  const safe = residual === 0 || residual >= k;
  return safe ? { categories: published, suppressedCategories: withheld } : { categories: published };
}

function missingCount(column: Column): number {
  let missing = 0;
  if (column.type === 'category') {
    for (const code of column.codes) if (code < 0) missing++;
  } else {
    for (const v of column.values) if (Number.isNaN(v)) missing++;
  }
  return missing;
}

/**
 * Catalog entries for every column the manifest declares, in manifest order, with statistics from
 * `table` under the rule that no published number rests on fewer than `k` rows: `rows`/`missingRate`
 * only if the table has ≥ k rows; `mean`/`std` only for number columns with ≥ k values; category
 * counts only for values with ≥ k rows (see secondary suppression above). Identifier columns, and
 * columns the table did not load, publish their schema only.
 *
 * @example
 * const entries = catalogStats(await loadDomainTable(dir, manifest), manifest, 10);
 */
export function catalogStats(table: DomainTable, manifest: DomainManifest, k: number): CatalogFeatureStats[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const n = table.entities.length;
  return manifest.datasets.flatMap((ds) =>
    ds.columns.map((spec): CatalogFeatureStats => {
      const name = `${ds.name}.${spec.name}`;
      const entry: CatalogFeatureStats = {
        name,
        type: spec.type,
        category: spec.category,
        sensitivity: spec.sensitivity,
        description: spec.description,
        ...(spec.unit !== undefined ? { unit: spec.unit } : {}),
      };
      const column = table.columns.get(name);
      if (spec.sensitivity === 'identifier' || !column) return entry;
      if (n >= k) {
        entry.rows = n;
        entry.missingRate = missingCount(column) / n;
      }
      if (column.type === 'number') Object.assign(entry, numberStats(column.values, k));
      if (column.type === 'category') Object.assign(entry, categoryStats(column, k));
      return entry;
    }),
  );
}
