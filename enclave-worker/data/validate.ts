// Domain validation: the manifest, plus what it points at on disk (data files, their headers, key files).
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { domainPath, readCsvHeader } from './csv-file.ts';
import { type DatasetSpec, type DomainManifest, loadManifest } from './manifest.ts';

/**
 * One thing wrong with a domain: the file it was found in (the manifest or a data file) and the
 * manifest field to fix.
 *
 * @example
 * const p: DomainProblem = { file: '/srv/d-bj/manifest.json', field: 'datasets.1.file', message: '…' };
 */
export interface DomainProblem {
  file: string;
  field: string;
  message: string;
}

/**
 * Every problem `validateDomain` found, one per line of the message, each naming file and field.
 *
 * @example
 * try { await validateDomain(dir); } catch (e) { if (e instanceof DomainValidationError) e.problems; }
 */
export class DomainValidationError extends Error {
  readonly problems: DomainProblem[];

  constructor(problems: DomainProblem[]) {
    super(problems.map((p) => `${p.file}: field '${p.field}' ${p.message}`).join('\n'));
    this.name = 'DomainValidationError';
    this.problems = problems;
  }
}

/** Why `file` cannot be read as a regular file, or null when it can. */
async function unreadable(file: string): Promise<string | null> {
  try {
    if (!(await stat(file)).isFile()) return `${file} is not a regular file`;
    await access(file, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${file} does not exist` : `${file} is not readable (${code ?? 'error'})`;
  }
}

/** The key column may appear among the declared columns only as an identifier (never a feature). */
function keyProblems(ds: DatasetSpec, i: number, manifestFile: string): DomainProblem[] {
  const j = ds.columns.findIndex((c) => c.name === ds.key);
  if (j < 0 || ds.columns[j]!.sensitivity === 'identifier') return [];
  return [
    {
      file: manifestFile,
      field: `datasets.${i}.columns.${j}.sensitivity`,
      message: `column ${ds.key} is the dataset's key, so it must be declared with sensitivity 'identifier' (or not declared)`,
    },
  ];
}

/** The CSV header must hold the key and exactly the declared columns, each once. */
async function headerProblems(ds: DatasetSpec, i: number, file: string): Promise<DomainProblem[]> {
  const header = await readCsvHeader(file);
  const at = `datasets.${i}`;
  if (header.length === 0) return [{ file, field: `${at}.file`, message: 'is empty: no CSV header' }];
  const problems: DomainProblem[] = [];
  const repeated = header.filter((h, k) => header.indexOf(h) !== k);
  if (repeated.length > 0) {
    problems.push({
      file,
      field: `${at}.file`,
      message: `CSV header repeats column(s) ${[...new Set(repeated)].join(', ')}`,
    });
  }
  if (!header.includes(ds.key)) {
    problems.push({ file, field: `${at}.key`, message: `CSV header lacks the key column ${ds.key}` });
  }
  ds.columns.forEach((c, j) => {
    if (!header.includes(c.name)) {
      problems.push({
        file,
        field: `${at}.columns.${j}`,
        message: `declared column ${c.name} is missing from the CSV header`,
      });
    }
  });
  const declared = new Set([ds.key, ...ds.columns.map((c) => c.name)]);
  const extra = [...new Set(header.filter((h) => !declared.has(h)))];
  if (extra.length > 0) {
    problems.push({
      file,
      field: `${at}.columns`,
      message: `CSV header has undeclared column(s) ${extra.join(', ')}`,
    });
  }
  return problems;
}

/**
 * `loadManifest(dir)` (whose errors already name the file and field), then checks what the manifest
 * points at: every dataset file exists, is readable and has a CSV header with the key and exactly the
 * declared columns; the key is not declared as a column unless as an `identifier`; both key files
 * exist. Paths may be relative to `dir` or absolute. Throws a `DomainValidationError` listing every
 * problem found (not just the first), so an operator fixes a manifest in one pass.
 *
 * @example
 * const manifest = await validateDomain('/srv/domains/d-bj');
 */
export async function validateDomain(dir: string): Promise<DomainManifest> {
  const manifest = await loadManifest(dir);
  const manifestFile = path.join(dir, 'manifest.json');
  const problems: DomainProblem[] = [];
  for (const [i, ds] of manifest.datasets.entries()) {
    problems.push(...keyProblems(ds, i, manifestFile));
    const file = domainPath(dir, ds.file);
    const why = await unreadable(file);
    if (why) problems.push({ file: manifestFile, field: `datasets.${i}.file`, message: `data file ${why}` });
    else problems.push(...(await headerProblems(ds, i, file)));
  }
  for (const which of ['publicKey', 'privateKey'] as const) {
    const why = await unreadable(domainPath(dir, manifest.keys[which]));
    if (why) problems.push({ file: manifestFile, field: `keys.${which}`, message: `key file ${why}` });
  }
  if (problems.length > 0) throw new DomainValidationError(problems);
  return manifest;
}
