// The model registry: released models with their lineage, versions per (tenant, name), status, indexes.
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { Encoding, EntityKey, Model } from '../../client-sdk/contract/resources.ts';
import { RecentReads } from '../infra/recent-reads.ts';
import type { LabKeys } from '../infra/redis.ts';
import { RecordStore } from './records.ts';
import { readPage } from './time-index.ts';

/**
 * The stored model: the public record plus the encoding and entity key scoring needs.
 *
 * @example
 * const m = StoredModel.parse(JSON.parse(raw)); m.encoding.inputs.length;
 */
export const StoredModel = Model.extend({ encoding: Encoding, entityKey: EntityKey });
export type StoredModel = z.infer<typeof StoredModel>;
/** What a release hands the registry: everything but the version, which the registry assigns. */
export type ModelDraft = Omit<StoredModel, 'version'>;
export type ModelStatus = Model['status'];
export type StatusChange = Model['statusChanges'][number];

/**
 * A model's version, reserved once per model id: the first call bumps the (tenant, name) counter,
 * a replay returns what the first call got. One script, so concurrent releases never share one.
 */
const RESERVE_VERSION = `
local v = redis.call('GET', KEYS[2])
if v then return tonumber(v) end
v = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], v)
return v
`;

/**
 * A retire of a retired model, or an activate of an active one (the route answers 409).
 *
 * @example
 * if (err instanceof ModelStatusError) throw new HttpError(409, 'conflict', err.message);
 */
export class ModelStatusError extends Error {
  override name = 'ModelStatusError';
}

/**
 * @example
 * const m = await models.put(draft); // m.version: 1 for a tenant's first model of that name
 * await models.setStatus(m.id, 'retired', { by, note: 'replaced by v2', at });
 */
export class ModelStore {
  private readonly records: RecordStore<typeof StoredModel>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {
    this.records = new RecordStore(redis, StoredModel, keys.model);
  }

  /**
   * Registers a released model under the next version of its (tenant, name). Idempotent per model
   * id (which derives from the job's): a replayed release keeps the first copy and its version.
   */
  async put(draft: ModelDraft): Promise<StoredModel> {
    const k = this.keys;
    const version = Number(
      await this.redis.eval(
        RESERVE_VERSION,
        2,
        k.modelVersionCounter(draft.tenant, draft.name),
        k.modelVersion(draft.id),
      ),
    );
    await this.records.create(draft.id, { ...draft, version });
    const stored = (await this.records.get(draft.id))!;
    const ms = Date.parse(stored.createdAt);
    await this.redis
      .multi()
      .zadd(k.modelsAll, ms, stored.id)
      .zadd(k.modelsByTenant(stored.tenant), ms, stored.id)
      .zadd(k.modelsByName(stored.tenant, stored.name), ms, stored.id)
      .exec();
    return stored;
  }

  get(id: string): Promise<StoredModel | null> {
    return this.records.get(id);
  }

  private readonly recent = new RecentReads<string, StoredModel | null>(1000);

  /**
   * `get` as read at most a second ago, for the scoring path (a model's record is large and its
   * parameters never change). A status change made through this store is seen at once; one made
   * by another lab process within the second.
   */
  getRecent(id: string): Promise<StoredModel | null> {
    return this.recent.get(id, () => this.get(id));
  }

  /**
   * A page of models, newest first; `tenant` null lists every tenant's (operators, auditors).
   * Throws `CursorError` for a cursor it did not issue.
   */
  list(
    filter: { tenant: string | null; name?: string; status?: ModelStatus },
    cursor: string | null,
    limit: number,
  ): Promise<{ data: StoredModel[]; nextCursor: string | null }> {
    const { tenant, name, status } = filter;
    const key =
      tenant === null
        ? this.keys.modelsAll
        : name === undefined
          ? this.keys.modelsByTenant(tenant)
          : this.keys.modelsByName(tenant, name);
    return readPage(this.redis, key, {
      cursor,
      limit,
      load: (ids) => this.records.getMany(ids),
      keep: (m) => (name === undefined || m.name === name) && (status === undefined || m.status === status),
    });
  }

  /** Every version of a tenant's model name, newest first. */
  async versions(tenant: string, name: string): Promise<StoredModel[]> {
    return this.records.getMany(await this.redis.zrevrange(this.keys.modelsByName(tenant, name), 0, -1));
  }

  /** Retires or re-activates a model, recording who and why; null if it does not exist. */
  async setStatus(id: string, status: ModelStatus, change: Omit<StatusChange, 'status'>) {
    try {
      return await this.records.update(id, (m) => {
        if (m.status === status) throw new ModelStatusError(`model ${id} is already ${status}`);
        return { ...m, status, statusChanges: [...m.statusChanges, { status, ...change }] };
      });
    } finally {
      this.recent.forget(id);
    }
  }
}

/**
 * The wire view of a stored model: without the encoding and entity key, which only scoring needs.
 *
 * @example
 * return c.json(publicModel(model));
 */
export function publicModel(m: StoredModel): Model {
  const { encoding: _e, entityKey: _k, ...rest } = m;
  return Model.parse(rest);
}
