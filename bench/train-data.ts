// Writes the training benchmark's domains: opaque ids, 40 numeric features, an in-domain 0/1 label.
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeDomainKeys } from '../scripts/synth/keys.ts';
import { uniform } from '../scripts/synth/prng.ts';

/**
 * Writes one domain folder `dir` with `rows` rows (ids from `firstId`) of `features` standard-ish
 * features (different scales and offsets, ~5% blank) and a label drawn from a fixed logistic model.
 *
 * @example
 * const features = await writeTrainDomain('/tmp/d1', { id: 'bench-1', rows: 250_000, features: 40, firstId: 0, seed: 1 });
 */
export async function writeTrainDomain(
  dir: string,
  opts: { id: string; rows: number; features: number; firstId: number; seed: number },
): Promise<string[]> {
  const names = Array.from({ length: opts.features }, (_, j) => `f${String(j).padStart(2, '0')}`);
  await writeDomainKeys(dir);
  const columns = [
    {
      name: 'y',
      type: 'number',
      category: 'other',
      sensitivity: 'restricted',
      description: 'default (label)',
    },
    ...names.map((name) => ({
      name,
      type: 'number',
      category: 'other',
      sensitivity: 'public',
      description: '',
    })),
  ];
  const manifest = {
    id: opts.id,
    name: `Training benchmark ${opts.id}`,
    regions: ['000000'],
    entityKey: 'opaque',
    keys: { publicKey: 'keys/domain.pub.pem', privateKey: 'keys/domain.key.pem' },
    datasets: [{ name: 'loans', file: 'loans.csv', format: 'csv', key: 'id', columns }],
  };
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  // The same true model in every domain; each domain's rows come from its own seed.
  const truth = uniform(7);
  const beta = names.map(() => (truth() - 0.5) * 0.6);
  const scale = names.map((_, j) => 10 ** ((j % 4) - 1));
  const offset = names.map((_, j) => (j % 3) * 5);
  const r = uniform(opts.seed);
  const file = await open(path.join(dir, 'loans.csv'), 'w');
  await file.write(`id,y,${names.join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < opts.rows; i++) {
    let eta = -2.5;
    const cells: string[] = [];
    for (let j = 0; j < names.length; j++) {
      const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
      eta += beta[j]! * z;
      cells.push(r() < 0.05 ? '' : (z * scale[j]! + offset[j]!).toFixed(4));
    }
    const y = r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    chunk += `${opts.firstId + i},${y},${cells.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      await file.write(chunk);
      chunk = '';
    }
  }
  await file.write(chunk);
  await file.close();
  return names.map((n) => `loans.${n}`);
}
