// The department datasets of the synthetic world, which domains hold each, and their declared ranges.
import { bool, cat, dataset, date, num, type SynthDataset } from './columns.ts';
import type { ProvinceProfile } from './provinces.ts';

/** Domains of coastal provinces: the only ones whose platform holds customs records. */
export const COASTAL_DOMAINS: readonly string[] = ['d-sh', 'd-gd', 'd-zj', 'd-js', 'd-sd'];

const COUNT = { min: 0 };
const AMOUNT = { min: 0 };
const GROWTH = { min: -1, max: 10 };

/**
 * The datasets, in file-writing order. Row values are produced by `cells.ts` in column order.
 * Customs exists only in coastal domains and lists traders only; Beijing's platform does not share
 * utilities records and Hubei's does not share qualifications.
 *
 * @example
 * DATASETS.map((d) => d.name); // ['registration', 'tax', …]
 */
export const DATASETS: readonly SynthDataset[] = [
  dataset({
    name: 'registration',
    absentRate: 0.01,
    category: 'registration',
    sensitivity: 'public',
    columns: [
      num('age_years', 'years', 'Years since business registration', { min: 0, max: 100 }),
      num('registered_capital', '10k CNY', 'Registered (subscribed) capital', AMOUNT),
      cat('industry', 'Industry section of the main business line'),
      num('employees_declared', 'persons', 'Employees declared in the annual report', COUNT),
      date('established_on', 'Date of business registration (consistent with age_years)'),
    ],
  }),
  dataset({
    name: 'tax',
    absentRate: 0.04,
    category: 'tax',
    sensitivity: 'restricted',
    columns: [
      cat('tax_grade', 'Tax credit grade A/B/M/C/D (M = new or small taxpayer)'),
      num('annual_tax_paid', '10k CNY', 'Total tax paid over the last fiscal year', AMOUNT),
      num('tax_arrears_count', 'count', 'Tax arrears notices in the last 24 months', COUNT),
      num('vat_invoice_growth', 'ratio', 'Year-on-year growth of VAT invoice amounts', GROWTH),
    ],
  }),
  dataset({
    name: 'social_insurance',
    absentRate: 0.06,
    category: 'social-insurance',
    sensitivity: 'restricted',
    columns: [
      num('insured_employees', 'persons', 'Employees with social insurance', COUNT),
      num('months_in_arrears', 'months', 'Months with contribution arrears, 24m', { min: 0, max: 24 }),
    ],
  }),
  dataset({
    name: 'utilities',
    absentRate: 0.07,
    category: 'utilities',
    sensitivity: 'restricted',
    withheldBy: ['d-bj'],
    columns: [
      num('late_payments_12m', 'count', 'Late water/power/gas payments, last 12 months', { min: 0, max: 36 }),
      num('electricity_growth', 'ratio', 'Year-on-year growth of electricity use', GROWTH),
    ],
  }),
  dataset({
    name: 'judicial',
    absentRate: 0.03,
    category: 'judicial',
    sensitivity: 'public',
    columns: [
      num('lawsuits_as_defendant', 'count', 'Civil lawsuits as defendant, last 3 years', COUNT),
      num('enforcement_cases', 'count', 'Court enforcement cases, last 3 years', COUNT),
    ],
  }),
  dataset({
    name: 'penalties',
    absentRate: 0.05,
    category: 'administrative-penalties',
    sensitivity: 'public',
    columns: [num('admin_penalties_3y', 'count', 'Administrative penalties, 3 years', COUNT)],
  }),
  dataset({
    name: 'customs',
    absentRate: 0.02,
    category: 'customs',
    sensitivity: 'restricted',
    heldBy: COASTAL_DOMAINS,
    columns: [
      num('import_export_value', '10k CNY', 'Declared import and export value, last 12 months', AMOUNT),
      cat('customs_credit_grade', 'Customs credit grade: AA/A certified, B general, C dishonest'),
      num('customs_declarations_12m', 'count', 'Customs declarations filed, last 12 months', COUNT),
    ],
  }),
  dataset({
    name: 'qualifications',
    absentRate: 0.05,
    category: 'qualifications',
    sensitivity: 'public',
    withheldBy: ['d-hb'],
    columns: [
      bool('high_tech_certified', 'Certified High and New Technology Enterprise'),
      num('licences_held', 'count', 'Administrative licences and permits in force', COUNT),
      {
        ...num('patents_granted', 'count', 'Invention and utility-model patents granted', COUNT),
        category: 'intellectual-property',
      },
    ],
  }),
];

/**
 * Whether the province's domain holds (and shares) the dataset.
 *
 * @example
 * holdsDataset(PROVINCES[0]!, DATASETS.find((d) => d.name === 'customs')!); // false: Beijing is inland
 */
export function holdsDataset(province: ProvinceProfile, ds: SynthDataset): boolean {
  if (ds.heldBy && !ds.heldBy.includes(province.id)) return false;
  return !ds.withheldBy?.includes(province.id);
}

/**
 * The datasets a province's domain holds, in file-writing order.
 *
 * @example
 * domainDatasets(PROVINCES[0]!).map((d) => d.name); // no 'utilities', no 'customs'
 */
export function domainDatasets(province: ProvinceProfile): SynthDataset[] {
  return DATASETS.filter((d) => holdsDataset(province, d));
}
