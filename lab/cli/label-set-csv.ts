// A bank's label-set CSV (`entity,label[,bank feature…]`, header first) as the SDK's upload input.
import { LabelSetUpload, type LabelSetUploadInput } from '../../client-sdk/contract/resources.ts';
import { CliError, ExitCode } from './exit-codes.ts';
import { csvProblem, dataLines } from './files.ts';

/** A cell as the schema should judge it: a number when it reads as one, null when empty. */
function cellValue(cell: string): number | string | null {
  if (cell === '') return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : cell;
}

/**
 * Reads the CSV the lab's `text/csv` upload accepts (plain cells, no quoting) and checks it with
 * the upload schema before anything is sent: a bad cell is reported by line and column.
 *
 * @example
 * const upload = labelSetFromCsv('entity,label,tenure_months\n91350100M000100Y43,0,14\n', 'labels.csv', { name: 'book' });
 */
export function labelSetFromCsv(
  text: string,
  file: string,
  opts: { name: string; entityKey?: 'uscc' | 'opaque' },
): LabelSetUploadInput {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (rows.shift() ?? '').split(',').map((h) => h.trim());
  const entity = header.indexOf('entity');
  const label = header.indexOf('label');
  if (entity < 0 || label < 0)
    throw new CliError('invalid_file', `${file}: the header must name entity and label`, ExitCode.usage);
  const features = header.flatMap((h, i) => (i === entity || i === label ? [] : [{ h, i }]));
  const lines = dataLines(text);
  const input = {
    name: opts.name,
    ...(opts.entityKey ? { entityKey: opts.entityKey } : {}),
    rows: rows.map((line, row) => {
      const cells = line.split(',').map((c) => c.trim());
      const raw = cells[label] ?? '';
      if (raw !== '0' && raw !== '1')
        throw csvProblem(
          file,
          { path: ['rows', row, 'label'], message: `expected 0 or 1, got "${raw}"` },
          lines,
        );
      return {
        entity: cells[entity] ?? '',
        label: raw === '1' ? 1 : 0,
        ...(features.length > 0
          ? { features: Object.fromEntries(features.map(({ h, i }) => [h, cellValue(cells[i] ?? '')])) }
          : {}),
      };
    }),
  };
  const parsed = LabelSetUpload.safeParse(input);
  if (!parsed.success) throw csvProblem(file, parsed.error.issues[0]!, lines);
  return input as LabelSetUploadInput;
}
