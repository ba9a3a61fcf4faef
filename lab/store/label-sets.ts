// Label sets: a bank's loan-book labels, kept encrypted at rest under the lab's master key.
import type { Redis } from 'ioredis';
import { LabelSet } from '../../client-sdk/contract/resources.ts';
import { decryptAtRest, encryptAtRest } from '../infra/at-rest.ts';
import type { LabKeys } from '../infra/redis.ts';
import { LabelColumns } from '../infra/task-protocol.ts';
import { newId, nowIso } from './ids.ts';

export { LabelColumns } from '../infra/task-protocol.ts';

/**
 * @example
 * const meta = await labelSets.create('bank-a', 'book-2026', { entities, labels });
 * const rows = await labelSets.rows(meta.id); // decrypted, only inside the lab process
 */
export class LabelSetStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
    private readonly masterKey: Buffer,
  ) {}

  async create(
    tenant: string,
    name: string,
    entityKey: LabelSet['entityKey'],
    rows: LabelColumns,
  ): Promise<LabelSet> {
    const id = newId('ls');
    const bankFeatures = Object.keys(rows.bank).sort();
    const meta: LabelSet = {
      id,
      tenant,
      name,
      entityKey,
      bankFeatures,
      bankFeatureNulls: Object.fromEntries(
        bankFeatures.map((f) => [f, rows.bank[f]!.filter((v) => v === null).length]),
      ),
      rows: rows.entities.length,
      positives: rows.labels.reduce<number>((s, l) => s + l, 0),
      createdAt: nowIso(),
    };
    const box = encryptAtRest(this.masterKey, Buffer.from(JSON.stringify(rows)), id);
    await this.redis.hset(this.keys.labelSet(id), { meta: JSON.stringify(meta), rows: box });
    return meta;
  }

  async meta(id: string): Promise<LabelSet | null> {
    const raw = await this.redis.hget(this.keys.labelSet(id), 'meta');
    return raw === null ? null : LabelSet.parse(JSON.parse(raw));
  }

  async rows(id: string): Promise<LabelColumns> {
    const box = await this.redis.hgetBuffer(this.keys.labelSet(id), 'rows');
    if (!box) throw new Error(`label set ${id} has no rows`);
    return LabelColumns.parse(JSON.parse(decryptAtRest(this.masterKey, box, id).toString('utf8')));
  }
}
