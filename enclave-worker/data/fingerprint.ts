// Dataset fingerprints: the SHA-256 of each dataset file and its data rows, for models' lineage.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DatasetFingerprint } from '../../client-sdk/contract/dataset-fingerprint.ts';
import { CHUNK_BYTES, domainPath } from './csv-file.ts';
import { CsvTokenizer } from './csv-tokenizer.ts';
import type { DomainManifest } from './manifest.ts';

/**
 * Streams one file once: its bytes into SHA-256 and through the loader's own tokenizer, so `rows`
 * counts records exactly as the enclave will (quoted newlines, blank lines skipped), header excluded.
 * No cell is decoded.
 *
 * @example
 * await fingerprintFile('/srv/d-bj/data/tax.csv'); // { sha256: '9f86…', rows: 11873 }
 */
export async function fingerprintFile(file: string): Promise<{ sha256: string; rows: number }> {
  const hash = createHash('sha256');
  let records = 0;
  const tokenizer = new CsvTokenizer(() => {
    records++;
  });
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      tokenizer.push(chunk as Buffer);
    }
    tokenizer.end();
  } finally {
    stream.destroy();
  }
  return { sha256: hash.digest('hex'), rows: Math.max(0, records - 1) };
}

/**
 * The fingerprints of a domain's datasets, in manifest order (files read in parallel).
 *
 * @example
 * const datasets = await fingerprintDomain('/srv/d-bj', manifest); // [{ dataset: 'tax', sha256, rows }, …]
 */
export function fingerprintDomain(dir: string, manifest: DomainManifest): Promise<DatasetFingerprint[]> {
  return Promise.all(
    manifest.datasets.map(async (ds) => ({
      dataset: ds.name,
      ...(await fingerprintFile(domainPath(dir, ds.file))),
    })),
  );
}
