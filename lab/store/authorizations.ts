// The authorisation registry (first cut): an enterprise's consent to a bank, per purpose, with expiry.
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
 * @example
 * await authz.grant(grants);
 * const ok = await authz.allowed('bank-a', ['9144…'], 'scoring', new Date()); // [true]
 */
export class AuthorizationRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {}

  async grant(grants: readonly AuthorizationGrant[]): Promise<number> {
    const byBank = new Map<string, Record<string, string>>();
    for (const g of grants) {
      const fields = byBank.get(g.bank) ?? {};
      fields[g.entity] = JSON.stringify({
        purposes: g.purposes,
        grantedAt: g.grantedAt,
        expiresAt: g.expiresAt,
        evidence: g.evidence,
        revokedAt: null,
      });
      byBank.set(g.bank, fields);
    }
    const tx = this.redis.multi();
    for (const [bank, fields] of byBank) tx.hset(this.keys.authorization(bank), fields);
    await tx.exec();
    return grants.length;
  }

  /** One flag per entity: granted for `purpose`, started, not expired, not revoked at `now`. */
  async allowed(bank: string, entities: readonly string[], purpose: Purpose, now: Date): Promise<boolean[]> {
    if (entities.length === 0) return [];
    const raws = await this.redis.hmget(this.keys.authorization(bank), ...entities);
    const t = now.getTime();
    return raws.map((raw) => {
      if (raw === null) return false;
      const a = Stored.parse(JSON.parse(raw));
      return (
        a.revokedAt === null &&
        a.purposes.includes(purpose) &&
        Date.parse(a.grantedAt) <= t &&
        t < Date.parse(a.expiresAt)
      );
    });
  }
}
