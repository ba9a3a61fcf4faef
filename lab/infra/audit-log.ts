// The audit log: an append-only Redis stream whose entries each carry the SHA-256 of the previous one.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LabKeys } from './redis.ts';

export interface AuditEvent {
  kind: string;
  actor: string;
  tenant: string;
  subject: string;
  details?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);
const link = (prev: string, event: string) =>
  createHash('sha256').update(prev).update('\n').update(event).digest('hex');

function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/**
 * Writes and verifies audit events. Appends are optimistic transactions on the chain head
 * (WATCH/MULTI), so concurrent writers never fork the chain.
 *
 * @example
 * await audit.append({ kind: 'job.approved', actor: 'key:ab12', tenant: 'platform', subject: jobId });
 * await audit.verify(); // null when every link holds
 */
export class AuditLog {
  private readonly head: string;
  /** WATCH state is per connection: appends get their own connection, one at a time per process. */
  private readonly conn: Redis;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {
    this.head = `${keys.audit}:head`;
    this.conn = redis.duplicate();
  }

  append(event: AuditEvent): Promise<string> {
    const body = JSON.stringify({ ...event, at: new Date().toISOString() });
    const next = this.tail.then(() => this.appendNow(body));
    this.tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.tail;
    this.conn.disconnect();
  }

  private async appendNow(body: string): Promise<string> {
    const conn = this.conn;
    for (let attempt = 0; attempt < 100; attempt++) {
      await conn.watch(this.head);
      const prev = (await conn.get(this.head)) ?? GENESIS;
      const hash = link(prev, body);
      const res = await conn
        .multi()
        .xadd(this.keys.audit, '*', 'prev', prev, 'hash', hash, 'event', body)
        .set(this.head, hash)
        .exec();
      if (res) return res[0]![1] as string;
    }
    throw new Error('audit append: too much contention');
  }

  /** Walks the chain; returns the id of the first entry whose link does not hold, or null. */
  async verify(): Promise<string | null> {
    const entries = (await this.redis.xrange(this.keys.audit, '-', '+')) as [string, string[]][];
    let prev = GENESIS;
    for (const [id, flat] of entries) {
      const f = fieldsOf(flat);
      if (f.prev !== prev || f.hash !== link(prev, f.event ?? '')) return id;
      prev = f.hash!;
    }
    const head = (await this.redis.get(this.head)) ?? GENESIS;
    return head === prev ? null : 'head';
  }
}
