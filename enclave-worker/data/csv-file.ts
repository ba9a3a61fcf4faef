// Streams a CSV file through the tokenizer in large chunks; resolves a dataset's header against the manifest.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type CsvRow, CsvTokenizer } from './csv-tokenizer.ts';
import type { DatasetSpec } from './manifest.ts';

/** 1 MiB reads: few enough syscalls and callbacks, small enough to keep memory flat. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Options for `readCsvFile`.
 *
 * @example
 * const opts: ReadCsvOptions = { onEstimate: (rows) => reserve(rows) };
 */
export interface ReadCsvOptions {
  chunkBytes?: number;
  /** Called once after the first chunk with an estimate of the file's row count (from its size). */
  onEstimate?: (rows: number) => void;
}

/**
 * Streams `file` and calls `onRow` for every row, header included (the first call). `onRow` returning
 * `false` stops reading early. The row object is reused: copy what you keep.
 *
 * @example
 * await readCsvFile('/srv/d-bj/data/tax.csv', (row) => { n++; });
 */
export async function readCsvFile(
  file: string,
  onRow: (row: CsvRow) => boolean | undefined,
  options: ReadCsvOptions = {},
): Promise<void> {
  let stopped = false;
  let rows = 0;
  const tokenizer = new CsvTokenizer((row) => {
    rows++;
    if (!stopped && onRow(row) === false) stopped = true;
  });
  const size = options.onEstimate ? (await stat(file)).size : 0;
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? CHUNK_BYTES });
  let read = 0;
  try {
    for await (const chunk of stream) {
      tokenizer.push(chunk as Buffer);
      read += (chunk as Buffer).length;
      if (stopped) return;
      if (options.onEstimate && read === (chunk as Buffer).length && rows > 1) {
        options.onEstimate(Math.ceil((size / read) * rows));
      }
    }
    tokenizer.end();
  } finally {
    stream.destroy();
  }
}

/**
 * The first row of a CSV file as trimmed strings (an empty array for an empty file).
 *
 * @example
 * await readCsvHeader('/srv/d-bj/data/tax.csv'); // ['entity_id', 'tax_grade', …]
 */
export async function readCsvHeader(file: string): Promise<string[]> {
  let header: string[] = [];
  await readCsvFile(file, (row) => {
    header = rowStrings(row);
    return false;
  });
  return header;
}

/**
 * Every cell of a row decoded as trimmed UTF-8 strings (for headers and tests, not the hot path).
 *
 * @example
 * rowStrings(row); // ['entity_id', 'age_years']
 */
export function rowStrings(row: CsvRow): string[] {
  const out: string[] = [];
  for (let c = 0; c < row.count; c++) out.push(row.buf.toString('utf8', row.starts[c]!, row.ends[c]!).trim());
  return out;
}

/**
 * Where a dataset's key and wanted columns sit in its CSV header.
 *
 * @example
 * const layout: DatasetLayout = { keyAt: 0, at: [3, 1] };
 */
export interface DatasetLayout {
  keyAt: number;
  /** Header position of each wanted column, in the order asked for. */
  at: number[];
}

/**
 * Finds the key and `columns` in `header`; throws naming the file and every missing column.
 *
 * @example
 * resolveLayout(['entity_id', 'a', 'b'], '/x/t.csv', spec, ['b']); // { keyAt: 0, at: [2] }
 */
export function resolveLayout(
  header: readonly string[],
  file: string,
  spec: DatasetSpec,
  columns: readonly string[],
): DatasetLayout {
  const keyAt = header.indexOf(spec.key);
  const missing = [...(keyAt < 0 ? [spec.key] : []), ...columns.filter((c) => !header.includes(c))];
  if (missing.length > 0) {
    throw new Error(
      `${file}: header lacks column(s) ${missing.join(', ')} declared for dataset ${spec.name}`,
    );
  }
  return { keyAt, at: columns.map((c) => header.indexOf(c)) };
}

/**
 * The absolute path of a manifest path: relative ones are under the domain folder.
 *
 * @example
 * domainPath('/srv/d-bj', 'data/tax.csv'); // '/srv/d-bj/data/tax.csv'
 */
export function domainPath(dir: string, file: string): string {
  return path.resolve(dir, file);
}
