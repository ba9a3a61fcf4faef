// `lab keys create | list | revoke`: key administration straight against Redis (the first operator key, lock-outs).
import { type ApiKeyRecord, CreateKeyRequest } from '../../client-sdk/contract/keys.ts';
import { AuditLog } from '../infra/audit-log.ts';
import type { LabConfig } from '../infra/config.ts';
import { connectRedis, labKeys } from '../infra/redis.ts';
import { createApiKey, KeyStateError, keyAuditEvent, listApiKeys, revokeApiKey } from '../store/api-keys.ts';

export interface KeysOptions {
  role?: string;
  tenant?: string;
  name?: string;
  rateLimit?: string;
  id?: string;
  json?: boolean;
}

/** The audit actor of changes made here: whoever can reach Redis directly, i.e. an administrator. */
const ACTOR = 'admin-cli';

const status = (k: ApiKeyRecord, now = Date.now()) =>
  k.revokedAt !== null
    ? `${Date.parse(k.revokedAt) <= now ? 'revoked' : 'revokes'} ${k.revokedAt}`
    : k.expiresAt !== null && Date.parse(k.expiresAt) <= now
      ? `expired ${k.expiresAt}`
      : 'active';

/** Checks the flags of `keys create` against the same schema as `POST /v1/keys`. */
function createInput(opts: KeysOptions): CreateKeyRequest | string {
  const rateLimit =
    opts.rateLimit === undefined
      ? undefined
      : /^\d+$/.test(opts.rateLimit)
        ? Number(opts.rateLimit)
        : opts.rateLimit;
  const parsed = CreateKeyRequest.safeParse({
    role: opts.role,
    tenant: opts.tenant,
    name: opts.name,
    rateLimit,
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = String(issue.path[0] ?? 'role').replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
  return `--${flag}: ${issue.message}`;
}

/**
 * Runs one `keys` subcommand and returns the exit code (2: usage, 1: no such key or already revoked).
 * Keys are printed once, here; the lab keeps only their hashes.
 *
 * @example
 * process.exitCode = await keysCommand('create', { role: 'operator', tenant: 'platform', json: true }, cfg);
 */
export async function keysCommand(
  sub: string | undefined,
  opts: KeysOptions,
  cfg: LabConfig,
): Promise<number> {
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    console.error('lab keys: create | list | revoke');
    return 2;
  }
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
      const { keyId, role, tenant, rateLimit } = record;
      console.log(
        opts.json
          ? JSON.stringify({ key, keyId, role, tenant })
          : `${key}\n  shown once: store it now (the lab keeps only its hash)\n  ${keyId}  ${role}@${tenant}  ${rateLimit} requests/min`,
      );
    } else if (sub === 'list') {
      const data = await listApiKeys(redis, keys, opts.tenant);
      if (opts.json) console.log(JSON.stringify({ data }));
      for (const k of opts.json ? [] : data)
        console.log(`${k.keyId}  ${k.role}@${k.tenant}  ${k.rateLimit}/min  ${status(k)}  ${k.name}`);
    } else {
      const record = await revokeApiKey(redis, keys, opts.id!);
      if (!record) {
        console.error(`lab keys revoke: no key ${opts.id}`);
        return 1;
      }
      await audit.append(keyAuditEvent('key.revoked', ACTOR, record));
      console.log(opts.json ? JSON.stringify(record) : `${record.keyId} revoked at ${record.revokedAt}`);
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
