// TensorFlow.js as the lab uses it: the core ops, the layers API (MLPs) and the CPU backend. The
// union package would also load the converter, data and WebGL modules, which nothing here needs
// and which cost enclave start-up time.
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
