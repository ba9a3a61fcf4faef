// A dense, row-major numeric feature table for the enclave, built on the columnar domain loader.
import { loadDomainTable } from './columns.ts';
import type { DomainManifest } from './manifest.ts';

export interface FeatureTable {
  features: string[];
  /** Entity → row index. */
  index: Map<string, number>;
  /** Row-major rows × features; NaN = missing (absent from a dataset, empty or unparsable cell). */
  x: Float64Array;
}

/**
 * Reads the datasets holding `features` (`<dataset>.<column>`), joins them on the entity key and
 * returns a dense table. An entity absent from one dataset gets NaN for that dataset's columns.
 * Number, boolean (0/1) and date (days since 1970-01-01) columns can be features; a category column
 * or an unknown name throws before any file is read.
 *
 * @example
 * const table = await loadFeatureTable(dir, manifest, ['tax.annual_tax_paid']);
 */
export async function loadFeatureTable(
  dir: string,
  manifest: DomainManifest,
  features: readonly string[],
): Promise<FeatureTable> {
  for (const f of features) {
    const [ds, column] = f.split('.') as [string, string | undefined];
    const spec = manifest.datasets.find((d) => d.name === ds)?.columns.find((c) => c.name === column);
    if (!spec) throw new Error(`feature ${f} is not a column of domain ${manifest.id}`);
    if (spec.type === 'category') {
      throw new Error(
        `feature ${f} is a category column of domain ${manifest.id}; only number, boolean and date columns are numeric features`,
      );
    }
  }
  const table = await loadDomainTable(dir, manifest, features);
  const d = features.length;
  const n = table.entities.length;
  const x = new Float64Array(n * d);
  features.forEach((f, j) => {
    const col = table.columns.get(f)!;
    if (col.type === 'category') throw new Error(`feature ${f} is a category column`); // checked above
    const values = col.values;
    for (let r = 0; r < n; r++) x[r * d + j] = values[r]!;
  });
  return { features: [...features], index: table.index, x };
}

/**
 * Gathers the rows of `entities` (NaN rows for entities the domain does not hold).
 *
 * @example
 * const xs = gatherRows(table, ['9111…']);
 */
export function gatherRows(table: FeatureTable, entities: readonly string[]): Float64Array {
  const d = table.features.length;
  const out = new Float64Array(entities.length * d).fill(Number.NaN);
  entities.forEach((e, i) => {
    const r = table.index.get(e);
    if (r !== undefined) out.set(table.x.subarray(r * d, (r + 1) * d), i * d);
  });
  return out;
}
