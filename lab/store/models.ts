// The model registry (first cut): released models with what scoring needs, indexed by tenant.
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { Encoding, EntityKey, Model } from '../../client-sdk/contract/resources.ts';
import type { LabKeys } from '../infra/redis.ts';
import { RecordStore } from './records.ts';

/** The stored model: the public record plus the encoding and entity key scoring needs. */
export const StoredModel = Model.extend({ encoding: Encoding, entityKey: EntityKey });
export type StoredModel = z.infer<typeof StoredModel>;

/**
 * @example
 * await models.put(model); const m = await models.get(id);
 */
export class ModelStore {
  private readonly records: RecordStore<typeof StoredModel>;

  constructor(redis: Redis, keys: LabKeys) {
    this.records = new RecordStore(redis, StoredModel, keys.model);
  }

  /** Idempotent: a replayed release of the same model id keeps the first copy. */
  async put(model: StoredModel): Promise<void> {
    await this.records.create(model.id, model);
  }

  get(id: string): Promise<StoredModel | null> {
    return this.records.get(id);
  }
}

/** The wire view of a stored model. */
export function publicModel(m: StoredModel): Model {
  const { encoding: _e, entityKey: _k, ...rest } = m;
  return Model.parse(rest);
}
