// Picks the TensorFlow.js backend inside an enclave (tfjs-node if installed, else wasm, else cpu) and
// provides the dense kernels the strategies borrow.
import * as tf from '@tensorflow/tfjs';
import type { DenseOps } from '../../models/strategy.ts';

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

const tensors = new WeakMap<Float64Array, tf.Tensor2D>();

/**
 * Xᵀdiag(w)X on the active backend (float32: curvature only, the strategies keep gradients in
 * float64). The matrix tensor is cached per array, since a job's rows do not change between rounds.
 *
 * @example
 * const h = tfOps.xtwx(z, w, n, d);
 */
export const tfOps: DenseOps = {
  xtwx(x, w, n, d) {
    let xt = tensors.get(x);
    if (!xt) {
      xt = tf.tensor2d(Float32Array.from(x), [n, d]);
      tensors.set(x, xt);
    }
    const out = tf.tidy(() => {
      const wt = tf.tensor2d(Float32Array.from(w), [n, 1]);
      return tf.matMul(xt!, xt!.mul(wt), true, false);
    });
    const data = out.dataSync();
    out.dispose();
    return Float64Array.from(data);
  },
};
