// Jobs: records plus per-tenant indexes; status changes go through one guarded transition.
import type { Redis } from 'ioredis';
import { Job, type JobProgress, type JobStatus } from '../../client-sdk/contract/resources.ts';
import type { LabKeys } from '../infra/redis.ts';
import { nowIso } from './ids.ts';
import { RecordStore } from './records.ts';
import { readPage } from './time-index.ts';

/** Allowed status transitions (DESIGN §4). */
const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  pending_approval: ['approved', 'rejected', 'cancelled', 'expired'],
  approved: ['running', 'failed', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

/** A status change that the state machine does not allow. */
export class TransitionError extends Error {
  override name = 'TransitionError';
}

/**
 * @example
 * const jobs = new JobStore(redis, keys);
 * await jobs.transition(id, 'approved', (j) => ({ ...j, decisions: [...j.decisions, d] }));
 */
export class JobStore {
  readonly records: RecordStore<typeof Job>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
  ) {
    this.records = new RecordStore(redis, Job, keys.job);
  }

  async create(job: Job): Promise<void> {
    const score = Date.parse(job.createdAt);
    if (!(await this.records.create(job.id, job))) throw new Error(`job ${job.id} exists`);
    await this.redis
      .multi()
      .zadd(this.keys.jobsAll, score, job.id)
      .zadd(this.keys.jobsByTenant(job.tenant), score, job.id)
      .exec();
  }

  get(id: string): Promise<Job | null> {
    return this.records.get(id);
  }

  /** Newest first; `tenant` null lists every tenant's jobs (operators). */
  async list(tenant: string | null, limit = 100): Promise<Job[]> {
    const key = tenant === null ? this.keys.jobsAll : this.keys.jobsByTenant(tenant);
    return this.records.getMany(await this.redis.zrevrange(key, 0, limit - 1));
  }

  /** One page, newest first, in the shared cursor format (`CursorError` for a cursor it did not issue). */
  page(
    tenant: string | null,
    cursor: string | null,
    limit: number,
  ): Promise<{ data: Job[]; nextCursor: string | null }> {
    const key = tenant === null ? this.keys.jobsAll : this.keys.jobsByTenant(tenant);
    return readPage(this.redis, key, { cursor, limit, load: (ids) => this.records.getMany(ids) });
  }

  /**
   * Moves a job to `to` if the state machine allows it from its current status. Idempotent: a job
   * already in `to` is returned unchanged (a replayed coordinator step does not fail).
   */
  async transition(id: string, to: JobStatus, patch: (j: Job) => Job = (j) => j): Promise<Job> {
    const updated = await this.records.update(id, (job) => {
      if (job.status === to) return null;
      if (!TRANSITIONS[job.status].includes(to)) {
        throw new TransitionError(`job ${id} is ${job.status}; it cannot become ${to}`);
      }
      return { ...patch(job), status: to, updatedAt: nowIso() };
    });
    if (!updated) throw new TransitionError(`job ${id} not found`);
    return updated;
  }

  /** Records a round's progress once (replays of the same round are ignored). */
  async recordProgress(id: string, progress: JobProgress): Promise<void> {
    await this.records.update(id, (job) => {
      if (job.progress.some((p) => p.round === progress.round && p.phase === progress.phase)) return null;
      return { ...job, progress: [...job.progress, progress], updatedAt: nowIso() };
    });
  }
}
