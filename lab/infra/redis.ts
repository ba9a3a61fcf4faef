// Redis connections and the key layout of one lab instance (everything under its prefix).
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * A Redis connection suitable for BullMQ workers (no per-command retry limit).
 *
 * @example
 * const redis = connectRedis('redis://127.0.0.1:6379');
 */
export function connectRedis(url: string, opts: { autoPipelining?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    // Commands issued in the same event-loop turn share one write: a busy API's requests pipeline.
    enableAutoPipelining: opts.autoPipelining ?? false,
  });
}

/**
 * Key names of a lab instance. Keeping them in one place is what makes prefixes airtight.
 *
 * @example
 * const keys = labKeys('jml'); keys.job('job_x'); // 'jml:job:job_x'
 */
export function labKeys(prefix: string) {
  return {
    prefix,
    /** BullMQ's own prefix: queues live under it. */
    bull: `${prefix}:bull`,
    apiKey: (hash: string) => `${prefix}:apikey:${hash}`,
    /** Key records by public id (→ hash), per tenant and overall (sorted sets of hashes, in creation order). */
    apiKeyId: (keyId: string) => `${prefix}:apikey-id:${keyId}`,
    apiKeysByTenant: (tenant: string) => `${prefix}:apikeys:tenant:${tenant}`,
    apiKeysAll: `${prefix}:apikeys:all`,
    /** A key's request count in its current rate-limit window, by the key's hash (expires with the window). */
    rateLimit: (keyHash: string) => `${prefix}:ratelimit:${keyHash}`,
    job: (id: string) => `${prefix}:job:${id}`,
    jobsByTenant: (tenant: string) => `${prefix}:jobs:tenant:${tenant}`,
    jobsAll: `${prefix}:jobs:all`,
    run: (jobId: string) => `${prefix}:run:${jobId}`,
    labelSet: (id: string) => `${prefix}:labelset:${id}`,
    model: (id: string) => `${prefix}:model:${id}`,
    /** Model indexes, newest first (sorted sets scored by creation ms): all, per tenant, per tenant and name. */
    modelsAll: `${prefix}:models:all`,
    modelsByTenant: (tenant: string) => `${prefix}:models:tenant:${tenant}`,
    modelsByName: (tenant: string, name: string) =>
      `${prefix}:models:name:${tenant}:${encodeURIComponent(name)}`,
    /** Versions: a counter per (tenant, name) and each released model's version, reserved once. */
    modelVersionCounter: (tenant: string, name: string) =>
      `${prefix}:model-versions:${tenant}:${encodeURIComponent(name)}`,
    modelVersion: (id: string) => `${prefix}:model-version:${id}`,
    domain: (id: string) => `${prefix}:domain:${id}`,
    /** A broker's live status (whether a warm enclave is ready). */
    domainStatus: (id: string) => `${prefix}:domain-status:${id}`,
    domainQuality: (id: string) => `${prefix}:domain-quality:${id}`,
    domains: `${prefix}:domains`,
    authorization: (bank: string) => `${prefix}:authz:${bank}`,
    /**
     * The bank's scoring windows, by entity: `from:until` (epoch ms) for each unrevoked record that
     * grants scoring, kept in step with `authorization(bank)`; read on every score request.
     */
    scoringWindows: (bank: string) => `${prefix}:authz-scoring:${bank}`,
    blob: (hash: string) => `${prefix}:blob:${hash}`,
    audit: `${prefix}:audit`,
    /** Privacy budget: ε spent per domain, operator caps per domain (hashes per bank), and each job's charge. */
    dpSpent: (bank: string) => `${prefix}:dp:spent:${bank}`,
    dpCaps: (bank: string) => `${prefix}:dp:caps:${bank}`,
    dpCharge: (jobId: string) => `${prefix}:dp:charge:${jobId}`,
    /** An idempotency key's claim or stored answer, per tenant (the key itself only as a hash). */
    idempotency: (tenant: string, keyHash: string) => `${prefix}:idem:${tenant}:${keyHash}`,
    /** Scores a domain served on one UTC day: a hash of `[bank, modelId]` → count. */
    usageScores: (domain: string, day: string) => `${prefix}:usage:scores:${domain}:${day}`,
    /** Score calls waiting for a domain's scorer (a list; any broker of the domain takes them). */
    scoreCalls: (domain: string) => `${prefix}:score:calls:${domain}`,
    /** The pub/sub channel where one lab process receives its score replies. */
    scoreReplies: (labId: string) => `${prefix}:score:replies:${labId}`,
    /** Set (with a short TTL) while a domain has a warm scorer taking calls; refreshed by its brokers. */
    scorerUp: (domain: string) => `${prefix}:score:up:${domain}`,
    /** An operator-console session, by the SHA-256 of its id (never the id; expires by itself). */
    consoleSession: (idHash: string) => `${prefix}:console:session:${idHash}`,
    /** Failed console sign-ins from one client address in the current window (expires with it). */
    consoleSignInFailures: (client: string) =>
      `${prefix}:console:signin-failures:${encodeURIComponent(client)}`,
  };
}
export type LabKeys = ReturnType<typeof labKeys>;

/** BullMQ queue names: one per domain, one for the coordinator's step jobs. */
export const queueNames = {
  coordinator: 'lab.coordinator',
  domain: (id: string) => `domain.${id}`,
};

/** SHA-1 of each script text run so far (the script cache's key in Redis). */
const shas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA (EVALSHA), sending its whole text (EVAL, which also caches it in
 * Redis) only when Redis does not know it yet. `args` are the keys (the first `keyCount`, default
 * 2) and then the arguments. Plain commands, so it is safe on an auto-pipelined connection at any
 * moment (a command defined with `defineCommand` while a pipeline is being filled is missing from
 * that pipeline). `name` labels the script in errors.
 *
 * @example
 * await runScript(redis, 'labCount', 'return redis.call("INCR", KEYS[1])', ['jml:n'], 1);
 */
export async function runScript(
  redis: Redis,
  name: string,
  lua: string,
  args: (string | number)[],
  keyCount = 2,
): Promise<unknown> {
  let sha = shas.get(lua);
  if (!sha) {
    sha = createHash('sha1').update(lua).digest('hex');
    shas.set(lua, sha);
  }
  try {
    try {
      return await redis.evalsha(sha, keyCount, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await redis.eval(lua, keyCount, ...args);
    }
  } catch (err) {
    if (err instanceof Error) err.message = `script ${name}: ${err.message}`;
    throw err;
  }
}
