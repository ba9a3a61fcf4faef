// Input files of the client commands (`-` is stdin), read with errors that name the file.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { CliError, ExitCode } from './exit-codes.ts';

const invalid = (message: string, field?: string) =>
  new CliError('invalid_file', message, ExitCode.usage, field);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A file's text, or stdin's for `-`.
 *
 * @example
 * const csv = await readText('labels.csv');
 */
export async function readText(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw invalid(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * A file's JSON, checked against `schema` (the first problem names its path in the document).
 * Returns the document as written, so the lab applies its own defaults.
 *
 * @example
 * const spec = await readJson('spec.json', JobSpec);
 */
export async function readJson<S extends z.ZodType>(file: string, schema: S): Promise<z.input<S>> {
  let json: unknown;
  try {
    json = JSON.parse(await readText(file));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw invalid(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.join('.');
    throw invalid(`${file}: ${at || '(document)'}: ${issue.message}`, at || undefined);
  }
  return json as z.input<S>;
}

/**
 * The first schema problem of a CSV converted to JSON, as `file:line: column: message`: `path`
 * starts `[<array>, <row>, <column>…]` and `lines` maps each row to its line in the file.
 *
 * @example
 * throw csvProblem('labels.csv', issue, lines); // labels.csv:14: entity: not a valid Unified Social Credit Code …
 */
export function csvProblem(
  file: string,
  issue: { path: PropertyKey[]; message: string },
  lines: readonly number[],
): CliError {
  const [, row, ...rest] = issue.path;
  const at = rest.join('.');
  if (typeof row !== 'number') return invalid(`${file}: ${issue.message}`, issue.path.join('.'));
  return invalid(`${file}:${lines[row] ?? '?'}: ${at || 'row'}: ${issue.message}`, issue.path.join('.'));
}

/**
 * The file's line number of each data row, in the order a CSV reader that skips blank lines and
 * the header sees them.
 *
 * @example
 * dataLines('entity,label\n\nA,1\nB,0\n'); // [3, 4]
 */
export function dataLines(text: string): number[] {
  const numbers: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '') numbers.push(i + 1);
  });
  return numbers.slice(1);
}
