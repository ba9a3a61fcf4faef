// The department datasets every synthetic domain publishes, and the manifest that declares them.
import type { ColumnSpec, DatasetSpec, DomainManifest } from '../../enclave-worker/data/manifest.ts';
import type { ProvinceProfile } from './provinces.ts';

/** The key column in every dataset file. */
export const KEY_COLUMN = 'entity_id';

type Column = Omit<ColumnSpec, 'description'> & { description: string };

/**
 * One department file: its name, its columns (in file order after the key) and how often a firm is
 * absent from it altogether (before the province's coverage multiplier).
 *
 * @example
 * DATASETS.find((d) => d.name === 'tax')!.columns.length; // 4
 */
export interface SynthDataset {
  name: string;
  absentRate: number;
  columns: readonly Column[];
}

const num = (
  name: string,
  category: ColumnSpec['category'],
  sensitivity: ColumnSpec['sensitivity'],
  unit: string,
  description: string,
): Column => ({ name, type: 'number', category, sensitivity, unit, description });

const cat = (
  name: string,
  category: ColumnSpec['category'],
  sensitivity: ColumnSpec['sensitivity'],
  description: string,
): Column => ({ name, type: 'category', category, sensitivity, description });

/**
 * The datasets, in file-writing order. Row values are produced by `enterprise.ts` in the same order.
 *
 * @example
 * DATASETS.map((d) => d.name); // ['registration', 'tax', …]
 */
export const DATASETS: readonly SynthDataset[] = [
  {
    name: 'registration',
    absentRate: 0.01,
    columns: [
      num('age_years', 'registration', 'public', 'years', 'Years since business registration'),
      num('registered_capital', 'registration', 'public', '10k CNY', 'Registered (subscribed) capital'),
      cat('industry', 'registration', 'public', 'Industry section of the main business line'),
      num(
        'employees_declared',
        'registration',
        'public',
        'persons',
        'Employees declared in the annual report',
      ),
    ],
  },
  {
    name: 'tax',
    absentRate: 0.04,
    columns: [
      cat('tax_grade', 'tax', 'restricted', 'Tax credit grade A/B/M/C/D (M = new or small taxpayer)'),
      num('annual_tax_paid', 'tax', 'restricted', '10k CNY', 'Total tax paid over the last fiscal year'),
      num('tax_arrears_count', 'tax', 'restricted', 'count', 'Tax arrears notices in the last 24 months'),
      num('vat_invoice_growth', 'tax', 'restricted', 'ratio', 'Year-on-year growth of VAT invoice amounts'),
    ],
  },
  {
    name: 'social_insurance',
    absentRate: 0.06,
    columns: [
      num(
        'insured_employees',
        'social-insurance',
        'restricted',
        'persons',
        'Employees with social insurance',
      ),
      num(
        'months_in_arrears',
        'social-insurance',
        'restricted',
        'months',
        'Months with contribution arrears, 24m',
      ),
    ],
  },
  {
    name: 'utilities',
    absentRate: 0.07,
    columns: [
      num(
        'late_payments_12m',
        'utilities',
        'restricted',
        'count',
        'Late water/power/gas payments, last 12 months',
      ),
      num('electricity_growth', 'utilities', 'restricted', 'ratio', 'Year-on-year growth of electricity use'),
    ],
  },
  {
    name: 'judicial',
    absentRate: 0.03,
    columns: [
      num(
        'lawsuits_as_defendant',
        'judicial',
        'public',
        'count',
        'Civil lawsuits as defendant, last 3 years',
      ),
      num('enforcement_cases', 'judicial', 'public', 'count', 'Court enforcement cases, last 3 years'),
    ],
  },
  {
    name: 'penalties',
    absentRate: 0.05,
    columns: [
      num(
        'admin_penalties_3y',
        'administrative-penalties',
        'public',
        'count',
        'Administrative penalties, 3 years',
      ),
    ],
  },
];

/**
 * Numeric feature names, `<dataset>.<column>`, in dataset/column order (what world.json lists).
 *
 * @example
 * NUMERIC_FEATURES[0]; // 'registration.age_years'
 */
export const NUMERIC_FEATURES: readonly string[] = DATASETS.flatMap((d) =>
  d.columns.filter((c) => c.type === 'number').map((c) => `${d.name}.${c.name}`),
);

/**
 * The manifest for one province's domain; paths are relative to the domain folder.
 *
 * @example
 * const manifest = buildManifest(PROVINCES[0]!); // { id: 'd-bj', … }
 */
export function buildManifest(province: ProvinceProfile): DomainManifest {
  const datasets: DatasetSpec[] = DATASETS.map((d) => ({
    name: d.name,
    file: `data/${d.name}.csv`,
    format: 'csv',
    key: KEY_COLUMN,
    columns: d.columns.map((c) => ({ ...c })),
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
