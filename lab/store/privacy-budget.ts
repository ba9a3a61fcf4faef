// The privacy-budget ledger: ε a bank has spent on each domain's data, against operator caps.
import type { Redis } from 'ioredis';
import type { LabKeys } from '../infra/redis.ts';

/**
 * Checks every domain's cap and charges all of them, or none, in one step: KEYS = [spent, caps,
 * charge]; ARGV = [ε, default cap, charge record, domain…]. Returns the first domain that would go
 * over its cap (nothing is charged then), '' when charged, or '=' when this job was charged before.
 */
const CHARGE = `
if redis.call('EXISTS', KEYS[3]) == 1 then return '=' end
local eps = tonumber(ARGV[1])
for i = 4, #ARGV do
  local spent = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  local cap = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or ARGV[2])
  if spent + eps > cap + 1e-12 then return ARGV[i] end
end
for i = 4, #ARGV do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[1]) end
redis.call('SET', KEYS[3], ARGV[3])
return ''
`;

/** Gives a charge back once (KEYS = [spent, charge]; ARGV = [ε, domain…]); 1 when refunded. */
const REFUND = `
if redis.call('DEL', KEYS[2]) == 0 then return 0 end
for i = 2, #ARGV do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], -tonumber(ARGV[1])) end
return 1
`;

/** One domain's budget for one bank. */
export interface BudgetLine {
  domain: string;
  cap: number;
  spent: number;
  remaining: number;
}

/** A charge the ledger refused: this domain's cap would be exceeded. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  constructor(
    readonly domain: string,
    readonly line: BudgetLine,
  ) {
    super(
      `privacy budget of domain ${domain} would be exceeded: ε ${line.spent} spent of ${line.cap} (${line.remaining} left)`,
    );
  }
}

/**
 * @example
 * const ledger = new PrivacyBudgetLedger(redis, keys, 10);
 * await ledger.charge('bank-a', ['d-bj', 'd-sh'], 1, 'job_x'); // throws BudgetExceededError when over
 * await ledger.refund('job_x', 'bank-a'); // a rejected job gives its ε back
 */
export class PrivacyBudgetLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
    /** The cap of every (bank, domain) without one of its own. */
    private readonly defaultCap: number,
  ) {}

  async charge(bank: string, domains: readonly string[], epsilon: number, jobId: string): Promise<void> {
    const record = JSON.stringify({ domains, epsilon });
    const over = (await this.redis.eval(
      CHARGE,
      3,
      this.keys.dpSpent(bank),
      this.keys.dpCaps(bank),
      this.keys.dpCharge(jobId),
      String(epsilon),
      String(this.defaultCap),
      record,
      ...domains,
    )) as string;
    if (over !== '' && over !== '=') {
      const line = (await this.lines(bank, [over]))[0]!;
      throw new BudgetExceededError(over, line);
    }
  }

  /** Refunds a job's charge (idempotent; a job never charged refunds nothing). */
  async refund(jobId: string, bank: string): Promise<boolean> {
    const raw = await this.redis.get(this.keys.dpCharge(jobId));
    if (!raw) return false;
    const { domains, epsilon } = JSON.parse(raw) as { domains: string[]; epsilon: number };
    const done = await this.redis.eval(
      REFUND,
      2,
      this.keys.dpSpent(bank),
      this.keys.dpCharge(jobId),
      String(epsilon),
      ...domains,
    );
    return done === 1;
  }

  /** Sets the cap of one (bank, domain); an operator decision. */
  async setCap(bank: string, domain: string, cap: number): Promise<void> {
    await this.redis.hset(this.keys.dpCaps(bank), domain, String(cap));
  }

  /** The budget lines of a bank for the given domains (or every domain it has spent on or has a cap for). */
  async lines(bank: string, domains?: readonly string[]): Promise<BudgetLine[]> {
    const [spent, caps] = await Promise.all([
      this.redis.hgetall(this.keys.dpSpent(bank)),
      this.redis.hgetall(this.keys.dpCaps(bank)),
    ]);
    const ids = domains ?? [...new Set([...Object.keys(spent), ...Object.keys(caps)])].sort();
    return ids.map((domain) => {
      const s = Math.max(0, Number(spent[domain] ?? 0));
      const cap = Number(caps[domain] ?? this.defaultCap);
      return { domain, cap, spent: s, remaining: Math.max(0, cap - s) };
    });
  }
}
