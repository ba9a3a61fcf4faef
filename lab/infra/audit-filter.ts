// Which audit entries a query selects: by actor, tenant, kind (exact or prefix), entity and time.
import type { AuditEntry } from '../../client-sdk/contract/audit.ts';
import { streamIdAt } from './stream-id.ts';

/** Filters of an audit query; every one given must hold. Times are ISO 8601, inclusive. */
export interface AuditFilter {
  actor?: string | undefined;
  tenant?: string | undefined;
  /** Exact, or a prefix when it ends in `.` (`job.` selects every job transition). */
  kind?: string | undefined;
  /** The entry's subject, or an entity its details list (`entities: ['…']` or `[{ entity: '…' }]`). */
  entity?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Whether `details.entities` names the entity, as plain ids or as `{ entity }` records (scores). */
function listsEntity(details: Record<string, unknown> | undefined, entity: string): boolean {
  const listed = details?.entities;
  if (!Array.isArray(listed)) return false;
  return listed.some(
    (item) =>
      item === entity ||
      (typeof item === 'object' && item !== null && (item as { entity?: unknown }).entity === entity),
  );
}

/**
 * Whether an entry passes the content filters. Time is not checked here: it bounds the stream
 * range that is read (see `streamRangeOf`), since stream ids carry Redis's append time.
 *
 * @example
 * matchesAuditFilter(entry, { kind: 'job.', tenant: 'bank-a' });
 */
export function matchesAuditFilter(entry: AuditEntry, f: AuditFilter): boolean {
  if (f.actor !== undefined && entry.actor !== f.actor) return false;
  if (f.tenant !== undefined && entry.tenant !== f.tenant) return false;
  if (f.kind !== undefined && !(f.kind.endsWith('.') ? entry.kind.startsWith(f.kind) : entry.kind === f.kind))
    return false;
  if (f.entity !== undefined && entry.subject !== f.entity && !listsEntity(entry.details, f.entity))
    return false;
  return true;
}

/**
 * The stream-id bounds (inclusive) of a filter's time range: the first id of `from`'s millisecond
 * (`0-0` without one), the last of `to`'s (`null` without one).
 *
 * @example
 * streamRangeOf({ from: '2025-01-01T00:00:00Z' }); // { start: '1735689600000-0', end: null }
 */
export function streamRangeOf(f: AuditFilter): { start: string; end: string | null } {
  return {
    start: f.from === undefined ? '0-0' : streamIdAt(Date.parse(f.from), 'start'),
    end: f.to === undefined ? null : streamIdAt(Date.parse(f.to), 'end'),
  };
}
