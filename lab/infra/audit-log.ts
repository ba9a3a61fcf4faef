// The audit log: an append-only Redis stream whose entries each carry the SHA-256 of the previous one.
import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AuditEntry, AuditPage, AuditVerify } from '../../client-sdk/contract/audit.ts';
import { type AuditFilter, streamRangeOf } from './audit-filter.ts';
import { matchingEntry, walkAuditStream } from './audit-stream.ts';
import { type LabKeys, runScript } from './redis.ts';
import { compareStreamIds, earlierStreamId, laterStreamId, nextStreamId } from './stream-id.ts';

export interface AuditEvent {
  kind: string;
  actor: string;
  tenant: string;
  subject: string;
  details?: Record<string, unknown>;
}

/** The `prev` of the first entry. */
const GENESIS = '0'.repeat(64);
/** An entry's hash covers the previous hash and the event exactly as stored (one-shot: no Hash object). */
const link = (prev: string, event: string) => hash('sha256', `${prev}\n${event}`, 'hex');

/**
 * Appends entries only if the head is still the one they were chained to: one round trip for a
 * whole commit, and two processes can never fork the chain (a refused commit learns the new head
 * and re-chains). KEYS: head, stream. ARGV: expected head, then (hash, event) per entry. Returns
 * {1, id…} or {0, current head}.
 */
const APPEND = `
local head = redis.call('GET', KEYS[1]) or '${GENESIS}'
if head ~= ARGV[1] then return {0, head} end
local ids = {1}
local prev = ARGV[1]
for i = 2, #ARGV, 2 do
  ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'prev', prev, 'hash', ARGV[i], 'event', ARGV[i + 1])
  prev = ARGV[i]
end
redis.call('SET', KEYS[1], prev)
return ids
`;

/** Events one commit writes at most (the rest go in the next). */
const MAX_COMMIT = 500;

/** Entries one page may scan, so that a filter matching little still answers promptly. */
const PAGE_SCAN = 20_000;

/**
 * Writes, reads and verifies audit events. Appends are compare-and-append scripts on the chain
 * head, many events per script call, so concurrent writers never fork the chain.
 *
 * What the chain shows: an edited event (its hash no longer matches), a deleted or inserted entry
 * (the next entry's `prev` no longer matches), a deleted last entry (the head key no longer
 * matches). What it does not stop: the hashes are unkeyed, so someone who can write Redis and
 * rewrites every entry from some point on *and* the head key leaves a chain whose links all hold;
 * cutting the tail and resetting the head is the same case. Only an anchor kept outside Redis —
 * the `head` of an earlier `verify()`, recorded by an auditor — exposes that, for the entries up
 * to it (a keyed MAC with the key outside Redis would stop it outright). The stream is never
 * trimmed: dropping old entries breaks the first remaining link.
 *
 * @example
 * await audit.append({ kind: 'job.approved', actor: 'key:ab12', tenant: 'platform', subject: jobId });
 * const v = await audit.verify(); // { ok: true, entries, head: { id, hash } } while every link holds
 */
export class AuditLog {
  private readonly head: string;
  /** The chain head after this process's last commit (or as the last refused commit reported it). */
  private lastHead: string | null = null;
  /** Events waiting for the next commit, in append order. */
  private waiting: { body: string; resolve(id: string): void; reject(err: Error): void }[] = [];
  private committing: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {
    this.head = `${keys.audit}:head`;
  }

  /**
   * Appends an event; resolves with its stream id once it is stored. Appends made while a commit
   * is out are written together in the next one (group commit: one transaction for many events,
   * chained in the order they were appended), so a busy lab does not queue behind round trips.
   */
  append(event: AuditEvent): Promise<string> {
    const body = JSON.stringify({ ...event, at: new Date().toISOString() });
    return new Promise((resolve, reject) => {
      this.waiting.push({ body, resolve, reject });
      this.committing ??= this.commitAll();
    });
  }

  async close(): Promise<void> {
    while (this.committing) await this.committing;
  }

  private async commitAll(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_COMMIT);
      try {
        const ids = await this.commit(batch.map((w) => w.body));
        for (const [i, w] of batch.entries()) w.resolve(ids[i]!);
      } catch (err) {
        for (const w of batch) w.reject(err as Error);
      }
    }
    this.committing = null;
  }

  private async commit(bodies: readonly string[]): Promise<string[]> {
    for (let attempt = 0; attempt < 100; attempt++) {
      // The head as this process last wrote or saw it: right unless another process appended since.
      if (this.lastHead === null) this.lastHead = (await this.redis.get(this.head)) ?? GENESIS;
      let prev = this.lastHead;
      const args: string[] = [prev];
      for (const body of bodies) {
        prev = link(prev, body);
        args.push(prev, body);
      }
      const reply = (await runScript(this.redis, 'labAuditAppend', APPEND, [
        this.head,
        this.keys.audit,
        ...args,
      ])) as [number, ...string[]];
      if (reply[0] === 1) {
        this.lastHead = prev;
        return reply.slice(1) as string[];
      }
      this.lastHead = reply[1] ?? GENESIS;
    }
    throw new Error('audit append: too much contention');
  }

  /**
   * One page of the entries matching `filter`, oldest first. The cursor holds the last id seen
   * and the last id of the log when the walk began, so entries appended meanwhile (the reads of
   * this very walk among them) neither shift pages nor keep the walk going.
   *
   * @example
   * const page = await audit.query({ kind: 'job.' }, { limit: 100 });
   * const next = page.nextCursor && (await audit.query({ kind: 'job.' }, { cursor: page.nextCursor, limit: 100 }));
   */
  async query(filter: AuditFilter, page: { cursor?: string | undefined; limit: number }): Promise<AuditPage> {
    const range = streamRangeOf(filter);
    const [after, until] = page.cursor
      ? (page.cursor.split('_') as [string, string])
      : [null, await this.lastId()];
    if (until === null) return { data: [], nextCursor: null };
    const start = after === null ? range.start : laterStreamId(range.start, nextStreamId(after));
    const end = range.end === null ? until : earlierStreamId(range.end, until);
    const data: AuditEntry[] = [];
    let scanned = 0;
    for await (const stored of walkAuditStream(this.redis, this.keys.audit, start, end, page.limit)) {
      scanned++;
      const entry = matchingEntry(stored, filter);
      if (entry) data.push(entry);
      if (data.length === page.limit || scanned === PAGE_SCAN)
        return { data, nextCursor: stored.id === end ? null : `${stored.id}_${until}` };
    }
    return { data, nextCursor: null };
  }

  /**
   * Walks the chain and reports the first link that fails: an entry whose hash is not the hash
   * of its event (`hash_mismatch`: that entry was edited), an entry whose `prev` is not the hash
   * of the entry before it (`prev_mismatch`: entries were deleted or inserted just before it), a
   * head key that is not the last entry's hash (`head_mismatch`, at `head`: the last entries were
   * deleted), or an `anchor` entry gone or changed (`anchor_mismatch`).
   *
   * @example
   * const v = await audit.verify({ anchor: recordedHead }); if (!v.ok) alert(v.brokenAt, v.reason);
   */
  async verify(opts: { anchor?: { id: string; hash: string } } = {}): Promise<AuditVerify> {
    // Head and last id in one transaction: an append between two separate reads would look like a break.
    const snap = await this.redis
      .multi()
      .get(this.head)
      .xrevrange(this.keys.audit, '+', '-', 'COUNT', 1)
      .exec();
    const head = (snap?.[0]?.[1] as string | null) ?? GENESIS;
    const lastId = (snap?.[1]?.[1] as [string, string[]][] | undefined)?.[0]?.[0] ?? null;
    const { anchor } = opts;
    let anchorPending = anchor !== undefined;
    let prev = GENESIS;
    let after: string | null = null;
    let entries = 0;
    const broken = (
      brokenAt: string,
      reason: Exclude<AuditVerify, { ok: true }>['reason'],
      expected: string,
      found: string | null,
    ) => ({ ok: false, entries, brokenAt, reason, after, expected, found }) as const;
    const stored = lastId === null ? [] : walkAuditStream(this.redis, this.keys.audit, '0-0', lastId);
    for await (const e of stored) {
      if (anchor && anchorPending && compareStreamIds(e.id, anchor.id) > 0)
        return broken(anchor.id, 'anchor_mismatch', anchor.hash, null);
      if (e.prev !== prev) return broken(e.id, 'prev_mismatch', prev, e.prev);
      const hash = link(prev, e.event);
      if (e.hash !== hash) return broken(e.id, 'hash_mismatch', hash, e.hash);
      if (anchor && e.id === anchor.id) {
        if (e.hash !== anchor.hash) return broken(e.id, 'anchor_mismatch', anchor.hash, e.hash);
        anchorPending = false;
      }
      prev = hash;
      after = e.id;
      entries++;
    }
    if (anchor && anchorPending) return broken(anchor.id, 'anchor_mismatch', anchor.hash, null);
    if (head !== prev) return broken('head', 'head_mismatch', prev, head);
    return { ok: true, entries, head: { id: after, hash: prev } };
  }

  /** The id of the newest entry, or `null` while the log is empty. */
  private async lastId(): Promise<string | null> {
    const rows = (await this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return rows[0]?.[0] ?? null;
  }
}
