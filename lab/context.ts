// Everything a lab process needs, wired once: Redis, key layout, stores, queues, audit.
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { AuditLog } from './infra/audit-log.ts';
import { BlobStore } from './infra/blob-store.ts';
import { DomainDirectory } from './infra/domain-directory.ts';
import { connectRedis, type LabKeys, labKeys, queueNames } from './infra/redis.ts';
import { type ApprovalPolicy, approvalPolicyFromEnv } from './privacy/approval-policy.ts';
import { ScoreChannel } from './scoring/channel.ts';
import { AuthorizationRegistry } from './store/authorizations.ts';
import { JobStore } from './store/jobs.ts';
import { LabelSetStore } from './store/label-sets.ts';
import { ModelStore } from './store/models.ts';
import { PrivacyBudgetLedger } from './store/privacy-budget.ts';
import { ScoreCountBuffer } from './usage/score-counts.ts';

/** The platform's floors: a JobSpec may ask for more privacy, never for less. Set by operators. */
export interface PrivacyPolicy {
  minCohort: number;
  minClassCohort: number;
  /** Training rows a model needs per parameter; fewer and it could memorise rows. */
  minRowsPerParameter: number;
  /** ε a bank may spend on one domain's data unless an operator set another cap. */
  dpEpsilonCap: number;
  /** Who must approve what, what approves itself, when pending jobs expire (`LAB_APPROVAL_POLICY`). */
  approval: ApprovalPolicy;
}

/** A non-negative decimal setting from the environment, or `dflt` when unset or not a number. */
const num = <D>(v: string | undefined, dflt: D) => (v && /^\d+(\.\d+)?$/.test(v) ? Number(v) : dflt);

/**
 * Defaults of the platform policy (DESIGN §6), overridden by `LAB_MIN_COHORT` (50),
 * `LAB_MIN_CLASS_COHORT` (20), `LAB_MIN_ROWS_PER_PARAMETER` (20) and `LAB_DP_EPSILON_CAP` (10).
 *
 * @example
 * policyFromEnv({ LAB_MIN_ROWS_PER_PARAMETER: '15' }).minRowsPerParameter; // 15
 */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): PrivacyPolicy {
  return {
    minCohort: num(env.LAB_MIN_COHORT, 50),
    minClassCohort: num(env.LAB_MIN_CLASS_COHORT, 20),
    minRowsPerParameter: num(env.LAB_MIN_ROWS_PER_PARAMETER, 20),
    dpEpsilonCap: num(env.LAB_DP_EPSILON_CAP, 10),
    approval: approvalPolicyFromEnv(env),
  };
}

export interface LabContext {
  redis: Redis;
  policy: PrivacyPolicy;
  keys: LabKeys;
  jobs: JobStore;
  labelSets: LabelSetStore;
  models: ModelStore;
  domains: DomainDirectory;
  authorizations: AuthorizationRegistry;
  audit: AuditLog;
  budgets: PrivacyBudgetLedger;
  blobs: BlobStore;
  coordinatorQueue: Queue;
  /** Queue + events of a domain, created on first use. */
  domainQueue(id: string): { queue: Queue; events: QueueEvents };
  /** The scoring channel to the domains' warm scorers. */
  scoring: ScoreChannel;
  /** Scores served per domain, summed and written every 50 ms (usage reports read them). */
  scoreCounts: ScoreCountBuffer;
  close(): Promise<void>;
}

/**
 * @example
 * const ctx = createContext({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'jml', masterKey });
 */
export function createContext(opts: {
  redisUrl: string;
  prefix: string;
  masterKey: Buffer;
  policy?: PrivacyPolicy;
  /** How long a score waits for a domain (`LAB_SCORE_TIMEOUT_MS`, default 3000). */
  scoreTimeoutMs?: number;
}): LabContext {
  const redis = connectRedis(opts.redisUrl, { autoPipelining: true });
  const keys = labKeys(opts.prefix);
  // BullMQ keeps its own connection, without auto-pipelining (its scripts and blocking reads).
  const bullRedis = connectRedis(opts.redisUrl);
  const bull = { connection: bullRedis, prefix: keys.bull };
  const coordinatorQueue = new Queue(queueNames.coordinator, bull);
  const domainQueues = new Map<string, { queue: Queue; events: QueueEvents }>();
  const audit = new AuditLog(redis, keys);
  const policy = opts.policy ?? policyFromEnv();
  const { LAB_SCORE_TIMEOUT_MS, LAB_SCORE_CALL_GAP_MS, LAB_SCORE_IN_FLIGHT } = process.env;
  const scoring = new ScoreChannel(redis, keys, {
    timeoutMs: opts.scoreTimeoutMs ?? num(LAB_SCORE_TIMEOUT_MS, 3000),
    minCallGapMs: num(LAB_SCORE_CALL_GAP_MS, undefined),
    maxInFlight: num(LAB_SCORE_IN_FLIGHT, undefined),
  });
  const scoreCounts = new ScoreCountBuffer({ redis, keys });
  return {
    scoring,
    scoreCounts,
    redis,
    policy,
    keys,
    jobs: new JobStore(redis, keys),
    labelSets: new LabelSetStore(redis, keys, opts.masterKey),
    models: new ModelStore(redis, keys),
    domains: new DomainDirectory(redis, keys),
    authorizations: new AuthorizationRegistry(redis, keys),
    audit,
    budgets: new PrivacyBudgetLedger(redis, keys, policy.dpEpsilonCap),
    blobs: new BlobStore(redis, keys),
    coordinatorQueue,
    domainQueue(id) {
      let entry = domainQueues.get(id);
      if (!entry) {
        const name = queueNames.domain(id);
        entry = {
          queue: new Queue(name, bull),
          // QueueEvents blocks on XREAD, so it gets its own connection.
          events: new QueueEvents(name, { connection: { url: opts.redisUrl }, prefix: keys.bull }),
        };
        domainQueues.set(id, entry);
      }
      return entry;
    },
    async close() {
      for (const { queue, events } of domainQueues.values())
        await Promise.all([queue.close(), events.close()]);
      await coordinatorQueue.close();
      await scoring.close();
      await scoreCounts.close();
      await audit.close();
      bullRedis.disconnect();
      redis.disconnect();
    },
  };
}
