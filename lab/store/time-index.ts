// Newest-first indexes of records (sorted sets scored by creation time), read in cursor pages.
import type { Redis } from 'ioredis';

/**
 * A cursor that `readPage` did not issue (the route answers 400, field `cursor`).
 *
 * @example
 * if (err instanceof CursorError) throw new HttpError(400, 'invalid_request', err.message, 'cursor');
 */
export class CursorError extends Error {
  override name = 'CursorError';
}

/** Index entries read per round trip while a filter skips records. */
const BATCH = 200;

const encodeCursor = (ms: number, id: string) => Buffer.from(`${ms}:${id}`).toString('base64url');

function decodeCursor(cursor: string): { ms: number; id: string } {
  const m = /^(\d{1,15}):([A-Za-z0-9_-]{1,100})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new CursorError('malformed cursor');
  return { ms: Number(m[1]), id: m[2]! };
}

/**
 * One page of an index, newest first (ties: larger id first, as Redis orders them), keeping the
 * records `keep` accepts. The cursor is the last returned record's (creation ms, id): pages stay
 * stable while records are added, since newer ones sort before it. `nextCursor` is null when no
 * further record matches.
 *
 * @example
 * const { data, nextCursor } = await readPage(redis, keys.modelsAll, {
 *   cursor: null, limit: 20, load: (ids) => store.getMany(ids), keep: (m) => m.status === 'active',
 * });
 */
export async function readPage<T extends { id: string }>(
  redis: Redis,
  key: string,
  opts: {
    cursor: string | null;
    limit: number;
    load: (ids: string[]) => Promise<T[]>;
    keep?: (record: T) => boolean;
  },
): Promise<{ data: T[]; nextCursor: string | null }> {
  const after = opts.cursor === null ? null : decodeCursor(opts.cursor);
  const max = after === null ? '+inf' : String(after.ms);
  const matched: { record: T; ms: number }[] = [];
  for (let offset = 0; matched.length <= opts.limit; offset += BATCH) {
    const flat = await redis.zrevrangebyscore(key, max, '-inf', 'WITHSCORES', 'LIMIT', offset, BATCH);
    const entries: { id: string; ms: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i]!, ms: Number(flat[i + 1]) });
    // Entries of the cursor's own millisecond come back again; those up to its id were on earlier pages.
    const fresh = entries.filter((e) => after === null || e.ms < after.ms || e.id < after.id);
    const ms = new Map(fresh.map((e) => [e.id, e.ms]));
    const records = new Map((await opts.load(fresh.map((e) => e.id))).map((r) => [r.id, r]));
    for (const e of fresh) {
      const record = records.get(e.id);
      if (record && (opts.keep?.(record) ?? true)) matched.push({ record, ms: ms.get(e.id)! });
    }
    if (entries.length < BATCH) break;
  }
  const data = matched.slice(0, opts.limit);
  const last = data.at(-1);
  return {
    data: data.map((m) => m.record),
    nextCursor: matched.length > opts.limit && last ? encodeCursor(last.ms, last.record.id) : null,
  };
}
