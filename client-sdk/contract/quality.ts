// The data-quality report's wire shape: what an operator sees of a domain's files (counts, never values).
import { z } from 'zod';

const ColumnType = z.enum(['number', 'category', 'boolean', 'date']);

/**
 * How many line numbers of invalid ids to list; enough to find the pattern, never a dump of ids.
 *
 * @example
 * dataset.invalidIds.firstLines.length <= INVALID_LINES_LISTED; // true: further invalid lines are only counted
 */
export const INVALID_LINES_LISTED = 20;

const count = z.number().int().nonnegative();

/**
 * Quality of one column over all data rows of its file.
 *
 * @example
 * const c: ColumnQuality = { name: 'age_years', type: 'number', missing: 3, missingRate: 0.003, unparsable: 1, outOfRange: 0 };
 */
export const ColumnQuality = z.strictObject({
  name: z.string(),
  type: ColumnType,
  /** Blank cells, and cells absent from short rows. */
  missing: count,
  missingRate: z.number().min(0).max(1),
  /** Non-blank cells that are not a valid number / boolean / date (categories never are). */
  unparsable: count,
  /** Parsed values outside the column's declared `range` (0 when it declares none). */
  outOfRange: count,
});
export type ColumnQuality = z.infer<typeof ColumnQuality>;

/**
 * Quality of one dataset file. Row-level counts cover every data row as written (rows with invalid
 * ids and repeated keys included), because the report describes the file, not the loaded table.
 *
 * @example
 * const d: DatasetQuality = QualityReport.parse(report).datasets[0]!;
 */
export const DatasetQuality = z.strictObject({
  name: z.string(),
  /** The file as the manifest names it. */
  file: z.string(),
  rows: count,
  /** Rows whose key is not a valid entity id: a count and the first physical line numbers, never the ids. */
  invalidIds: z.strictObject({
    count,
    firstLines: z.array(z.number().int().positive()).max(INVALID_LINES_LISTED),
  }),
  /** Rows with a valid key already seen earlier in this file (the loader keeps the first). */
  duplicateKeys: count,
  columns: z.array(ColumnQuality),
  /** Rows per calendar month (UTC) of the dataset's `dateColumn`, oldest first; only when it has one. */
  months: z.array(z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/), rows: count })).optional(),
  /** Rows whose `dateColumn` is blank or unparsable; only when the dataset has one. */
  undatedRows: count.optional(),
});
export type DatasetQuality = z.infer<typeof DatasetQuality>;

/**
 * The data-quality report of a domain, one entry per dataset in manifest order.
 *
 * @example
 * const report = QualityReport.parse(await qualityReport(dir, manifest));
 */
export const QualityReport = z.strictObject({ domain: z.string(), datasets: z.array(DatasetQuality) });
export type QualityReport = z.infer<typeof QualityReport>;
