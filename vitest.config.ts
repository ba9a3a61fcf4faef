import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests live in test/ and talk to a real Redis.
export default defineConfig({
  test: {
    include: [
      'models/**/*.test.ts',
      'lab/**/*.test.ts',
      'enclave-worker/**/*.test.ts',
      'client-sdk/**/*.test.ts',
      'scripts/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
