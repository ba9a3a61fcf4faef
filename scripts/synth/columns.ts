// Column building blocks for the synthetic department datasets: types, declared ranges, constructors.
import type { ColumnSpec } from '../../enclave-worker/data/manifest.ts';

/**
 * A declared valid interval for a numeric column (the manifest's `range`); an absent bound is open.
 * Values outside it are data-quality defects (see `defects.ts`).
 *
 * @example
 * const growth: ValueRange = { min: -1, max: 10 };
 */
export type ValueRange = NonNullable<ColumnSpec['range']>;

/**
 * One column as the generator declares it in the manifest (description required).
 *
 * @example
 * const col: Column = { name: 'x', type: 'number', category: 'tax', sensitivity: 'restricted', description: '' };
 */
export type Column = Omit<ColumnSpec, 'description'> & { description: string };

/** A column before its dataset fills in the default category and sensitivity. */
export type ColumnDraft = Omit<Column, 'category' | 'sensitivity'> & Partial<Column>;

/**
 * One department file: its name, its columns (file order after the key), how often a firm is absent
 * from it (before the province's coverage multiplier) and which domains hold it.
 *
 * @example
 * DATASETS.find((d) => d.name === 'tax')!.columns.length; // 4
 */
export interface SynthDataset {
  name: string;
  absentRate: number;
  columns: readonly Column[];
  /** Only these domains hold the dataset at all (default: every domain). */
  heldBy?: readonly string[];
  /** Domains whose platform does not share the dataset. */
  withheldBy?: readonly string[];
  /** The dataset's date column, if it has one. */
  dateColumn?: string;
}

/**
 * A numeric column; `range` is its declared valid interval.
 *
 * @example
 * num('tax_arrears_count', 'count', 'Tax arrears notices, 24 months', { min: 0 });
 */
export function num(name: string, unit: string, description: string, range: ValueRange): ColumnDraft {
  return { name, type: 'number', unit, description, range };
}

/**
 * A category column.
 *
 * @example
 * cat('tax_grade', 'Tax credit grade A/B/M/C/D');
 */
export function cat(name: string, description: string): ColumnDraft {
  return { name, type: 'category', description };
}

/**
 * A boolean column, written `true`/`false`.
 *
 * @example
 * bool('high_tech_certified', 'Certified High and New Technology Enterprise');
 */
export function bool(name: string, description: string): ColumnDraft {
  return { name, type: 'boolean', description };
}

/**
 * A date column, written `YYYY-MM-DD`.
 *
 * @example
 * date('established_on', 'Date of business registration');
 */
export function date(name: string, description: string): ColumnDraft {
  return { name, type: 'date', description };
}

/**
 * A dataset whose columns default to one category and sensitivity (a column may override either).
 *
 * @example
 * const ds = dataset({ name: 'penalties', absentRate: 0.05, category: 'administrative-penalties',
 *   sensitivity: 'public', columns: [num('admin_penalties_3y', 'count', 'Penalties, 3 years', { min: 0 })] });
 */
export function dataset(spec: {
  name: string;
  absentRate: number;
  category: ColumnSpec['category'];
  sensitivity: ColumnSpec['sensitivity'];
  columns: ColumnDraft[];
  heldBy?: readonly string[];
  withheldBy?: readonly string[];
}): SynthDataset {
  const { category, sensitivity, columns, ...rest } = spec;
  const full = columns.map((c): Column => ({ category, sensitivity, ...c }));
  const dateColumn = full.find((c) => c.type === 'date')?.name;
  return { ...rest, columns: full, ...(dateColumn ? { dateColumn } : {}) };
}
