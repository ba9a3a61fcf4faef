// Reading the audit stream: its entries in batches, and each one as the wire shows it when a filter selects it.
import type { Redis } from 'ioredis';
import { AuditEntry } from '../../client-sdk/contract/audit.ts';
import { type AuditFilter, matchesAuditFilter } from './audit-filter.ts';
import { nextStreamId } from './stream-id.ts';

/** Entries read per XRANGE when walking the stream. */
const WALK_BATCH = 1000;

/** One stream entry as stored: its id, the two links and the event's JSON. */
export interface StoredEntry {
  id: string;
  prev: string;
  hash: string;
  event: string;
}

function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/**
 * Yields the entries from `start` to `end` (inclusive ids), oldest first. Batches start at
 * `first` and double up to WALK_BATCH: a small page reads little, a long scan few round trips.
 *
 * @example
 * for await (const e of walkAuditStream(redis, keys.audit, '0-0', lastId)) check(e.prev, e.hash, e.event);
 */
export async function* walkAuditStream(
  redis: Redis,
  key: string,
  start: string,
  end: string,
  first = WALK_BATCH,
) {
  let from = start;
  for (let batch = Math.min(first, WALK_BATCH); ; batch = Math.min(batch * 2, WALK_BATCH)) {
    const rows = (await redis.xrange(key, from, end, 'COUNT', batch)) as [string, string[]][];
    for (const [id, flat] of rows) {
      const f = fieldsOf(flat);
      yield { id, prev: f.prev ?? '', hash: f.hash ?? '', event: f.event ?? '' } satisfies StoredEntry;
    }
    if (rows.length < batch) return;
    from = nextStreamId(rows.at(-1)![0]);
  }
}

/**
 * The entry as the wire shows it if it passes `filter`, else `null`. The filter runs on the bare
 * JSON first, so only the entries a page returns pay for full validation; one that does not parse
 * (only tampering makes one) is left out here and named by `verify()`.
 *
 * @example
 * const entry = matchingEntry(stored, { kind: 'job.' }); if (entry) page.push(entry);
 */
export function matchingEntry(s: StoredEntry, filter: AuditFilter): AuditEntry | null {
  let event: unknown;
  try {
    event = JSON.parse(s.event);
  } catch {
    return null;
  }
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  if (![e.kind, e.actor, e.tenant, e.subject].every((v) => typeof v === 'string')) return null;
  const candidate = { id: s.id, ...e, prev: s.prev, hash: s.hash } as AuditEntry;
  if (!matchesAuditFilter(candidate, filter)) return null;
  const parsed = AuditEntry.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
