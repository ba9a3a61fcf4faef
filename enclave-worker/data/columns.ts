// Streaming columnar loader: a domain's CSV datasets, outer-joined on the entity key, into typed arrays.
import { isValidUscc } from '../../client-sdk/contract/uscc.ts';
import { trimRange } from './cell-parse.ts';
import { ColumnBuilder } from './column-builder.ts';
import { type DatasetLayout, domainPath, readCsvFile, resolveLayout, rowStrings } from './csv-file.ts';
import type { CsvRow } from './csv-tokenizer.ts';
import type { DatasetSpec, DomainManifest } from './manifest.ts';

/**
 * A loaded column. Numeric-valued types share one representation (NaN = missing): booleans are 0/1,
 * dates are days since 1970-01-01 UTC. Categories are dictionary codes (-1 = missing).
 *
 * @example
 * const col: Column = { name: 'tax.annual_tax_paid', type: 'number', values: new Float64Array([1.5, NaN]) };
 */
export type Column =
  | { name: string; type: 'number' | 'boolean' | 'date'; values: Float64Array }
  | { name: string; type: 'category'; codes: Int32Array; dictionary: string[] };

/**
 * A domain's rows, one per entity, columns keyed by `<dataset>.<column>`.
 *
 * Rows whose key is not a valid entity id (an empty key, or for `entityKey: 'uscc'` a code failing
 * `isValidUscc`) are kept OUT of the table — a bad id can never match a label or an authorisation,
 * and letting it in would let it count towards cohort sizes — but they are not dropped silently:
 * `invalidKeys` counts them (rows, over all datasets loaded) and the quality report lists their lines.
 *
 * @example
 * const table: DomainTable = await loadDomainTable(dir, manifest);
 * table.columns.get('tax.annual_tax_paid'); // { type: 'number', values: Float64Array(…) }
 */
export interface DomainTable {
  /** Entity ids in first-seen order (datasets in manifest order, then file order). */
  entities: string[];
  /** Entity → row. */
  index: Map<string, number>;
  columns: Map<string, Column>;
  /** Rows left out because their key is not a valid entity id. */
  invalidKeys: number;
  /** Rows left out because their key already appeared earlier in the same dataset (first row wins). */
  duplicateKeys: number;
}

const INITIAL_CAPACITY = 1024;
const keyEnd = new Int32Array(1);

/** Which datasets to read and which of their columns, in manifest order. */
function plan(manifest: DomainManifest, features?: readonly string[]): Map<DatasetSpec, string[]> {
  const wanted = new Map<DatasetSpec, string[]>();
  const all = features === undefined;
  for (const ds of manifest.datasets) {
    const cols = ds.columns
      .filter((c) => all || features.includes(`${ds.name}.${c.name}`))
      .map((c) => c.name);
    if (cols.length > 0) wanted.set(ds, cols);
  }
  for (const f of features ?? []) {
    const dot = f.indexOf('.');
    const ds = manifest.datasets.find((d) => d.name === f.slice(0, dot));
    if (dot < 0 || !ds?.columns.some((c) => c.name === f.slice(dot + 1))) {
      throw new Error(`feature ${f} is not a column of domain ${manifest.id}`);
    }
  }
  return wanted;
}

/**
 * Loads `features` (`<dataset>.<column>`; default every column of every dataset) from the domain in
 * `dir`, reading only the datasets needed, streamed in 1 MiB chunks and parsed from bytes. Datasets
 * are fully outer-joined on their key: an entity absent from a dataset has that dataset's columns
 * missing. Blank and unparsable cells are missing; a repeated key keeps its first row.
 *
 * @example
 * const t = await loadDomainTable('/srv/domains/d-bj', manifest, ['tax.annual_tax_paid', 'tax.tax_grade']);
 */
export async function loadDomainTable(
  dir: string,
  manifest: DomainManifest,
  features?: readonly string[],
): Promise<DomainTable> {
  const datasets = plan(manifest, features);
  const entities: string[] = [];
  const index = new Map<string, number>();
  const isValid = manifest.entityKey === 'uscc' ? isValidUscc : (key: string) => key.length > 0;
  let capacity = INITIAL_CAPACITY;
  let invalidKeys = 0;
  let duplicateKeys = 0;
  const builders = new Map<string, ColumnBuilder>();
  for (const [ds, cols] of datasets) {
    for (const c of cols) {
      const spec = ds.columns.find((x) => x.name === c)!;
      builders.set(`${ds.name}.${c}`, new ColumnBuilder(`${ds.name}.${c}`, spec.type, capacity));
    }
  }
  const all = [...builders.values()];
  let seen = new Uint8Array(capacity); // rows already filled by the dataset being read
  const reserve = (rows: number) => {
    if (rows <= capacity) return;
    capacity = rows;
    for (const b of all) b.grow(capacity);
    const s = new Uint8Array(capacity);
    s.set(seen);
    seen = s;
  };

  for (const [ds, cols] of datasets) {
    const file = domainPath(dir, ds.file);
    const mine = cols.map((c) => builders.get(`${ds.name}.${c}`)!);
    seen = new Uint8Array(capacity);
    let layout: DatasetLayout | null = null;
    const onRow = (row: CsvRow): undefined => {
      if (layout === null) {
        layout = resolveLayout(rowStrings(row), file, ds, cols);
        return;
      }
      const k = layout.keyAt;
      let key = '';
      if (k < row.count) {
        const s = trimRange(row.buf, row.starts[k]!, row.ends[k]!, keyEnd);
        key = row.buf.toString('utf8', s, keyEnd[0]!);
      }
      let r = index.get(key);
      if (r === undefined) {
        if (!isValid(key)) {
          invalidKeys++;
          return;
        }
        r = entities.length;
        if (r >= capacity) reserve(capacity * 2);
        entities.push(key);
        index.set(key, r);
      } else if (seen[r] === 1) {
        duplicateKeys++;
        return;
      }
      seen[r] = 1;
      const at = layout.at;
      for (let j = 0; j < mine.length; j++) {
        const i = at[j]!;
        if (i < row.count) mine[j]!.write(r, row.buf, row.starts[i]!, row.ends[i]!);
      }
    };
    // The first dataset sizes the table from its file size, sparing the doubling copies at the peak.
    const onEstimate = entities.length === 0 ? (rows: number) => reserve(Math.ceil(rows * 1.05)) : undefined;
    await readCsvFile(file, onRow, { onEstimate });
    if (layout === null) resolveLayout([], file, ds, cols); // an empty file: report the missing header
  }

  const columns = new Map<string, Column>();
  const order = features ? new Set(features) : builders.keys();
  for (const name of order) columns.set(name, builders.get(name)!.finish(entities.length));
  return { entities, index, columns, invalidKeys, duplicateKeys };
}
