// Looks for secrets in everything a lab keeps in Redis under its prefix (every key name, every value of every type) and in text.
import type { Redis } from 'ioredis';

/** One secret in the encodings it could be written in, each with a label for the report. */
export type Needles = { label: string; bytes: Buffer }[];

/**
 * An API key as it could leak: in clear, its base64url body without `jml_`, and the 32 random
 * bytes of that body raw, in hex and in base64.
 *
 * @example
 * const needles = apiKeyNeedles('key-1', key);
 */
export function apiKeyNeedles(label: string, key: string): Needles {
  const body = key.slice('jml_'.length);
  const raw = Buffer.from(body, 'base64url');
  return [
    { label: `${label} (clear)`, bytes: Buffer.from(key) },
    { label: `${label} (body)`, bytes: Buffer.from(body) },
    { label: `${label} (raw bytes)`, bytes: raw },
    { label: `${label} (hex)`, bytes: Buffer.from(raw.toString('hex')) },
    { label: `${label} (base64)`, bytes: Buffer.from(raw.toString('base64')) },
  ];
}

/** Every Buffer inside a (nested) Redis reply: stream entries are arrays of arrays. */
function buffersOf(reply: unknown): Buffer[] {
  if (Buffer.isBuffer(reply)) return [reply];
  return Array.isArray(reply) ? reply.flatMap(buffersOf) : [];
}

/** How each Redis type is read in full. Any other type fails the scan rather than being skipped. */
const READ: Record<string, (key: string) => [string, ...string[]]> = {
  string: (key) => ['GET', key],
  hash: (key) => ['HGETALL', key],
  list: (key) => ['LRANGE', key, '0', '-1'],
  set: (key) => ['SMEMBERS', key],
  zset: (key) => ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
  stream: (key) => ['XRANGE', key, '-', '+'],
};

export interface RedisScan {
  /** `<redis key> (<type>): <needle label>` for every needle found in a key name or value. */
  hits: string[];
  /** Keys read, per type. */
  scanned: Record<string, number>;
}

/**
 * Reads every key under `prefix:` and reports which needles occur in its name or its values.
 *
 * @example
 * const { hits, scanned } = await scanRedis(redis, prefix, apiKeyNeedles('operator', key));
 */
export async function scanRedis(redis: Redis, prefix: string, needles: Needles): Promise<RedisScan> {
  const hits: string[] = [];
  const scanned: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, names] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const name of names) {
      const type = await redis.type(name);
      const read = READ[type];
      if (!read) throw new Error(`secret scan: ${name} has type ${type}, which the scan cannot read`);
      const [command, ...args] = read(name);
      const parts = [Buffer.from(name), ...buffersOf(await redis.callBuffer(command, ...args))];
      scanned[type] = (scanned[type] ?? 0) + 1;
      for (const { label, bytes } of needles)
        if (parts.some((part) => part.includes(bytes))) hits.push(`${name} (${type}): ${label}`);
    }
  } while (cursor !== '0');
  return { hits, scanned };
}

/**
 * The labels of the needles found in a text (logs, CLI output).
 *
 * @example
 * expect(scanText(stderr, needles)).toEqual([]);
 */
export function scanText(text: string, needles: Needles): string[] {
  const bytes = Buffer.from(text);
  return needles.filter((n) => bytes.includes(n.bytes)).map((n) => n.label);
}
