// Process configuration from the environment: where Redis is and which key prefix this lab owns.
import { z } from 'zod';

const Env = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Every Redis key of this lab instance starts with this; many labs and test runs share one Redis. */
  LAB_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('jml'),
});

export interface LabConfig {
  redisUrl: string;
  prefix: string;
}

/**
 * Reads `REDIS_URL` and `LAB_PREFIX`, with overrides (CLI flags win over the environment).
 *
 * @example
 * const cfg = loadConfig({ prefix: 'test-1' }); // { redisUrl: 'redis://127.0.0.1:6379', prefix: 'test-1' }
 */
export function loadConfig(
  overrides: Partial<LabConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): LabConfig {
  const parsed = Env.parse({
    REDIS_URL: env.REDIS_URL || undefined,
    LAB_PREFIX: env.LAB_PREFIX || undefined,
  });
  return {
    redisUrl: overrides.redisUrl ?? parsed.REDIS_URL,
    prefix: overrides.prefix ?? parsed.LAB_PREFIX,
  };
}
