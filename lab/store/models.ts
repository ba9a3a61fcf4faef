// The model registry (first cut): released models with what scoring needs, indexed by tenant.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { Model } from '../../client-sdk/contract/resources.ts';
import type { LabKeys } from '../infra/redis.ts';
import { RecordStore } from './records.ts';

/** The stored model: the public record plus the imputation/standardisation it scores with. */
export const StoredModel = Model.extend({
  means: z.array(z.number()),
  stds: z.array(z.number()),
  beta: z.array(z.number()),
});
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

/** The wire view of a stored model (drops the internals scoring uses). */
export function publicModel(m: StoredModel): Model {
  const { means: _m, stds: _s, beta: _b, ...rest } = m;
  return Model.parse(rest);
}
