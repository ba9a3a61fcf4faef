// Writes the loader benchmark's input: one wide numeric dataset (valid USCC keys, ~10% blank cells).
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { orgCodeCheckChar, usccCheckChar } from '../client-sdk/contract/uscc.ts';
import { uniform } from '../scripts/synth/prng.ts';

/**
 * What `writeNumericDomain` wrote: the manifest's feature names and the file size.
 *
 * @example
 * const info: NumericDomainInfo = { features: ['wide.c00'], bytes: 1024 };
 */
export interface NumericDomainInfo {
  features: string[];
  bytes: number;
}

/** The i-th enterprise id: a Beijing USCC whose organisation code is i in 8 digits, unique per i. */
function usccFor(i: number): string {
  const body = String(i).padStart(8, '0');
  const first17 = `91110000${body}${orgCodeCheckChar(body)}`;
  return first17 + usccCheckChar(first17);
}

// Column shapes that resemble the platform's data: counts, money amounts, growth ratios, ages.
const SHAPES = [
  (r: () => number) => String(Math.floor(-Math.log(1 - r()) * 3)),
  (r: () => number) => Math.exp(r() * 9 - 2).toFixed(2),
  (r: () => number) => (r() * 4 - 1).toFixed(3),
  (r: () => number) => (r() * 40).toFixed(1),
];

/**
 * Writes `<dir>/manifest.json`, placeholder key files and `<dir>/data/wide.csv` with `rows` rows of
 * `entity_id` plus `columns` number columns, each cell blank with probability `missing`.
 *
 * @example
 * await writeNumericDomain('/tmp/bench', { rows: 1_000_000, columns: 40, missing: 0.1, seed: 1 });
 */
export async function writeNumericDomain(
  dir: string,
  opts: { rows: number; columns: number; missing: number; seed: number },
): Promise<NumericDomainInfo> {
  const names = Array.from({ length: opts.columns }, (_, j) => `c${String(j).padStart(2, '0')}`);
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'keys'), { recursive: true });
  await writeFile(path.join(dir, 'keys', 'domain.pub.pem'), 'bench placeholder\n');
  await writeFile(path.join(dir, 'keys', 'domain.key.pem'), 'bench placeholder\n');
  const manifest = {
    id: 'd-bench',
    name: 'Loader benchmark',
    regions: ['110000'],
    entityKey: 'uscc',
    keys: { publicKey: 'keys/domain.pub.pem', privateKey: 'keys/domain.key.pem' },
    datasets: [
      {
        name: 'wide',
        file: 'data/wide.csv',
        format: 'csv',
        key: 'entity_id',
        columns: names.map((name) => ({ name, type: 'number', category: 'other', sensitivity: 'public' })),
      },
    ],
  };
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const r = uniform(opts.seed);
  const file = await open(path.join(dir, 'data', 'wide.csv'), 'w');
  let bytes = 0;
  try {
    let text = `entity_id,${names.join(',')}\n`;
    for (let i = 0; i < opts.rows; i++) {
      let line = usccFor(i);
      for (let j = 0; j < opts.columns; j++)
        line += r() < opts.missing ? ',' : `,${SHAPES[j % SHAPES.length]!(r)}`;
      text += `${line}\n`;
      if (text.length > 1 << 22) {
        bytes += (await file.write(text)).bytesWritten;
        text = '';
      }
    }
    bytes += (await file.write(text)).bytesWritten;
  } finally {
    await file.close();
  }
  return { features: names.map((n) => `wide.${n}`), bytes };
}
