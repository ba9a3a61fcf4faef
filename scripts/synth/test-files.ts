// File helpers shared by the synthetic world's tests: strict CSV reading and a folder snapshot.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * Reads a generated CSV file, asserting a trailing newline and no blank lines inside.
 *
 * @example
 * const { header, rows } = await csv('/tmp/world/banks/bank-a/labels.csv');
 */
export async function csv(file: string): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  expect(lines.pop()).toBe(''); // trailing newline, no blank lines inside
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/**
 * Every file under `dir` except key material, relative path → contents.
 *
 * @example
 * const files = await snapshot('/tmp/world');
 */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const rel of (await readdir(dir, { recursive: true })).sort()) {
    if (rel.split(path.sep).includes('keys')) continue;
    const full = path.join(dir, rel);
    if ((await stat(full)).isFile()) files.set(rel, await readFile(full, 'utf8'));
  }
  return files;
}
