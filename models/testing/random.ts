// Seeded pseudo-random numbers for tests: mulberry32 uniforms and Box–Muller normals.

/**
 * A seeded generator of uniforms in [0, 1) and standard normals; reproducible across runs.
 *
 * @example
 * const rng = seededRandom(42);
 * rng.uniform(); // same value every run
 * rng.normal();
 */
export interface SeededRandom {
  uniform(): number;
  normal(): number;
}

/**
 * Builds a `SeededRandom` from a 32-bit seed (mulberry32 core, Box–Muller for normals).
 *
 * @example
 * const rng = seededRandom(7);
 * const z = rng.normal();
 */
export function seededRandom(seed: number): SeededRandom {
  let s = seed >>> 0;
  const uniform = (): number => {
    // mulberry32: a tiny 32-bit generator, good enough for test data and fully deterministic.
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Box–Muller yields normals in pairs; keep the second one for the next call.
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return { uniform, normal };
}
