// `lab keys create | list | revoke`: key administration straight against Redis (the first operator key, lock-outs).
import { AuditLog } from '../infra/audit-log.ts';
import type { LabConfig } from '../infra/config.ts';
import { connectRedis, labKeys } from '../infra/redis.ts';
import { createApiKey, KeyStateError, keyAuditEvent, listApiKeys, revokeApiKey } from '../store/api-keys.ts';
import { createdKeyText, createInput, type KeysOptions, keyLine, revokedText } from './key-text.ts';

/** The audit actor of changes made here: whoever can reach Redis directly, i.e. an administrator. */
const ACTOR = 'admin-cli';

/**
 * Runs one `keys` subcommand and returns the exit code (2: usage, 1: no such key or already revoked).
 * Keys are printed once, here; the lab keeps only their hashes.
 *
 * @example
 * process.exitCode = await keysCommand('create', { role: 'operator', tenant: 'platform', json: true }, cfg);
 */
export async function keysCommand(
  sub: 'create' | 'list' | 'revoke',
  opts: KeysOptions,
  cfg: LabConfig,
): Promise<number> {
  const input = sub === 'create' ? createInput(opts) : null;
  if (typeof input === 'string') {
    console.error(`lab keys create: ${input}`);
    return 2;
  }
  if (sub === 'revoke' && !opts.id) {
    console.error('lab keys revoke: --id is required');
    return 2;
  }
  const redis = connectRedis(cfg.redisUrl);
  const keys = labKeys(cfg.prefix);
  const audit = new AuditLog(redis, keys);
  try {
    if (input) {
      const { key, record } = await createApiKey(redis, keys, input);
      await audit.append(keyAuditEvent('key.created', ACTOR, record));
      const { keyId, role, tenant } = record;
      console.log(opts.json ? JSON.stringify({ key, keyId, role, tenant }) : createdKeyText(key, record));
    } else if (sub === 'list') {
      const data = await listApiKeys(redis, keys, opts.tenant);
      if (opts.json) console.log(JSON.stringify({ data }));
      for (const k of opts.json ? [] : data) console.log(keyLine(k));
    } else {
      const record = await revokeApiKey(redis, keys, opts.id!);
      if (!record) {
        console.error(`lab keys revoke: no key ${opts.id}`);
        return 1;
      }
      await audit.append(keyAuditEvent('key.revoked', ACTOR, record));
      console.log(opts.json ? JSON.stringify(record) : revokedText(record));
    }
    return 0;
  } catch (err) {
    if (!(err instanceof KeyStateError)) throw err;
    console.error(`lab keys ${sub}: ${err.message}`);
    return 1;
  } finally {
    await audit.close();
    redis.disconnect();
  }
}
