// The domain directory: what each broker published (schema, regions, public key) and entity routing.
import type { Redis } from 'ioredis';
import { QualityReport } from '../../client-sdk/contract/quality.ts';
import { usccProvince, usccRegion } from '../../client-sdk/contract/uscc.ts';
import { RecentReads } from './recent-reads.ts';
import type { LabKeys } from './redis.ts';
import { DomainRegistration } from './task-protocol.ts';

/**
 * @example
 * const domains = await new DomainDirectory(redis, keys).list();
 */
export class DomainDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {}

  async publish(reg: DomainRegistration): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.domain(reg.id), JSON.stringify(DomainRegistration.parse(reg)))
      .sadd(this.keys.domains, reg.id)
      .exec();
  }

  async publishQuality(id: string, report: QualityReport): Promise<void> {
    await this.redis.set(this.keys.domainQuality(id), JSON.stringify(QualityReport.parse(report)));
  }

  async quality(id: string): Promise<QualityReport | null> {
    const raw = await this.redis.get(this.keys.domainQuality(id));
    return raw === null ? null : QualityReport.parse(JSON.parse(raw));
  }

  async list(): Promise<DomainRegistration[]> {
    const ids = (await this.redis.smembers(this.keys.domains)).sort();
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(this.keys.domain));
    return raws.filter((r): r is string => r !== null).map((r) => DomainRegistration.parse(JSON.parse(r)));
  }

  private readonly recent = new RecentReads<'all', DomainRegistration[]>(1000);

  /**
   * `list()` as read at most a second ago: the scoring path routes by it on every request, and a
   * domain's regions change only when its broker re-registers.
   */
  listCached(): Promise<DomainRegistration[]> {
    return this.recent.get('all', () => this.list());
  }

  async get(id: string): Promise<DomainRegistration | null> {
    const raw = await this.redis.get(this.keys.domain(id));
    return raw === null ? null : DomainRegistration.parse(JSON.parse(raw));
  }
}

/** Does a domain's region code cover a division code? `440000` covers `440305`; `440300` covers `440305`. */
export function regionCovers(region: string, division: string): boolean {
  const stem = region.replace(/(00)+$/, '');
  return division.startsWith(stem);
}

/**
 * The domain holding a USCC enterprise: the one whose regions cover the code's division (DESIGN §7).
 *
 * @example
 * domainForEntity(domains, '91440300MA5XXXXXXX'); // 'd-gd'
 */
export function domainForEntity(domains: readonly DomainRegistration[], entity: string): string | null {
  const division = usccRegion(entity);
  const province = usccProvince(entity);
  let best: { id: string; len: number } | null = null;
  for (const d of domains) {
    if (d.entityKey !== 'uscc') continue;
    for (const r of d.regions) {
      if (!r.startsWith(province) || !regionCovers(r, division)) continue;
      const len = r.replace(/(00)+$/, '').length;
      if (!best || len > best.len) best = { id: d.id, len };
    }
  }
  return best?.id ?? null;
}
