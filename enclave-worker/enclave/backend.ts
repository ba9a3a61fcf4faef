// Picks the TensorFlow.js backend inside an enclave (tfjs-node if installed, else wasm, else cpu) and
// provides the dense kernels the strategies borrow.

import type { DenseOps } from '../../models/strategy.ts';
import * as tf from '../../models/tf.ts';

/**
 * Initialises the fastest available backend and returns its name.
 *
 * @example
 * const backend = await initBackend(); // 'wasm' here
 */
export async function initBackend(): Promise<string> {
  try {
    // Optional dependency: present only where its native library could be installed.
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
    if (await tf.setBackend('tensorflow')) return tf.getBackend();
  } catch {
    // not installed here
  }
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return tf.getBackend();
    }
  } catch {
    // wasm unavailable
  }
  await tf.setBackend('cpu');
  return tf.getBackend();
}

const tensors = new WeakMap<Float64Array, { x: tf.Tensor2D; xt: tf.Tensor2D }>();

/**
 * Xᵀdiag(w)X on the active backend (float32: curvature only, the strategies keep gradients in
 * float64). The matrix and its transpose are cached per array, since a job's rows do not change
 * between rounds; (Xᵀ∘w)·X is several times faster on wasm than a transposed-operand Xᵀ·(X∘w).
 *
 * @example
 * const h = tfOps.xtwx(z, w, n, d);
 */
export const tfOps: DenseOps = {
  xtwx(x, w, n, d) {
    let cached = tensors.get(x);
    if (!cached) {
      const xs = tf.tensor2d(Float32Array.from(x), [n, d]);
      cached = { x: xs, xt: tf.transpose(xs) };
      tensors.set(x, cached);
    }
    const { x: xs, xt } = cached;
    const out = tf.tidy(() => tf.matMul(tf.mul(xt, tf.tensor2d(Float32Array.from(w), [1, n])), xs));
    const data = out.dataSync();
    out.dispose();
    return Float64Array.from(data);
  },
};
