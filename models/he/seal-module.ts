// Loads the node-seal wasm module once per process; every CKKS context shares it.

import type { SEALLibrary } from 'node-seal/implementation/seal.js';

let library: Promise<SEALLibrary> | undefined;

/**
 * The SEAL library (node-seal 6, the Node "throws" build: SEAL errors surface as catchable JS
 * errors). Instantiating the wasm takes ~150 ms, so it happens once; a failed load is retried on
 * the next call instead of being cached.
 *
 * @example
 * const seal = await loadSeal(); seal.Version; // '6.0.3'
 */
export function loadSeal(): Promise<SEALLibrary> {
  library ??= import('node-seal/throws_wasm_node_umd.js')
    .then((mod) => {
      // The UMD build is CommonJS: its module.exports (the factory) arrives as the default export.
      const exported = mod.default as unknown;
      const factory = (
        typeof exported === 'function' ? exported : (exported as { default: unknown }).default
      ) as () => Promise<SEALLibrary>;
      return factory();
    })
    .catch((error: unknown) => {
      library = undefined;
      throw error;
    });
  return library;
}
