// The manifest a synthetic domain publishes, and the feature lists world.json reports for it.
import type { ColumnSpec, DatasetSpec, DomainManifest } from '../../enclave-worker/data/manifest.ts';
import type { SynthDataset } from './columns.ts';
import { domainDatasets } from './datasets.ts';
import type { ProvinceProfile } from './provinces.ts';

/** The key column in every dataset file. */
export const KEY_COLUMN = 'entity_id';

/**
 * `<dataset>.<column>` names of the datasets' columns of the given types, in dataset/column order.
 *
 * @example
 * featureNames(domainDatasets(PROVINCES[0]!), ['category']); // ['registration.industry', 'tax.tax_grade']
 */
export function featureNames(
  datasets: readonly SynthDataset[],
  types: readonly ColumnSpec['type'][],
): string[] {
  return datasets.flatMap((d) =>
    d.columns.filter((c) => types.includes(c.type)).map((c) => `${d.name}.${c.name}`),
  );
}

/** Column types a model can take as they are: world.json's `features`. */
export const MODEL_TYPES: readonly ColumnSpec['type'][] = ['number', 'boolean'];

/**
 * The manifest for one province's domain: only the datasets it holds, each number column with its
 * declared `range` and each dated dataset with its `dateColumn`; paths relative to the domain folder.
 *
 * @example
 * const manifest = buildManifest(PROVINCES[0]!); // { id: 'd-bj', … }
 */
export function buildManifest(province: ProvinceProfile): DomainManifest {
  const datasets: DatasetSpec[] = domainDatasets(province).map((d) => ({
    name: d.name,
    file: `data/${d.name}.csv`,
    format: 'csv',
    key: KEY_COLUMN,
    columns: d.columns.map((c) => ({
      name: c.name,
      type: c.type,
      category: c.category,
      sensitivity: c.sensitivity,
      description: c.description,
      ...(c.unit !== undefined ? { unit: c.unit } : {}),
      ...(c.range !== undefined ? { range: { ...c.range } } : {}),
    })),
    ...(d.dateColumn !== undefined ? { dateColumn: d.dateColumn } : {}),
  }));
  return {
    id: province.id,
    name: province.name,
    regions: [province.region],
    entityKey: 'uscc',
    keys: { publicKey: 'keys/domain.pub.pem', privateKey: 'keys/domain.key.pem' },
    datasets,
  };
}
