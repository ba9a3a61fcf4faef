// Tests for the CKKS layer's refusals: mismatched layouts, parameters and keys; altered and malformed bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Update } from '../strategy.ts';
import { seededRandom } from '../testing/random.ts';
import {
  addEncrypted,
  type Ckks,
  CkksError,
  type CkksKeys,
  createCkks,
  decryptUpdate,
  type EncryptedUpdate,
  encryptUpdate,
} from './ckks.ts';
import { decodeEncryptedUpdate, encodeEncryptedUpdate } from './wire.ts';

let ckks: Ckks;
let keys: CkksKeys;
beforeAll(async () => {
  ckks = await createCkks();
  keys = ckks.generateKeys();
});
afterAll(() => ckks.dispose());

const update = { grad: [0.5, -1.25, 3e-4], n: [100] };
const encrypt = (u: Update = update, k = keys) => encryptUpdate(ckks, k.publicKey, u);
const withCiphertext = (enc: EncryptedUpdate, bytes: Uint8Array): EncryptedUpdate => ({
  ...enc,
  ciphertexts: [bytes],
});

/** A ciphertext made by the same SEAL build under other CKKS parameters. */
function foreignCiphertext(n: number, bits: number[]): Uint8Array {
  const { seal } = ckks;
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from(bits)));
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  const generator = seal.KeyGenerator(context);
  const publicKey = generator.createPublicKey();
  const encryptor = seal.Encryptor(context, publicKey);
  const encoder = seal.CKKSEncoder(context);
  const plain = seal.PlainText();
  const cipher = seal.CipherText();
  encoder.encode(Float64Array.from([1, 2]), 2 ** 20, plain);
  encryptor.encrypt(plain, cipher);
  const bytes = cipher.saveArray(seal.ComprModeType.none);
  for (const o of [cipher, plain, encoder, encryptor, publicKey, generator, context, parms]) o.delete();
  return bytes;
}

describe('mismatches', () => {
  it('refuse layouts that differ in fields, lengths or grids, naming the difference', () => {
    const a = encrypt();
    expect(() => addEncrypted(ckks, a, encrypt({ ...update, loss: [1] }))).toThrow(
      /fields \[grad, n\] vs \[grad, loss, n\]/,
    );
    expect(() => addEncrypted(ckks, a, encrypt({ grad: [1, 2], n: [1] }))).toThrow(
      /field 'grad' has length 3 vs 2/,
    );
    const counted = encryptUpdate(ckks, keys.publicKey, update, { counts: ['n'] });
    expect(() => addEncrypted(ckks, a, counted)).toThrow(/field 'n' has grid real vs count/);
  });

  it('refuse other parameter sets, by label and by the ciphertext bytes themselves', () => {
    const a = encrypt();
    expect(() => addEncrypted(ckks, a, { ...encrypt(), params: 'ckks-add/v0' })).toThrow(
      /made under parameters 'ckks-add\/v0'/,
    );
    const otherModulus = withCiphertext(encrypt(), foreignCiphertext(4096, [40]));
    expect(() => addEncrypted(ckks, a, otherModulus)).toThrow(/was not made under ckks-add\/v1/);
    const otherDegree = withCiphertext(encrypt(), foreignCiphertext(8192, [60, 40, 40, 60]));
    expect(() => addEncrypted(ckks, a, otherDegree)).toThrow(/bytes, expected 65649/);
  });

  it('refuse sums across keys, and a wrong secret key cannot pass for the right one', () => {
    const other = ckks.generateKeys();
    expect(() => addEncrypted(ckks, encrypt(), encrypt(update, other))).toThrow(/under key/);
    expect(() => decryptUpdate(ckks, other.secretKey, encrypt())).toThrow(/not a sum of 1 digits/);
  });
});

describe('altered ciphertexts', () => {
  // CKKS is malleable and has no integrity of its own: the blob layer's SHA-256 references are
  // what stop tampering. What this layer guarantees is that altered bytes are not read as data.
  it('fail decryption loudly, alone or inside a sum', () => {
    const enc = encrypt();
    const bytes = enc.ciphertexts[0]!;
    for (const [at, mask] of [
      [Math.floor(bytes.length / 2), 0xff],
      [Math.floor(bytes.length / 2), 0x01],
      [bytes.length - 1, 0x01],
      [200, 0x10],
    ] as const) {
      const altered = bytes.slice();
      altered[at]! ^= mask;
      const bad = withCiphertext(enc, altered);
      expect(() => decryptUpdate(ckks, keys.secretKey, bad)).toThrow(CkksError);
      expect(() => decryptUpdate(ckks, keys.secretKey, addEncrypted(ckks, encrypt(), bad))).toThrow(
        CkksError,
      );
    }
  });

  it('never crash the wasm module: 300 random single-byte changes anywhere all end in CkksError', () => {
    const enc = encrypt();
    const rng = seededRandom(99);
    for (let k = 0; k < 300; k++) {
      const altered = enc.ciphertexts[0]!.slice();
      // Half the changes hit SEAL's metadata region, where a crash would be likeliest.
      const at = Math.floor(rng.uniform() * (k % 2 ? altered.length : 160));
      altered[at]! ^= 1 + Math.floor(rng.uniform() * 255);
      expect(() => decryptUpdate(ckks, keys.secretKey, withCiphertext(enc, altered))).toThrow(CkksError);
    }
    expect(decryptUpdate(ckks, keys.secretKey, enc)['n']).toEqual([100]);
  });
});

describe('malformed input', () => {
  it('throws CkksError for truncated, empty, random or mistyped bytes, and keeps working', () => {
    const enc = encrypt();
    const bytes = enc.ciphertexts[0]!;
    const cases: unknown[] = [
      bytes.subarray(0, bytes.length - 10),
      new Uint8Array(0),
      Uint8Array.from({ length: 100 }, (_, i) => i),
      'abc',
    ];
    for (const c of cases) {
      expect(() => decryptUpdate(ckks, keys.secretKey, { ...enc, ciphertexts: [c as Uint8Array] })).toThrow(
        CkksError,
      );
      expect(() => addEncrypted(ckks, enc, { ...encrypt(), ciphertexts: [c as Uint8Array] })).toThrow(
        CkksError,
      );
    }
    expect(() => encryptUpdate(ckks, keys.secretKey, update)).toThrow(/public key is 32856 bytes/);
    expect(() => encryptUpdate(ckks, keys.publicKey.subarray(0, 40), update)).toThrow(CkksError);
    expect(() => decryptUpdate(ckks, keys.publicKey, enc)).toThrow(/secret key is 32962 bytes/);
    expect(() => encryptUpdate(ckks, keys.publicKey, { x: [Number.NaN] })).toThrow(
      /x\[0\] is not a finite number/,
    );
    expect(decryptUpdate(ckks, keys.secretKey, enc)).toEqual({
      grad: [0.5, -1.25, expect.closeTo(3e-4, 15)],
      n: [100],
    });
  });

  it('refuses malformed envelopes: missing ciphertexts, misplaced fields, unknown grids, bad sources', () => {
    const enc = encrypt();
    const bad = (patch: Partial<EncryptedUpdate> | Record<string, unknown>) => () =>
      decryptUpdate(ckks, keys.secretKey, { ...enc, ...patch } as EncryptedUpdate);
    expect(bad({ ciphertexts: [] })).toThrow(/ciphertext count does not match/);
    expect(bad({ layout: [{ ...enc.layout[0]!, offset: 1 }, enc.layout[1]!] })).toThrow(/misplaced/);
    expect(bad({ layout: [{ ...enc.layout[0]!, grid: '__proto__' }, enc.layout[1]!] })).toThrow(
      /unknown grid/,
    );
    expect(bad({ layout: [enc.layout[0]!, { ...enc.layout[0]!, offset: 15 }] })).toThrow(
      /unique, in name order/,
    );
    expect(bad({ sources: [] })).toThrow(/sources/);
    expect(bad({ sources: ['x'] })).toThrow(/sources/);
  });
});

describe('wire form', () => {
  it('round-trips and refuses bytes that do not parse', () => {
    const enc = encrypt();
    const bytes = encodeEncryptedUpdate(enc);
    const back = decodeEncryptedUpdate(bytes);
    expect(back).toEqual(enc);
    expect(decryptUpdate(ckks, keys.secretKey, back)['n']).toEqual([100]);
    expect(() => decodeEncryptedUpdate(bytes.subarray(0, bytes.length - 1))).toThrow(/sizes do not match/);
    expect(() => decodeEncryptedUpdate(Uint8Array.from([1, 2, 3]))).toThrow(/too short/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0;
    expect(() => decodeEncryptedUpdate(wrongMagic)).toThrow(/magic/);
    const garbledHeader = bytes.slice();
    garbledHeader[12] = 0x7b;
    expect(() => decodeEncryptedUpdate(garbledHeader)).toThrow(CkksError);
  });

  it('carries no secret key material: no 16-byte run of the secret key occurs in it', () => {
    const wire = Buffer.from(encodeEncryptedUpdate(encrypt()));
    const secret = Buffer.from(keys.secretKey);
    // Skip SEAL's 88-byte metadata, which any object of these parameters shares.
    for (let at = 88; at + 16 <= secret.length; at += 16) {
      expect(wire.indexOf(secret.subarray(at, at + 16))).toBe(-1);
    }
    expect(JSON.stringify(encrypt())).not.toContain(secret.toString('base64').slice(200, 264));
  });
});
