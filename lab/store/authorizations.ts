// The authorisation registry: an enterprise's consent to a bank, per purpose, with expiry and revocation.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AuthorizationGrant } from '../../client-sdk/contract/resources.ts';
import type { LabKeys } from '../infra/redis.ts';

const Stored = z.object({
  purposes: z.array(z.enum(['modelling', 'scoring'])),
  grantedAt: z.string(),
  expiresAt: z.string(),
  evidence: z.string(),
  revokedAt: z.string().nullable(),
});

export type Purpose = 'modelling' | 'scoring';

/**
 * Sets each field of KEYS[1] to its new value only if it still holds the value read, and drops the
 * field's scoring window (KEYS[2]) with it; answers 1/0 per field.
 */
const HASH_CAS = `
local done = {}
for i = 1, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
    redis.call('HDEL', KEYS[2], ARGV[i])
    done[#done + 1] = 1
  else
    done[#done + 1] = 0
  end
end
return done
`;

/**
 * A record's scoring window as the index keeps it (`from:until`, epoch ms), or null when the record
 * does not grant scoring (the index then holds nothing for the entity).
 *
 * @example
 * scoringWindow({ purposes: ['scoring'], grantedAt: '2026-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' });
 * // '1767225600000:1798761600000'
 */
export function scoringWindow(g: {
  purposes: readonly Purpose[];
  grantedAt: string;
  expiresAt: string;
}): string | null {
  if (!g.purposes.includes('scoring')) return null;
  const from = Date.parse(g.grantedAt);
  const until = Date.parse(g.expiresAt);
  return Number.isFinite(from) && Number.isFinite(until) ? `${from}:${until}` : null;
}

/** Parsed records kept by their stored text (a few MB at most). */
const PARSED_CACHE = 200_000;

/** Entities per compare-and-set script, so one large revocation never blocks Redis for long. */
const REVOKE_CHUNK = 5_000;

/**
 * @example
 * await authz.grant(grants);
 * const ok = await authz.allowed('bank-a', ['9144…'], 'scoring', new Date()); // [true]
 * await authz.revoke('bank-a', ['9144…'], new Date()); // 1
 */
export class AuthorizationRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {}

  async grant(grants: readonly AuthorizationGrant[]): Promise<number> {
    const byBank = new Map<
      string,
      { records: Record<string, string>; windows: Record<string, string>; unscored: string[] }
    >();
    for (const g of grants) {
      let bank = byBank.get(g.bank);
      if (!bank) {
        bank = { records: {}, windows: {}, unscored: [] };
        byBank.set(g.bank, bank);
      }
      bank.records[g.entity] = JSON.stringify({
        purposes: g.purposes,
        grantedAt: g.grantedAt,
        expiresAt: g.expiresAt,
        evidence: g.evidence,
        revokedAt: null,
      });
      const window = scoringWindow(g);
      if (window) bank.windows[g.entity] = window;
      else bank.unscored.push(g.entity);
    }
    // Records and their scoring windows change together: one transaction.
    const tx = this.redis.multi();
    for (const [bank, { records, windows, unscored }] of byBank) {
      tx.hset(this.keys.authorization(bank), records);
      if (Object.keys(windows).length > 0) tx.hset(this.keys.scoringWindows(bank), windows);
      if (unscored.length > 0) tx.hdel(this.keys.scoringWindows(bank), ...unscored);
    }
    await tx.exec();
    return grants.length;
  }

  /**
   * Records as read, parsed once: the registry is read on every score (never cached), but the same
   * stored text always parses to the same record, so portfolio reviews that score an enterprise
   * again skip its parse. Bounded; cleared when full.
   */
  private readonly parsed = new Map<
    string,
    { purposes: Purpose[]; from: number; until: number; revoked: boolean }
  >();

  private record(raw: string) {
    let r = this.parsed.get(raw);
    if (!r) {
      const a = Stored.parse(JSON.parse(raw));
      r = {
        purposes: a.purposes,
        from: Date.parse(a.grantedAt),
        until: Date.parse(a.expiresAt),
        revoked: a.revokedAt !== null,
      };
      if (this.parsed.size >= PARSED_CACHE) this.parsed.clear();
      this.parsed.set(raw, r);
    }
    return r;
  }

  /** One flag per entity: granted for `purpose`, started, not expired, not revoked at `now`. */
  async allowed(bank: string, entities: readonly string[], purpose: Purpose, now: Date): Promise<boolean[]> {
    if (entities.length === 0) return [];
    return this.allowedFrom(await this.redis.hmget(this.keys.authorization(bank), ...entities), purpose, now);
  }

  /** `allowed` over records read from the bank's hash (one per entity, null when absent). */
  private allowedFrom(raws: readonly (string | null)[], purpose: Purpose, now: Date): boolean[] {
    const t = now.getTime();
    return raws.map((raw) => {
      if (raw === null) return false;
      const a = this.record(raw);
      return !a.revoked && a.purposes.includes(purpose) && a.from <= t && t < a.until;
    });
  }

  /**
   * `allowed` for scoring from the verdicts the key lookup computed on the scoring-window index
   * (one character per entity: '1' inside its window, '0' outside, '?' no window). An entity
   * without a window is decided on its full record: it may be revoked, grant other purposes only,
   * be absent, or predate the index.
   *
   * @example
   * await authz.allowedFromVerdicts('bank-a', ['9144…', '9111…'], '1?', new Date()); // [true, false]
   */
  async allowedFromVerdicts(
    bank: string,
    entities: readonly string[],
    verdicts: string,
    now: Date,
  ): Promise<boolean[]> {
    const out = new Array<boolean>(entities.length);
    const unknown: number[] = [];
    for (let i = 0; i < entities.length; i++) {
      const v = verdicts.charCodeAt(i);
      if (v === 49)
        out[i] = true; // '1'
      else if (v === 48)
        out[i] = false; // '0'
      else unknown.push(i);
    }
    if (unknown.length > 0) {
      const decided = await this.allowed(
        bank,
        unknown.map((i) => entities[i]!),
        'scoring',
        now,
      );
      unknown.forEach((i, k) => {
        out[i] = decided[k]!;
      });
    }
    return out;
  }

  /**
   * Marks the bank's records of these entities revoked at `at` (every purpose). Returns how many
   * records existed and were not revoked yet; unknown entities count 0. Each record is changed by
   * compare-and-set, so a grant landing meanwhile is never overwritten by a stale revocation.
   */
  async revoke(bank: string, entities: readonly string[], at: Date): Promise<number> {
    const unique = [...new Set(entities)];
    let revoked = 0;
    for (let i = 0; i < unique.length; i += REVOKE_CHUNK)
      revoked += await this.revokeChunk(bank, unique.slice(i, i + REVOKE_CHUNK), at.toISOString());
    return revoked;
  }

  private async revokeChunk(bank: string, entities: string[], at: string): Promise<number> {
    const key = this.keys.authorization(bank);
    let pending = entities;
    let revoked = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      const raws = await this.redis.hmget(key, ...pending);
      const tried: string[] = [];
      const args: string[] = [];
      pending.forEach((entity, i) => {
        const raw = raws[i];
        if (!raw) return;
        const a = Stored.parse(JSON.parse(raw));
        if (a.revokedAt !== null) return;
        tried.push(entity);
        args.push(entity, raw, JSON.stringify({ ...a, revokedAt: at }));
      });
      if (tried.length === 0) return revoked;
      const done = (await this.redis.eval(
        HASH_CAS,
        2,
        key,
        this.keys.scoringWindows(bank),
        ...args,
      )) as number[];
      revoked += done.filter((d) => d === 1).length;
      pending = tried.filter((_, i) => done[i] !== 1);
      if (pending.length === 0) return revoked;
    }
    throw new Error(`authorisations of ${bank}: too much write contention`);
  }
}
