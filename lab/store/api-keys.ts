// API keys: 32 random bytes shown once, stored only as their SHA-256, each bound to a role and a tenant.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { PLATFORM_ROLES, Role } from '../../client-sdk/contract/resources.ts';
import type { LabKeys } from '../infra/redis.ts';

export const Principal = z.object({
  keyId: z.string(),
  role: Role,
  /** A bank id, a domain id (data providers), or `platform` (operators, auditors). */
  tenant: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export type Principal = z.infer<typeof Principal>;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Creates a key and returns it in clear exactly once; Redis keeps only its hash.
 *
 * @example
 * const { key } = await createApiKey(redis, keys, { role: 'operator', tenant: 'platform', name: 'ops-1' });
 */
export async function createApiKey(
  redis: Redis,
  keys: LabKeys,
  input: { role: Role; tenant: string; name: string },
): Promise<{ key: string; principal: Principal }> {
  const platform = PLATFORM_ROLES.includes(input.role);
  if (platform && input.tenant !== 'platform')
    throw new Error(`${input.role} keys belong to tenant platform`);
  if (!platform && input.tenant === 'platform')
    throw new Error(`${input.role} keys need a bank or domain tenant`);
  const key = `jml_${randomBytes(32).toString('base64url')}`;
  const hash = hashKey(key);
  const principal: Principal = { ...input, keyId: hash.slice(0, 12), createdAt: new Date().toISOString() };
  await redis.set(keys.apiKey(hash), JSON.stringify(principal));
  return { key, principal };
}

/**
 * Resolves a presented key to its principal, or null.
 *
 * @example
 * const who = await lookupApiKey(redis, keys, bearer);
 */
export async function lookupApiKey(redis: Redis, keys: LabKeys, key: string): Promise<Principal | null> {
  if (!/^jml_[A-Za-z0-9_-]{43}$/.test(key)) return null;
  const raw = await redis.get(keys.apiKey(hashKey(key)));
  return raw ? Principal.parse(JSON.parse(raw)) : null;
}
