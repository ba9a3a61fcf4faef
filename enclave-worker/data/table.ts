// Loads a domain's datasets into one numeric feature table keyed by entity (joined on the entity key).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
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
 *
 * @example
 * const table = await loadFeatureTable(dir, manifest, ['tax.annual_tax_paid']);
 */
export async function loadFeatureTable(
  dir: string,
  manifest: DomainManifest,
  features: readonly string[],
): Promise<FeatureTable> {
  const byDataset = new Map<string, { column: string; j: number }[]>();
  features.forEach((f, j) => {
    const [ds, column] = f.split('.') as [string, string];
    const dataset = manifest.datasets.find((d) => d.name === ds);
    if (!dataset?.columns.some((c) => c.name === column && c.type === 'number')) {
      throw new Error(`feature ${f} is not a numeric column of domain ${manifest.id}`);
    }
    byDataset.set(ds, [...(byDataset.get(ds) ?? []), { column, j }]);
  });
  const d = features.length;
  const index = new Map<string, number>();
  const rows: Float64Array[] = [];
  for (const [name, cols] of byDataset) {
    const spec = manifest.datasets.find((x) => x.name === name)!;
    const text = await readFile(path.join(dir, spec.file), 'utf8');
    const lines = text.split('\n');
    const header = lines[0]!.trim().split(',');
    const keyAt = header.indexOf(spec.key);
    const at = cols.map(({ column, j }) => ({ i: header.indexOf(column), j }));
    if (keyAt < 0 || at.some((c) => c.i < 0))
      throw new Error(`${spec.file}: header does not match the manifest`);
    for (let li = 1; li < lines.length; li++) {
      const line = lines[li]!.trim();
      if (!line) continue;
      const cells = line.split(',');
      const entity = cells[keyAt]!;
      let r = index.get(entity);
      if (r === undefined) {
        r = rows.length;
        index.set(entity, r);
        rows.push(new Float64Array(d).fill(Number.NaN));
      }
      const row = rows[r]!;
      for (const { i, j } of at) {
        const cell = cells[i];
        row[j] = cell === undefined || cell === '' ? Number.NaN : Number(cell);
      }
    }
  }
  const x = new Float64Array(rows.length * d);
  rows.forEach((row, r) => {
    x.set(row, r * d);
  });
  return { features: [...features], index, x };
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
