// Data-quality report of a domain's files: counts of missing, unparsable, out-of-range cells and bad keys.

import type { DatasetQuality, QualityReport } from '../../client-sdk/contract/quality.ts';
import { INVALID_LINES_LISTED } from '../../client-sdk/contract/quality.ts';
import { isValidUscc } from '../../client-sdk/contract/uscc.ts';
import { parseBoolean, parseDate, parseNumber, trimRange } from './cell-parse.ts';
import { type DatasetLayout, domainPath, readCsvFile, resolveLayout, rowStrings } from './csv-file.ts';
import type { DatasetSpec, DomainManifest } from './manifest.ts';

export {
  ColumnQuality,
  DatasetQuality,
  INVALID_LINES_LISTED,
  QualityReport,
} from '../../client-sdk/contract/quality.ts';

const PARSERS = { number: parseNumber, boolean: parseBoolean, date: parseDate } as const;
const MS_PER_DAY = 86_400_000;

async function datasetQuality(
  dir: string,
  manifest: DomainManifest,
  ds: DatasetSpec,
): Promise<DatasetQuality> {
  const file = domainPath(dir, ds.file);
  const specs = ds.columns;
  const parse = specs.map((c) => (c.type === 'category' ? null : PARSERS[c.type]));
  const missing = new Array<number>(specs.length).fill(0);
  const unparsable = new Array<number>(specs.length).fill(0);
  const outOfRange = new Array<number>(specs.length).fill(0);
  const dateAt = ds.dateColumn === undefined ? -1 : specs.findIndex((c) => c.name === ds.dateColumn);
  const months = new Map<string, number>();
  const isValid = manifest.entityKey === 'uscc' ? isValidUscc : (key: string) => key.length > 0;
  const seen = new Set<string>();
  const firstLines: number[] = [];
  const end = new Int32Array(1);
  let rows = 0;
  let invalid = 0;
  let duplicates = 0;
  let undated = 0;
  let layout: DatasetLayout | null = null;

  await readCsvFile(file, (row) => {
    if (layout === null) {
      layout = resolveLayout(
        rowStrings(row),
        file,
        ds,
        specs.map((c) => c.name),
      );
      return;
    }
    rows++;
    const k = layout.keyAt;
    const ks = k < row.count ? trimRange(row.buf, row.starts[k]!, row.ends[k]!, end) : 0;
    const key = k < row.count ? row.buf.toString('utf8', ks, end[0]!) : '';
    if (!isValid(key)) {
      invalid++;
      if (firstLines.length < INVALID_LINES_LISTED) firstLines.push(row.line);
    } else if (seen.has(key)) duplicates++;
    else seen.add(key);
    let dated = false;
    for (let j = 0; j < specs.length; j++) {
      const i = layout.at[j]!;
      const s = i < row.count ? trimRange(row.buf, row.starts[i]!, row.ends[i]!, end) : 0;
      const e = i < row.count ? end[0]! : 0;
      if (s === e) {
        missing[j]!++;
        continue;
      }
      const v = parse[j]?.(row.buf, s, e);
      if (v === undefined) continue; // a category: any text is a value
      if (Number.isNaN(v)) {
        unparsable[j]!++;
        continue;
      }
      const range = specs[j]!.range;
      if (
        range &&
        ((range.min !== undefined && v < range.min) || (range.max !== undefined && v > range.max))
      ) {
        outOfRange[j]!++;
      }
      if (j === dateAt) {
        const month = new Date(v * MS_PER_DAY).toISOString().slice(0, 7);
        months.set(month, (months.get(month) ?? 0) + 1);
        dated = true;
      }
    }
    if (dateAt >= 0 && !dated) undated++;
    return undefined;
  });
  if (layout === null)
    resolveLayout(
      [],
      file,
      ds,
      specs.map((c) => c.name),
    ); // empty file: name what is missing

  return {
    name: ds.name,
    file: ds.file,
    rows,
    invalidIds: { count: invalid, firstLines },
    duplicateKeys: duplicates,
    columns: specs.map((c, j) => ({
      name: c.name,
      type: c.type,
      missing: missing[j]!,
      missingRate: rows === 0 ? 0 : missing[j]! / rows,
      unparsable: unparsable[j]!,
      outOfRange: outOfRange[j]!,
    })),
    ...(dateAt >= 0
      ? {
          months: [...months].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, n]) => ({ month, rows: n })),
          undatedRows: undated,
        }
      : {}),
  };
}

/**
 * Reads every dataset of the domain and reports, per dataset: rows, per-column missing rate,
 * unparsable and out-of-range counts (against declared `range`s), invalid entity ids (count and
 * first line numbers — ids never appear), repeated keys and, with a `dateColumn`, rows per month.
 *
 * @example
 * const report = await qualityReport('/srv/domains/d-bj', manifest);
 * report.datasets[0]!.invalidIds; // { count: 2, firstLines: [118, 4071] }
 */
export async function qualityReport(dir: string, manifest: DomainManifest): Promise<QualityReport> {
  const datasets: DatasetQuality[] = [];
  for (const ds of manifest.datasets) datasets.push(await datasetQuality(dir, manifest, ds));
  return { domain: manifest.id, datasets };
}
