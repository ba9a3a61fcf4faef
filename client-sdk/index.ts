// The SDK's public surface: the client, its errors and the wire contract.
export * from './client.ts';
export * from './contract/index.ts';
export * from './errors.ts';
export * from './pagination.ts';
