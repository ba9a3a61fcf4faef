// Test helper: writes a small hand-made domain (manifest, key files, CSVs) into a fresh temp folder.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateUscc } from '../../client-sdk/contract/uscc.ts';

/**
 * Writes `files` (path relative to the domain → contents) and `manifest.json` (the given object, or
 * raw text for broken-JSON tests) plus placeholder key files into a new temp folder; returns it.
 *
 * @example
 * const dir = await writeTestDomain(testManifest([{ name: 'tax', file: 'data/tax.csv', … }]), { 'data/tax.csv': 'entity_id,x\n' });
 */
export async function writeTestDomain(manifest: unknown, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'jml-domain-'));
  const all: Record<string, string> = {
    'keys/domain.pub.pem': 'test public key\n',
    'keys/domain.key.pem': 'test private key\n',
    ...files,
    'manifest.json': typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2),
  };
  for (const [rel, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

/**
 * A manifest around `datasets` (plain objects, so tests can also break them on purpose).
 *
 * @example
 * testManifest([{ name: 'tax', file: 'data/tax.csv', format: 'csv', key: 'entity_id', columns: [] }], 'opaque');
 */
export function testManifest(
  datasets: object[],
  entityKey: 'uscc' | 'opaque' = 'uscc',
): Record<string, unknown> {
  return {
    id: 'd-test',
    name: 'Test domain',
    regions: ['110000'],
    entityKey,
    keys: { publicKey: 'keys/domain.pub.pem', privateKey: 'keys/domain.key.pem' },
    datasets,
  };
}

/**
 * A column declaration with test defaults.
 *
 * @example
 * col('annual_tax_paid', 'number', { unit: '10k CNY' });
 */
export function col(name: string, type: string, extra: object = {}): Record<string, unknown> {
  return { name, type, category: 'other', sensitivity: 'public', description: `test ${name}`, ...extra };
}

/**
 * `n` distinct valid USCCs for Beijing, the same on every call.
 *
 * @example
 * const [a, b] = testIds(2);
 */
export function testIds(n: number): string[] {
  let s = 7;
  const rand = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const ids = new Set<string>();
  while (ids.size < n) ids.add(generateUscc(rand, '110000'));
  return [...ids];
}
