// A bank's label-set CSV (`entity,label[,bank feature…]`, header first) as the SDK's upload input.
import { labelSetCsvBody } from '../../client-sdk/contract/label-set-csv.ts';
import { LabelSetUpload, type LabelSetUploadInput } from '../../client-sdk/contract/resources.ts';
import { CliError, ExitCode } from './exit-codes.ts';
import { csvProblem, dataLines } from './files.ts';

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
  const input = labelSetCsvBody(text, opts);
  if (!input)
    throw new CliError('invalid_file', `${file}: the header must name entity and label`, ExitCode.usage);
  const lines = dataLines(text);
  const badLabel = input.rows.findIndex((r) => r.label !== 0 && r.label !== 1);
  if (badLabel >= 0)
    throw csvProblem(
      file,
      { path: ['rows', badLabel, 'label'], message: `expected 0 or 1, got "${input.rows[badLabel]!.label}"` },
      lines,
    );
  const parsed = LabelSetUpload.safeParse(input);
  if (!parsed.success) throw csvProblem(file, parsed.error.issues[0]!, lines);
  return input as LabelSetUploadInput;
}
