// JSON records in Redis with compare-and-set updates, so concurrent writers never lose a change.
import type { Redis } from 'ioredis';
import type { z } from 'zod';

const CAS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * A typed JSON record store keyed by id; every read is schema-checked (files on disk and Redis
 * are boundaries too).
 *
 * @example
 * const jobs = new RecordStore(redis, Job, (id) => keys.job(id));
 * await jobs.update(id, (job) => ({ ...job, status: 'approved' }));
 */
export class RecordStore<S extends z.ZodType> {
  constructor(
    private readonly redis: Redis,
    private readonly schema: S,
    private readonly keyOf: (id: string) => string,
  ) {}

  async get(id: string): Promise<z.infer<S> | null> {
    const raw = await this.redis.get(this.keyOf(id));
    return raw === null ? null : (this.schema.parse(JSON.parse(raw)) as z.infer<S>);
  }

  async getMany(ids: readonly string[]): Promise<z.infer<S>[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(this.keyOf));
    return raws
      .filter((r): r is string => r !== null)
      .map((r) => this.schema.parse(JSON.parse(r)) as z.infer<S>);
  }

  /** Creates the record; false if the id is taken. */
  async create(id: string, value: z.infer<S>): Promise<boolean> {
    return (await this.redis.set(this.keyOf(id), JSON.stringify(this.schema.parse(value)), 'NX')) === 'OK';
  }

  /**
   * Read-modify-write with compare-and-set; `fn` may return null to leave the record unchanged.
   * Returns the record as stored afterwards, or null if it does not exist.
   */
  async update(id: string, fn: (current: z.infer<S>) => z.infer<S> | null): Promise<z.infer<S> | null> {
    const key = this.keyOf(id);
    for (let attempt = 0; attempt < 50; attempt++) {
      const raw = await this.redis.get(key);
      if (raw === null) return null;
      const current = this.schema.parse(JSON.parse(raw)) as z.infer<S>;
      const next = fn(current);
      if (next === null) return current;
      const serialised = JSON.stringify(this.schema.parse(next));
      if ((await this.redis.eval(CAS, 1, key, raw, serialised)) === 1) return next;
    }
    throw new Error(`record ${key}: too much write contention`);
  }
}
