// `npx tsx bench/he-micro.ts [--json]`: CKKS aggregation costs per ciphertext, bytes per value, and a 10-round job.

import { parseArgs } from 'node:util';
import {
  type Ckks,
  type CkksKeys,
  createCkks,
  decryptUpdate,
  type EncryptOptions,
  encryptUpdate,
  sumEncrypted,
} from '../models/he/ckks.ts';
import { histogramUpdate, newtonUpdate } from '../models/he/fixtures.ts';
import { encodeEncryptedUpdate } from '../models/he/wire.ts';
import type { Update } from '../models/strategy.ts';
import { median } from './timing.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const say = (m: string) => {
  if (!values.json) console.log(m);
};

const valueCount = (u: Update) => Object.values(u).reduce((a, v) => a + v.length, 0);
const plainBytes = (u: Update) => Buffer.byteLength(JSON.stringify(u));

/** Encrypt, add (4 domains) and decrypt costs for one update shape. */
function measure(
  ckks: Ckks,
  keys: CkksKeys,
  name: string,
  make: (seed: number) => Update,
  options: EncryptOptions,
) {
  const updates = [1, 2, 3, 4].map(make);
  const encrypted = updates.map((u) => encryptUpdate(ckks, keys.publicKey, u, options));
  const cts = encrypted[0]!.ciphertexts.length;
  const values = valueCount(updates[0]!);
  const encrypt = median(15, () => encryptUpdate(ckks, keys.publicKey, updates[0]!, options));
  const add = median(15, () => sumEncrypted(ckks, encrypted.slice(0, 2)));
  const sum4 = median(15, () => sumEncrypted(ckks, encrypted));
  const total = sumEncrypted(ckks, encrypted);
  const decrypt = median(15, () => decryptUpdate(ckks, keys.secretKey, total));
  const wire = encodeEncryptedUpdate(encrypted[0]!).length;
  const row = {
    name,
    values,
    ciphertexts: cts,
    encryptMsPerCt: encrypt / cts,
    addMsPerCt: add / cts,
    sum4MsPerCt: sum4 / cts,
    decryptMsPerCt: decrypt / cts,
    encryptMs: encrypt,
    sum4Ms: sum4,
    decryptMs: decrypt,
    wireBytes: wire,
    bytesPerValue: wire / values,
    plainJsonBytes: plainBytes(updates[0]!),
  };
  say(
    `${name}: ${values} values → ${cts} ciphertexts; per ciphertext encrypt ${row.encryptMsPerCt.toFixed(2)} ms, ` +
      `add ${row.addMsPerCt.toFixed(2)} ms, decrypt ${row.decryptMsPerCt.toFixed(2)} ms; ` +
      `${wire} bytes (${row.bytesPerValue.toFixed(1)} B/value; plain JSON ${row.plainJsonBytes} bytes)`,
  );
  return row;
}

/** 10 rounds × 4 domains of a 41-feature logistic update (p = 42: grad, hess, loss, n). */
function jobOverhead(ckks: Ckks, keys: CkksKeys) {
  let encryptMs = 0;
  let sumMs = 0;
  let decryptMs = 0;
  let bytes = 0;
  for (let round = 0; round < 10; round++) {
    const updates = [0, 1, 2, 3].map((d) => newtonUpdate(42, 100 * round + d));
    let t = performance.now();
    const encrypted = updates.map((u) => encryptUpdate(ckks, keys.publicKey, u));
    encryptMs += performance.now() - t;
    t = performance.now();
    const total = sumEncrypted(ckks, encrypted);
    sumMs += performance.now() - t;
    t = performance.now();
    decryptUpdate(ckks, keys.secretKey, total);
    decryptMs += performance.now() - t;
    // Up: each domain's envelope; down: the sum, fetched by each domain.
    bytes +=
      encrypted.reduce((a, e) => a + encodeEncryptedUpdate(e).length, 0) +
      4 * encodeEncryptedUpdate(total).length;
  }
  const row = {
    rounds: 10,
    domains: 4,
    encryptMs,
    sumMs,
    decryptMs,
    totalCpuMs: encryptMs + sumMs + 4 * decryptMs,
    bytes,
  };
  say(
    `10 rounds × 4 domains, 41 features: encrypt ${encryptMs.toFixed(0)} ms (all domains), lab sums ${sumMs.toFixed(0)} ms, ` +
      `decrypt ${decryptMs.toFixed(0)} ms per domain; CPU in total ${row.totalCpuMs.toFixed(0)} ms ` +
      `(critical path ≈ ${((encryptMs / 4 + sumMs + decryptMs) / 10).toFixed(0)} ms per round); ${(bytes / 1e6).toFixed(1)} MB moved`,
  );
  return row;
}

async function main() {
  let t = performance.now();
  const ckks = await createCkks();
  const initMs = performance.now() - t;
  t = performance.now();
  const keys = ckks.generateKeys();
  const keygenMs = performance.now() - t;
  say(`createCkks ${initMs.toFixed(0)} ms (wasm load + context), generateKeys ${keygenMs.toFixed(1)} ms`);
  say(`public key ${keys.publicKey.length} bytes, secret key ${keys.secretKey.length} bytes`);
  const shapes = [
    measure(ckks, keys, 'newton 41+41²+3', (s) => newtonUpdate(41, s), {}),
    measure(ckks, keys, 'histogram 2000 (real grid)', (s) => histogramUpdate(1000, s), {}),
    measure(ckks, keys, 'histogram 2000 (count grid)', (s) => histogramUpdate(1000, s), {
      counts: ['neg', 'pos'],
    }),
  ];
  const job = jobOverhead(ckks, keys);
  ckks.dispose();
  if (values.json) console.log(JSON.stringify({ initMs, keygenMs, shapes, job }));
}

await main();
