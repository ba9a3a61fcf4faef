// Seeded, backend-independent randomness for the MLP: seed mixing, mulberry32, Glorot init, shuffles, splits.
// Glorot-uniform initialisation: Glorot & Bengio, "Understanding the difficulty of training deep
// feedforward neural networks", AISTATS 2010.

/**
 * Stream tags, so the init, split, shuffle and dropout streams of one seed are unrelated.
 *
 * @example
 * mixSeed(config.seed, SEED_TAG.split, rowIndex);
 */
export const SEED_TAG = { init: 1, split: 2, shuffle: 3, dropout: 4 } as const;

/**
 * murmur3's 32-bit finaliser: every input bit affects every output bit.
 *
 * @example
 * fmix32(1); // a well-mixed 32-bit unsigned integer
 */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Folds integers (seed, tag, round, epoch, batch, …) into one 32-bit seed. Integers beyond 32
 * bits are taken modulo 2³², like any 32-bit generator would.
 *
 * @example
 * mixSeed(1, SEED_TAG.shuffle, 4, 0); // the shuffle seed of round 4, epoch 0
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = fmix32((h ^ fmix32(p >>> 0)) + 0x9e3779b9);
  return h;
}

/**
 * mulberry32: a tiny 32-bit generator of uniforms in [0, 1). Used instead of tf.random so the
 * numbers are the same on every backend and need no tensors.
 *
 * @example
 * const u = mulberry32(42);
 * u(); // same value every run
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Initial weights for the given shapes, flattened in order: kernels Glorot-uniform on
 * ±√(6 / (fan_in + fan_out)), biases zero. Values are rounded to float32, so the vector equals
 * the network's weights exactly once loaded.
 *
 * @example
 * glorotUniform([[3, 2], [2]], 1).length; // 8, the last two 0
 */
export function glorotUniform(shapes: readonly number[][], seed: number): number[] {
  const next = mulberry32(mixSeed(seed, SEED_TAG.init));
  const out: number[] = [];
  for (const shape of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (shape.length !== 2) {
      for (let i = 0; i < size; i++) out.push(0);
      continue;
    }
    const limit = Math.sqrt(6 / (shape[0]! + shape[1]!));
    for (let i = 0; i < size; i++) out.push(Math.fround((2 * next() - 1) * limit));
  }
  return out;
}

/**
 * A seeded Fisher–Yates shuffle of a copy of `indices`.
 *
 * @example
 * shuffled(Uint32Array.of(0, 1, 2, 3), mixSeed(1, SEED_TAG.shuffle, 0, 0)); // a fixed permutation
 */
export function shuffled(indices: Uint32Array, seed: number): Uint32Array {
  const out = indices.slice();
  const next = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * A domain's deterministic train/validation split: row i is validation when a seeded hash of i,
 * read as a uniform in [0, 1), falls below `fraction`. It depends on nothing but (seed, i), so
 * every round and every retry of a round sees the same split.
 *
 * @example
 * const { train, validation } = splitIndices(1000, 0.1, 1); // about 100 validation rows
 */
export function splitIndices(
  n: number,
  fraction: number,
  seed: number,
): { train: Uint32Array; validation: Uint32Array } {
  const isValidation = new Uint8Array(n);
  let nVal = 0;
  for (let i = 0; i < n; i++) {
    if (mixSeed(seed, SEED_TAG.split, i) / 4294967296 < fraction) {
      isValidation[i] = 1;
      nVal++;
    }
  }
  const train = new Uint32Array(n - nVal);
  const validation = new Uint32Array(nVal);
  let t = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    if (isValidation[i]) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}
