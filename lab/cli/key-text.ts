// How `lab keys` reads its flags and prints keys, the same whether it goes over HTTP or to Redis.
import { type ApiKeyRecord, CreateKeyRequest } from '../../client-sdk/contract/keys.ts';

export interface KeysOptions {
  role?: string;
  tenant?: string;
  name?: string;
  rateLimit?: string;
  expiresAt?: string;
  id?: string;
  json?: boolean;
}

const status = (k: ApiKeyRecord, now: number) =>
  k.revokedAt !== null
    ? `${Date.parse(k.revokedAt) <= now ? 'revoked' : 'revokes'} ${k.revokedAt}`
    : k.expiresAt !== null && Date.parse(k.expiresAt) <= now
      ? `expired ${k.expiresAt}`
      : 'active';

/**
 * One line per key record (shared by the direct and the HTTP `keys list`).
 *
 * @example
 * keyLine(record); // 'key_0123456789abcdef  operator@platform  600/min  active  ops'
 */
export const keyLine = (k: ApiKeyRecord, now = Date.now()) =>
  `${k.keyId}  ${k.role}@${k.tenant}  ${k.rateLimit}/min  ${status(k, now)}  ${k.name}`;

/**
 * A new key as `keys create` prints it: the key alone on the first line, shown once.
 *
 * @example
 * createdKeyText(key, record).split('\n')[0] === key; // true
 */
export const createdKeyText = (key: string, { keyId, role, tenant, rateLimit }: ApiKeyRecord) =>
  `${key}\n  shown once: store it now (the lab keeps only its hash)\n  ${keyId}  ${role}@${tenant}  ${rateLimit} requests/min`;

/**
 * Checks the flags of `keys create` against the same schema as `POST /v1/keys`; a string is the
 * first problem, named by its flag.
 *
 * @example
 * createInput({ role: 'operator', tenant: 'bank-a' }); // '--tenant: operator keys belong to tenant platform'
 */
export function createInput(opts: KeysOptions): CreateKeyRequest | string {
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
    expiresAt: opts.expiresAt,
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = String(issue.path[0] ?? 'role').replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
  return `--${flag}: ${issue.message}`;
}

/** A revoked key as `keys revoke` prints it. */
export const revokedText = (k: ApiKeyRecord) => `${k.keyId} revoked at ${k.revokedAt}`;
