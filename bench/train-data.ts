// Writes the training benchmark's domains: opaque ids, 40 numeric features, an in-domain 0/1 label.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Seeded uniform [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  await mkdir(path.join(dir, 'keys'), { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  await writeFile(
    path.join(dir, 'keys', 'domain.pub.pem'),
    publicKey.export({ type: 'spki', format: 'pem' }),
  );
  await writeFile(
    path.join(dir, 'keys', 'domain.key.pem'),
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
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
  const truth = rng(7);
  const beta = names.map(() => (truth() - 0.5) * 0.6);
  const scale = names.map((_, j) => 10 ** ((j % 4) - 1));
  const offset = names.map((_, j) => (j % 3) * 5);
  const r = rng(opts.seed);
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
