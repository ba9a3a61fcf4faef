// A whole lab on real processes for end-to-end tests: synthetic world, keys, API, coordinator, brokers.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectRedis, labKeys } from '../../lab/infra/redis.ts';
import { createApiKey } from '../../lab/store/api-keys.ts';
import { dropPrefix } from '../../scripts/lib/redis.ts';
import type { ScenarioKeys } from '../../scripts/lib/scenario.ts';
import { type Stack, type StackOptions, startStack } from '../../scripts/lib/stack.ts';
import { generateWorld, type WorldSummary } from '../../scripts/synth/index.ts';
import { TEST_REDIS_URL, testMasterKey, testPrefix } from './redis.ts';

export interface StackFixture {
  stack: Stack;
  world: WorldSummary;
  worldDir: string;
  keys: ScenarioKeys;
  prefix: string;
  close(): Promise<void>;
}

/** A world generated once: its folder and summary. */
type GeneratedWorld = Pick<StackFixture, 'world' | 'worldDir'>;

/** Generates a fresh world in a temporary folder. */
async function freshWorld(name: string, enterprises: number, seed: number): Promise<GeneratedWorld> {
  const worldDir = await mkdtemp(path.join(os.tmpdir(), `jml-${name}-`));
  const world = await generateWorld({ out: worldDir, enterprises, domains: 3, seed });
  return { world, worldDir };
}

/**
 * A lab on its own prefix over a fresh synthetic world, or over `reuseWorld` (another fixture's
 * world, left in place by `close()`: its owner removes it).
 *
 * @example
 * const fx = await stackFixture('e2e', { enterprises: 6000 }); … await fx.close();
 * const twin = await stackFixture('e2e-unsafe', { reuseWorld: fx, unsafeNoSandbox: true });
 */
export async function stackFixture(
  name: string,
  opts: Partial<
    Pick<StackOptions, 'coordinatorLockMs' | 'brokerLockMs' | 'brokerWarmIdleMs' | 'unsafeNoSandbox'>
  > & {
    enterprises?: number;
    seed?: number;
    reuseWorld?: GeneratedWorld;
  } = {},
): Promise<StackFixture> {
  const prefix = testPrefix(name);
  const { world, worldDir } =
    opts.reuseWorld ?? (await freshWorld(name, opts.enterprises ?? 6000, opts.seed ?? 11));
  const redis = connectRedis(TEST_REDIS_URL);
  const make = async (role: 'operator' | 'bank-scientist' | 'risk-system', tenant: string) =>
    (await createApiKey(redis, labKeys(prefix), { role, tenant, name: role })).key;
  const keys = {
    operator: await make('operator', 'platform'),
    operator2: await make('operator', 'platform'),
    scientist: await make('bank-scientist', world.bank),
    risk: await make('risk-system', world.bank),
  };
  redis.disconnect();
  const stack = await startStack({
    redisUrl: TEST_REDIS_URL,
    prefix,
    masterKey: testMasterKey(),
    domainDirs: world.domains.map((d) => path.join(worldDir, 'domains', d.id)),
    coordinatorLockMs: opts.coordinatorLockMs,
    brokerLockMs: opts.brokerLockMs,
    brokerWarmIdleMs: opts.brokerWarmIdleMs,
    unsafeNoSandbox: opts.unsafeNoSandbox,
    showLogs: true,
  });
  return {
    stack,
    world,
    worldDir,
    keys,
    prefix,
    async close() {
      await stack.stop();
      await dropPrefix(TEST_REDIS_URL, prefix);
      if (!opts.reuseWorld) await rm(worldDir, { recursive: true, force: true });
    },
  };
}
