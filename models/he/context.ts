// The fixed add-only CKKS context: key generation, and loading of SEAL bytes that cannot crash the wasm.

import type { CipherText } from 'node-seal/implementation/cipher-text.js';
import type { CKKSEncoder } from 'node-seal/implementation/ckks-encoder.js';
import type { Context } from 'node-seal/implementation/context.js';
import type { Evaluator } from 'node-seal/implementation/evaluator.js';
import type { PublicKey } from 'node-seal/implementation/public-key.js';
import type { SEALLibrary } from 'node-seal/implementation/seal.js';
import type { SecretKey } from 'node-seal/implementation/secret-key.js';
import { CkksError } from './errors.ts';
import { COEFF_MODULUS_BITS, PARAMS_ID, POLY_MODULUS_DEGREE, SCALE_BITS, SLOT_COUNT } from './params.ts';
import { loadSeal } from './seal-module.ts';

/**
 * Serialised keys. The public key is SEAL's seeded form (half the size of the plain one); the
 * secret key must only ever travel sealed (lab/infra/seal.ts) to the participating domains.
 *
 * @example
 * const { publicKey, secretKey } = ckks.generateKeys();
 */
export interface CkksKeys {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/**
 * The SEAL module with a context for the fixed parameters (`params.ts`), plus guarded loaders.
 * SEAL objects live in wasm memory: whoever gets one from a loader must `.delete()` it.
 *
 * @example
 * const ckks = await createCkks(); const keys = ckks.generateKeys(); ckks.dispose();
 */
export interface Ckks {
  readonly paramsId: string;
  readonly slotCount: number;
  /** Δ = 2^SCALE_BITS. */
  readonly scale: number;
  readonly seal: SEALLibrary;
  readonly context: Context;
  readonly encoder: CKKSEncoder;
  readonly evaluator: Evaluator;
  generateKeys(): CkksKeys;
  /** Parses ciphertext bytes of this parameter set; throws `CkksError` on anything else. */
  loadCiphertext(bytes: Uint8Array, what: string): CipherText;
  loadPublicKey(bytes: Uint8Array): PublicKey;
  loadSecretKey(bytes: Uint8Array): SecretKey;
  /** Frees the context's wasm objects; the Ckks is unusable afterwards. */
  dispose(): void;
}

/**
 * Byte lengths of SEAL's uncompressed metadata before the coefficient data: SEALHeader (16),
 * then for a ciphertext (and a public key, which is one) parms_id (32), NTT flag (1), size,
 * N, modulus count, scale, correction factor (8 each), then the data array's header (16) and
 * length (8); for a secret key (a plaintext) parms_id (32), coefficient count and scale (8 each),
 * data header (16) and length (8). For our parameters these bytes are the same in every object.
 */
const CIPHERTEXT_PREFIX = 113;
const SECRET_KEY_PREFIX = 88;

/** The exact length and fixed leading bytes every valid object of one kind has under our params. */
interface Shape {
  length: number;
  prefix: Uint8Array;
}

function shapeOf(bytes: Uint8Array, prefix: number): Shape {
  return { length: bytes.length, prefix: bytes.slice(0, prefix) };
}

/**
 * Checks bytes against a shape before SEAL sees them. SEAL's own parser aborts the wasm instance on
 * truncated input (measured), so length and metadata are checked here, and it then only has to
 * validate coefficients (each < q), which it does with a catchable error.
 */
function checkShape(bytes: Uint8Array, shape: Shape, what: string): void {
  if (!(bytes instanceof Uint8Array)) throw new CkksError(`ckks: ${what} must be a Uint8Array`);
  if (bytes.length !== shape.length) {
    throw new CkksError(
      `ckks: ${what} is ${bytes.length} bytes, expected ${shape.length} for ${PARAMS_ID} ` +
        '(truncated, compressed, or made under other parameters)',
    );
  }
  for (let i = 0; i < shape.prefix.length; i++) {
    if (bytes[i] !== shape.prefix[i])
      throw new CkksError(`ckks: ${what} was not made under ${PARAMS_ID} (metadata byte ${i} differs)`);
  }
}

/**
 * Loads node-seal (once per process) and builds the context for the fixed parameter set. It makes
 * one throwaway key pair and ciphertext to learn the exact byte shapes of this SEAL build, and
 * keeps neither key: a lab context holds no job key.
 *
 * @example
 * const ckks = await createCkks();
 * const keys = ckks.generateKeys();
 * const enc = encryptUpdate(ckks, keys.publicKey, { n: [3], grad: [0.1, -2] });
 */
export async function createCkks(): Promise<Ckks> {
  const seal = await loadSeal();
  const none = seal.ComprModeType.none;
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(POLY_MODULUS_DEGREE);
  const moduli = seal.CoeffModulus.Create(POLY_MODULUS_DEGREE, Int32Array.from(COEFF_MODULUS_BITS));
  parms.setCoeffModulus(moduli);
  moduli.delete();
  // tc128 makes SEAL itself refuse a modulus above the standard's 128-bit limit.
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  if (!context.parametersSet()) throw new CkksError(`ckks: SEAL rejected the parameters ${PARAMS_ID}`);
  const encoder = seal.CKKSEncoder(context);
  if (encoder.slotCount !== SLOT_COUNT) throw new CkksError(`ckks: SEAL reports ${encoder.slotCount} slots`);
  const evaluator = seal.Evaluator(context);
  const scale = 2 ** SCALE_BITS;

  const generateKeys = (): CkksKeys => {
    const generator = seal.KeyGenerator(context);
    const secret = generator.secretKey();
    const seeded = generator.createPublicKeySerializable();
    try {
      // Uncompressed on purpose: residues mod q look random, so zstd/zlib save under 1% (measured)
      // at 5× the serialisation time; the seed is what halves the public key.
      return { publicKey: seeded.saveArray(none), secretKey: secret.saveArray(none) };
    } finally {
      seeded.delete();
      secret.delete();
      generator.delete();
    }
  };

  // One sample of each object fixes the exact shapes every later input must have.
  const sampleKeys = generateKeys();
  const shapes = {
    publicKey: shapeOf(sampleKeys.publicKey, CIPHERTEXT_PREFIX),
    secretKey: shapeOf(sampleKeys.secretKey, SECRET_KEY_PREFIX),
    ciphertext: { length: 0, prefix: new Uint8Array() } as Shape,
  };

  const load = <T extends { loadArray(c: Context, b: Uint8Array): void; delete(): void }>(
    object: T,
    bytes: Uint8Array,
    shape: Shape,
    what: string,
  ): T => {
    try {
      checkShape(bytes, shape, what);
      object.loadArray(context, bytes);
      return object;
    } catch (error) {
      object.delete();
      if (error instanceof CkksError) throw error;
      throw new CkksError(
        `ckks: ${what} is not valid for ${PARAMS_ID}: ${(error as Error).message ?? error}`,
      );
    }
  };

  const ckks: Ckks = {
    paramsId: PARAMS_ID,
    slotCount: encoder.slotCount,
    scale,
    seal,
    context,
    encoder,
    evaluator,
    generateKeys,
    loadCiphertext: (bytes, what) => load(seal.CipherText(), bytes, shapes.ciphertext, what),
    loadPublicKey: (bytes) => load(seal.PublicKey(), bytes, shapes.publicKey, 'public key'),
    loadSecretKey: (bytes) => load(seal.SecretKey(), bytes, shapes.secretKey, 'secret key'),
    dispose: () => {
      evaluator.delete();
      encoder.delete();
      context.delete();
      parms.delete();
    },
  };
  shapes.ciphertext = shapeOf(sampleCiphertext(ckks, sampleKeys.publicKey), CIPHERTEXT_PREFIX);
  return ckks;
}

/** A fresh encryption of zeros, serialised as every ciphertext of this layer is. */
function sampleCiphertext(ckks: Ckks, publicKeyBytes: Uint8Array): Uint8Array {
  const { seal, context, encoder, scale } = ckks;
  const publicKey = ckks.loadPublicKey(publicKeyBytes);
  const encryptor = seal.Encryptor(context, publicKey);
  const plain = seal.PlainText();
  const cipher = seal.CipherText();
  try {
    encoder.encode(new Float64Array(ckks.slotCount), scale, plain);
    encryptor.encrypt(plain, cipher);
    return cipher.saveArray(seal.ComprModeType.none);
  } finally {
    cipher.delete();
    plain.delete();
    encryptor.delete();
    publicKey.delete();
  }
}
