// API keys: 32 random bytes shown once, stored only as their SHA-256; records listed per tenant, rotated, revoked.
import { hash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ApiKeyRecord, defaultRateLimit, tenantProblem } from '../../client-sdk/contract/keys.ts';
import type { Role } from '../../client-sdk/contract/resources.ts';
import type { AuditEvent } from '../infra/audit-log.ts';
import { type LabKeys, runScript } from '../infra/redis.ts';
import { RecordStore } from './records.ts';

/** The caller a request speaks for: its key's record. */
export const Principal = ApiKeyRecord;
export type Principal = ApiKeyRecord;

/** What Redis holds per key, under the key's hash: its record and the hash — never the key. */
const StoredKey = ApiKeyRecord.extend({ hash: z.string().regex(/^[0-9a-f]{64}$/) });
type StoredKey = z.infer<typeof StoredKey>;

const KEY_FORMAT = /^jml_[A-Za-z0-9_-]{43}$/;
const hashKey = (key: string) => hash('sha256', key, 'hex');

/**
 * Writes a new key's record and indexes in one step; with a replaced record (rotation), only if
 * that record is still exactly as read, so two rotations of one key cannot both succeed. Indexes
 * score the n-th key ever created n, so listings keep creation order even within a millisecond.
 * KEYS: record, id index, tenant index, all index[, replaced record]. ARGV: record, hash[, replaced
 * as read, replaced updated]. Returns 1, 0 (the replaced record changed), -1 (the id is taken).
 */
const PUT_KEY = `
if KEYS[5] and redis.call('GET', KEYS[5]) ~= ARGV[3] then return 0 end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX') then return -1 end
local n = redis.call('ZCARD', KEYS[4]) + 1
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[3], n, ARGV[2])
redis.call('ZADD', KEYS[4], n, ARGV[2])
if KEYS[5] then redis.call('SET', KEYS[5], ARGV[4]) end
return 1
`;

export interface NewKey {
  role: Role;
  tenant: string;
  name?: string;
  /** Requests per minute (default by role, see `defaultRateLimit`). */
  rateLimit?: number;
  expiresAt?: string | null;
}

/** Whether a key still authenticates at `now`: not revoked (or still in its grace period), not expired. */
function isLive(record: ApiKeyRecord, now = Date.now()): boolean {
  const past = (at: string | null) => at !== null && Date.parse(at) <= now;
  return !past(record.revokedAt) && !past(record.expiresAt);
}

/** The stored key without its hash (already validated when read). */
const toRecord = ({ hash: _hash, ...record }: StoredKey): ApiKeyRecord => record;
const records = (redis: Redis, keys: LabKeys) => new RecordStore(redis, StoredKey, keys.apiKey);

async function put(
  redis: Redis,
  keys: LabKeys,
  input: NewKey & { rotatedFrom?: string },
  replacing?: { raw: string; updated: StoredKey },
): Promise<{ key: string; record: ApiKeyRecord } | null> {
  const problem = tenantProblem(input.role, input.tenant);
  if (problem) throw new Error(problem);
  for (let attempt = 0; attempt < 5; attempt++) {
    const key = `jml_${randomBytes(32).toString('base64url')}`;
    const stored: StoredKey = StoredKey.parse({
      keyId: `key_${randomBytes(8).toString('hex')}`,
      role: input.role,
      tenant: input.tenant,
      name: input.name ?? `${input.role}@${input.tenant}`,
      rateLimit: input.rateLimit ?? defaultRateLimit(input.role),
      createdAt: new Date().toISOString(),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      rotatedFrom: input.rotatedFrom ?? null,
      hash: hashKey(key),
    });
    const keyNames = [
      keys.apiKey(stored.hash),
      keys.apiKeyId(stored.keyId),
      keys.apiKeysByTenant(stored.tenant),
      keys.apiKeysAll,
      ...(replacing ? [keys.apiKey(replacing.updated.hash)] : []),
    ];
    const args = [JSON.stringify(stored), stored.hash];
    if (replacing) args.push(replacing.raw, JSON.stringify(StoredKey.parse(replacing.updated)));
    const done = await redis.eval(PUT_KEY, keyNames.length, ...keyNames, ...args);
    if (done === 1) return { key, record: toRecord(stored) };
    if (done === 0) return null;
  }
  throw new Error('api keys: could not draw an unused key id');
}

/**
 * Creates a key and returns it in clear exactly once; Redis keeps only its hash.
 *
 * @example
 * const { key, record } = await createApiKey(redis, keys, { role: 'operator', tenant: 'platform', name: 'ops-1' });
 */
export async function createApiKey(
  redis: Redis,
  keys: LabKeys,
  input: NewKey,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const created = await put(redis, keys, input);
  if (!created) throw new Error('api keys: a new key cannot conflict');
  return created;
}

/**
 * Reads a key's record and, if it exists, counts one request in its rate-limit window, in one round
 * trip. The window opens with the key's first request and expires by itself, so idle keys leave
 * nothing behind; the PTTL repair covers a counter whose expiry was lost (e.g. written by hand),
 * which would otherwise block forever. KEYS: record, counter. ARGV: window ms. Returns false or
 * `{record, count, ttl ms}`.
 */
const LOOKUP_AND_COUNT_STEPS = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  ttl = tonumber(ARGV[1])
end
`;
const LOOKUP_AND_COUNT = `${LOOKUP_AND_COUNT_STEPS}return {raw, n, ttl}`;

/**
 * LOOKUP_AND_COUNT, then the hash fields ARGV[2…] of KEYS[3] (a hash of the key's tenant, e.g. its
 * authorisations), read in the same round trip. Fields are read in chunks (Lua's unpack limit).
 * Returns false or `{record, count, ttl ms, value…}` (a missing field is nil).
 */
const LOOKUP_COUNT_AND_READ = `${LOOKUP_AND_COUNT_STEPS}
local out = {raw, n, ttl}
local i = 2
while i <= #ARGV do
  local j = math.min(i + 999, #ARGV)
  local got = redis.call('HMGET', KEYS[3], unpack(ARGV, i, j))
  for k = 1, #got do out[#out + 1] = got[k] end
  i = j + 1
end
return out
`;

/**
 * For the hash fields ARGV[first…] of KEYS[3] — windows `from:until` in epoch ms — one character
 * each in `verdicts`: '1' when the window holds ARGV[first - 1] (from ≤ at < until), '0' when it
 * does not, '?' when the field is missing or not a window. Fields are read in chunks (Lua's unpack
 * limit).
 */
const CHECK_WINDOWS_STEPS = (first: number) => `
local at = tonumber(ARGV[${first - 1}])
local verdicts = {}
local i = ${first}
while i <= #ARGV do
  local j = math.min(i + 999, #ARGV)
  local got = redis.call('HMGET', KEYS[3], unpack(ARGV, i, j))
  for k = 1, #got do
    local v = '?'
    local w = got[k]
    if w then
      local sep = string.find(w, ':', 1, true)
      local from = sep and tonumber(string.sub(w, 1, sep - 1))
      local untl = sep and tonumber(string.sub(w, sep + 1))
      if from and untl then v = (from <= at and at < untl) and '1' or '0' end
    end
    verdicts[#verdicts + 1] = v
  end
  i = j + 1
end
`;

/**
 * LOOKUP_AND_COUNT, then the window verdicts (CHECK_WINDOWS_STEPS) of ARGV[3…] at ARGV[2]. Returns
 * false or `{record, count, ttl ms, verdicts}`: one short string instead of thousands of values,
 * for the caller to parse.
 */
const LOOKUP_COUNT_AND_CHECK = `${LOOKUP_AND_COUNT_STEPS}${CHECK_WINDOWS_STEPS(3)}
return {raw, n, ttl, table.concat(verdicts)}
`;

/**
 * The window verdicts of ARGV[2…] at ARGV[1] in KEYS[3], without the key lookup (KEYS[1] and
 * KEYS[2] are the record and counter, unused, so all three scripts name the same keys): the rest
 * of a large request's fields, after the first chunk went with the lookup.
 */
const CHECK_WINDOWS = `${CHECK_WINDOWS_STEPS(2)}
return table.concat(verdicts)
`;

/**
 * Fields checked per script run. Redis runs one script at a time and nothing else meanwhile: a
 * 10,000-entity batch checked in one run held every other client (single-entity scoring, the
 * brokers' replies) for 20–40 ms on a slow stretch of a 2-core machine; in runs of this size, one
 * after another, the others get in between.
 */
export const WINDOW_CHECK_CHUNK = 1000;

/** A request's place in its key's rate-limit window. */
export interface RateWindow {
  count: number;
  ttlMs: number;
}

/**
 * The tenant of each key hash seen by this process (a key's tenant never changes), so a lookup
 * can read the tenant's data in the same round trip. Hashes only, never keys; bounded.
 */
const tenantOfHash = new Map<string, string>();
const TENANTS_KEPT = 10_000;

/**
 * Key records as parsed, by their stored JSON: the hot path parses a record only when it changed
 * (a revocation or rotation writes a new one). Bounded like `tenantOfHash`.
 */
const parsedRecords = new Map<string, StoredKey>();

function parseStored(raw: string): StoredKey {
  let stored = parsedRecords.get(raw);
  if (!stored) {
    stored = StoredKey.parse(JSON.parse(raw));
    if (parsedRecords.size >= TENANTS_KEPT) parsedRecords.clear();
    parsedRecords.set(raw, stored);
  }
  return stored;
}

/**
 * Hash fields to read with the key lookup: `key(tenant)` names the hash once the tenant is known.
 * With `windowAt` (epoch ms), the fields hold windows `from:until` and the lookup answers one
 * verdict character per field instead of the values (see LOOKUP_COUNT_AND_CHECK).
 */
export interface CompanionRead {
  key: (tenant: string) => string;
  fields: readonly string[];
  windowAt?: number;
}

/**
 * Resolves a presented key to its principal, or null (unknown, malformed, revoked or expired), and
 * counts the request in the key's rate-limit window of `windowMs` (keyed by the key's hash). With
 * `companion`, also reads those fields of the tenant's hash in the same round trip once this
 * process has seen the key before (`companion` in the answer; null when they were not read).
 *
 * @example
 * const who = await lookupApiKey(redis, keys, bearer, 60_000); // { principal, window: { count, ttlMs }, companion: null }
 */
export async function lookupApiKey(
  redis: Redis,
  keys: LabKeys,
  key: string,
  windowMs: number,
  companion?: CompanionRead,
): Promise<{
  principal: Principal;
  window: RateWindow;
  companion: (string | null)[] | null;
  verdicts: string | null;
} | null> {
  if (!KEY_FORMAT.test(key)) return null;
  const hash = hashKey(key);
  const tenant = companion ? tenantOfHash.get(hash) : undefined;
  const checking = companion?.windowAt !== undefined;
  const fields = companion?.fields ?? [];
  const firstFields =
    checking && fields.length > WINDOW_CHECK_CHUNK ? fields.slice(0, WINDOW_CHECK_CHUNK) : fields;
  const recordKeys = [keys.apiKey(hash), keys.rateLimit(hash)];
  // The record, its counter and the tenant's hash: the keys of the scripts that read the hash too.
  const withHash = tenant !== undefined && companion ? [...recordKeys, companion.key(tenant)] : null;
  const reply = (
    withHash && companion
      ? checking
        ? await runScript(
            redis,
            'labLookupKeyAndCheck',
            LOOKUP_COUNT_AND_CHECK,
            [...withHash, windowMs, companion.windowAt!, ...firstFields],
            3,
          )
        : await runScript(
            redis,
            'labLookupKeyAndRead',
            LOOKUP_COUNT_AND_READ,
            [...withHash, windowMs, ...companion.fields],
            3,
          )
      : await runScript(redis, 'labLookupKey', LOOKUP_AND_COUNT, [...recordKeys, windowMs])
  ) as [string, number, number, ...(string | null)[]] | null;
  if (!reply) return null;
  const stored = parseStored(reply[0]);
  if (!isLive(stored)) return null;
  if (tenantOfHash.size >= TENANTS_KEPT) tenantOfHash.clear();
  tenantOfHash.set(hash, stored.tenant);
  // Read for the tenant this key had when last seen; used only if it is still the key's tenant.
  const own = tenant !== undefined && tenant === stored.tenant;
  return {
    principal: toRecord(stored),
    window: { count: reply[1], ttlMs: reply[2] },
    companion: own && !checking ? (reply.slice(3) as (string | null)[]) : null,
    verdicts:
      own && checking
        ? await checkRemainingWindows(redis, withHash!, companion!, String(reply[3] ?? ''))
        : null,
  };
}

/**
 * The verdicts of `read` (those of the first chunk of `companion.fields`) followed by those of the
 * remaining fields, one script run per `WINDOW_CHECK_CHUNK` fields, each awaited before the next.
 */
async function checkRemainingWindows(
  redis: Redis,
  scriptKeys: string[],
  companion: CompanionRead,
  read: string,
): Promise<string> {
  let verdicts = read;
  for (let at = WINDOW_CHECK_CHUNK; at < companion.fields.length; at += WINDOW_CHECK_CHUNK) {
    const fields = companion.fields.slice(at, at + WINDOW_CHECK_CHUNK);
    const args = [...scriptKeys, companion.windowAt!, ...fields];
    verdicts += String(await runScript(redis, 'labCheckWindows', CHECK_WINDOWS, args, 3));
  }
  return verdicts;
}

/** Anything shaped like a key, whole or cut short (a cut key still gives most of it away). */
const KEY_LIKE = /jml_[A-Za-z0-9_-]{16,}/g;

/**
 * Masks anything shaped like an API key, for text that may quote a caller's input.
 *
 * @example
 * redactKeys("unknown field 'jml_Zk9…'"); // "unknown field 'jml_[redacted]'"
 */
export const redactKeys = (text: string) => text.replace(KEY_LIKE, 'jml_[redacted]');

async function readById(redis: Redis, keys: LabKeys, keyId: string) {
  const hash = await redis.get(keys.apiKeyId(keyId));
  const raw = hash === null ? null : await redis.get(keys.apiKey(hash));
  return raw === null ? null : { raw, stored: StoredKey.parse(JSON.parse(raw)) };
}

/**
 * A key's record by its id if the key still authenticates (not revoked, not expired), else null:
 * for sessions that stand for a key (the operator console).
 *
 * @example
 * const principal = await liveKeyById(redis, keys, session.keyId);
 */
export async function liveKeyById(redis: Redis, keys: LabKeys, keyId: string): Promise<Principal | null> {
  const found = await readById(redis, keys, keyId);
  return found && isLive(found.stored) ? toRecord(found.stored) : null;
}

/**
 * One tenant's key records, or every record without a tenant; oldest first, without hashes.
 *
 * @example
 * (await listApiKeys(redis, keys, 'bank-a')).map((k) => k.keyId);
 */
export async function listApiKeys(redis: Redis, keys: LabKeys, tenant?: string): Promise<ApiKeyRecord[]> {
  const hashes = await redis.zrange(
    tenant === undefined ? keys.apiKeysAll : keys.apiKeysByTenant(tenant),
    0,
    -1,
  );
  return (await records(redis, keys).getMany(hashes)).map(toRecord);
}

/**
 * A key cannot be revoked or rotated twice, nor rotated once expired (the routes answer 409).
 *
 * @example
 * if (err instanceof KeyStateError) throw new HttpError(409, 'conflict', err.message);
 */
export class KeyStateError extends Error {
  override name = 'KeyStateError';
}

/**
 * Revokes a key now (also one still in a rotation's grace period); null if there is no such key.
 *
 * @example
 * await revokeApiKey(redis, keys, 'key_0123456789abcdef'); // the next request with it gets 401
 */
export async function revokeApiKey(redis: Redis, keys: LabKeys, keyId: string): Promise<ApiKeyRecord | null> {
  const found = await readById(redis, keys, keyId);
  if (!found) return null;
  const now = Date.now();
  const updated = await records(redis, keys).update(found.stored.hash, (current) => {
    if (current.revokedAt !== null && Date.parse(current.revokedAt) <= now)
      throw new KeyStateError(`key ${keyId} is already revoked`);
    return { ...current, revokedAt: new Date(now).toISOString() };
  });
  return updated && toRecord(updated);
}

/**
 * Replaces a key with a new one of the same role, tenant, name, limit and expiry (shown once), and
 * revokes the old one after `graceSeconds`; null if there is no such key.
 *
 * @example
 * const { key, record, previous } = (await rotateApiKey(redis, keys, id, 300))!;
 */
export async function rotateApiKey(
  redis: Redis,
  keys: LabKeys,
  keyId: string,
  graceSeconds: number,
): Promise<{ key: string; record: ApiKeyRecord; previous: ApiKeyRecord } | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const found = await readById(redis, keys, keyId);
    if (!found) return null;
    const old = found.stored;
    if (old.revokedAt !== null) throw new KeyStateError(`key ${keyId} is revoked or already rotated`);
    if (!isLive(old)) throw new KeyStateError(`key ${keyId} has expired`);
    const updated = { ...old, revokedAt: new Date(Date.now() + graceSeconds * 1000).toISOString() };
    const same = { role: old.role, tenant: old.tenant, name: old.name, rateLimit: old.rateLimit };
    const replacement = { ...same, expiresAt: old.expiresAt, rotatedFrom: keyId };
    const created = await put(redis, keys, replacement, { raw: found.raw, updated });
    if (created) return { ...created, previous: toRecord(updated) };
  }
  throw new Error(`api keys: too much contention rotating ${keyId}`);
}

/**
 * The audit event of a key change: who, which key, its role and limits — never the key or its hash.
 *
 * @example
 * await audit.append(keyAuditEvent('key.created', actorOf(p), record));
 */
export function keyAuditEvent(
  kind: 'key.created' | 'key.rotated' | 'key.revoked',
  actor: string,
  record: ApiKeyRecord,
  details: Record<string, unknown> = {},
): AuditEvent {
  const { keyId, role, name, rateLimit, expiresAt, revokedAt } = record;
  return {
    kind,
    actor,
    tenant: record.tenant,
    subject: keyId,
    details: { role, name, rateLimit, expiresAt, revokedAt, ...details },
  };
}
