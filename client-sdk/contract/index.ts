// The public wire contract shared by the lab and the SDK: zod schemas and the types inferred from them.
export * from './audit.ts';
export * from './errors.ts';
export * from './job-spec.ts';
export * from './quality.ts';
export * from './resources.ts';
export * from './uscc.ts';
