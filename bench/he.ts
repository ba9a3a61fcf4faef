// `npm run bench:he`: plain vs CKKS aggregation for logistic regression through the whole lab
// (4 domains × 250k rows × 40 features), plus per-ciphertext costs of the CKKS layer.
import { parseArgs } from 'node:util';
import { createCkks, decryptUpdate, encryptUpdate, sumEncrypted } from '../models/he/ckks.ts';
import { newtonUpdate } from '../models/he/fixtures.ts';
import { encodeEncryptedUpdate } from '../models/he/wire.ts';
import { benchStack } from './federated-stack.ts';
import { median } from './timing.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '40' },
    domains: { type: 'string', default: '4' },
    repeat: { type: 'string', default: '3' },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};

/** Per-ciphertext costs on the logistic update of this benchmark's size. */
async function micro(features: number) {
  const ckks = await createCkks();
  const keys = ckks.generateKeys();
  const update = newtonUpdate(features + 1, 1);
  const enc = encryptUpdate(ckks, keys.publicKey, update);
  const others = [2, 3, 4].map((s) => encryptUpdate(ckks, keys.publicKey, newtonUpdate(features + 1, s)));
  const cts = enc.ciphertexts.length;
  const params = Object.values(update).reduce((n, v) => n + v.length, 0);
  const out = {
    encryptMs: median(11, () => encryptUpdate(ckks, keys.publicKey, update)) / cts,
    addMs: median(11, () => sumEncrypted(ckks, [enc, others[0]!])) / cts,
    decryptMs: median(11, () => decryptUpdate(ckks, keys.secretKey, enc)) / cts,
    bytesPerParam: encodeEncryptedUpdate(enc).length / params,
    ciphertextsPerUpdate: cts,
  };
  void sumEncrypted(ckks, [enc, ...others]);
  ckks.dispose();
  return out;
}

async function main() {
  const features = Number(values.features);
  const bench = await benchStack({
    rows: Number(values.rows),
    features,
    domains: Number(values.domains),
    showLogs: !values.json,
  });
  try {
    // Alternate the modes and compare medians: one run of each is at the mercy of a shared machine.
    const runs: {
      plain: Awaited<ReturnType<typeof bench.run>>[];
      ckks: Awaited<ReturnType<typeof bench.run>>[];
    } = {
      plain: [],
      ckks: [],
    };
    for (let i = 0; i < Number(values.repeat); i++) {
      for (const mode of ['plain', 'ckks'] as const) {
        const r = await bench.run(mode);
        runs[mode].push(r);
        say(`${mode}: ${r.ms.toFixed(0)} ms approval → model, ${r.job.progress.length} rounds`);
      }
    }
    const mid = <T extends { ms: number }>(list: T[]) =>
      [...list].sort((x, y) => x.ms - y.ms)[Math.floor(list.length / 2)]!;
    const plain = mid(runs.plain);
    const ckks = mid(runs.ckks);
    const a = plain.model.parameters as { weights: number[] };
    const b = ckks.model.parameters as { weights: number[] };
    const maxRelDiff = Math.max(
      ...a.weights.map((w, j) => Math.abs(w - b.weights[j]!) / Math.max(Math.abs(w), 1e-12)),
    );
    const m = await micro(features);
    say(
      `per ciphertext: encrypt ${m.encryptMs.toFixed(2)} ms, add ${m.addMs.toFixed(3)} ms, decrypt ${m.decryptMs.toFixed(2)} ms; ` +
        `${m.bytesPerParam.toFixed(0)} bytes per parameter; coefficients agree to ${maxRelDiff.toExponential(1)} (relative)`,
    );
    console.log(
      JSON.stringify({
        plainMs: Math.round(plain.ms),
        ckksMs: Math.round(ckks.ms),
        ratio: Number((ckks.ms / plain.ms).toFixed(3)),
        encryptMs: Number(m.encryptMs.toFixed(3)),
        addMs: Number(m.addMs.toFixed(4)),
        decryptMs: Number(m.decryptMs.toFixed(3)),
        bytesPerParam: Number(m.bytesPerParam.toFixed(1)),
        maxCoefRelDiff: maxRelDiff,
      }),
    );
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error('bench:he failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
