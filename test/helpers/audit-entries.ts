// Reads a lab's audit stream straight from Redis, as an auditor would: every entry's event, parsed.
import type { Redis } from 'ioredis';
import { labKeys } from '../../lab/infra/redis.ts';

export interface AuditEntry {
  kind: string;
  actor: string;
  tenant: string;
  subject: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests probe details field by field
  details?: Record<string, any>;
  at: string;
  /** The event exactly as stored (to check what it does not contain). */
  raw: string;
}

/**
 * The events under `prefix`, oldest first; `kind` keeps only that kind.
 *
 * @example
 * const scored = await auditEntries(redis, fx.prefix, 'model.scored');
 * scored.at(-1)?.details; // { entities: ['9111…'], refused: { '9111…': 'not_authorized' } }
 */
export async function auditEntries(redis: Redis, prefix: string, kind?: string): Promise<AuditEntry[]> {
  const rows = (await redis.xrange(labKeys(prefix).audit, '-', '+')) as [string, string[]][];
  const events = rows.map(([, flat]) => {
    const raw = flat[flat.indexOf('event') + 1]!;
    return { ...(JSON.parse(raw) as Omit<AuditEntry, 'raw'>), raw };
  });
  return kind === undefined ? events : events.filter((e) => e.kind === kind);
}
