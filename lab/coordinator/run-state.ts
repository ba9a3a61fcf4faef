// A run's durable state in Redis: setup, the global state after each round, each round's instruction.
import type { Redis } from 'ioredis';
import type { RoundInstruction } from '../../models/strategy.ts';
import type { LabKeys } from '../infra/redis.ts';
import type { RunSetup } from './prepare.ts';

/**
 * Everything a coordinator needs to continue a job another coordinator started. Values written
 * for a round are deterministic functions of the previous round, so a replayed step rewrites the
 * same bytes; the setup (sealed with fresh randomness) is written once and then reused.
 *
 * @example
 * const run = new RunState(redis, keys, jobId);
 * const setup = await run.setupOnce(() => prepareRun(ctx, job, domains));
 */
export class RunState {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    keys: LabKeys,
    jobId: string,
  ) {
    this.key = keys.run(jobId);
  }

  async setupOnce(make: () => Promise<RunSetup>): Promise<RunSetup> {
    const existing = await this.redis.hget(this.key, 'setup');
    if (existing) return JSON.parse(existing) as RunSetup;
    const setup = await make();
    await this.redis.hsetnx(this.key, 'setup', JSON.stringify(setup));
    await this.redis.hsetnx(this.key, 'startedAt', String(Date.now()));
    return JSON.parse((await this.redis.hget(this.key, 'setup'))!) as RunSetup;
  }

  /** The setup recorded by `setupOnce`; a run past its prepare step always has one. */
  async setup(): Promise<RunSetup> {
    const raw = await this.redis.hget(this.key, 'setup');
    if (raw === null) throw new Error(`run ${this.key}: no setup recorded`);
    return JSON.parse(raw) as RunSetup;
  }

  async startedAt(): Promise<number> {
    return Number((await this.redis.hget(this.key, 'startedAt')) ?? Date.now());
  }

  async putState(round: number, state: unknown): Promise<void> {
    await this.redis.hset(this.key, `state:${round}`, JSON.stringify(state));
  }

  async state<T>(round: number): Promise<T> {
    const raw = await this.redis.hget(this.key, `state:${round}`);
    if (raw === null) throw new Error(`run ${this.key}: no state for round ${round}`);
    return JSON.parse(raw) as T;
  }

  async putJson(field: string, value: unknown): Promise<void> {
    await this.redis.hset(this.key, field, JSON.stringify(value));
  }

  async getJson<T>(field: string): Promise<T> {
    const raw = await this.redis.hget(this.key, field);
    if (raw === null) throw new Error(`run ${this.key}: no ${field}`);
    return JSON.parse(raw) as T;
  }

  async putInstruction(round: number, instruction: RoundInstruction): Promise<void> {
    await this.redis.hset(this.key, `instr:${round}`, JSON.stringify(instruction));
  }

  async instruction(round: number): Promise<RoundInstruction> {
    const raw = await this.redis.hget(this.key, `instr:${round}`);
    if (raw === null) throw new Error(`run ${this.key}: no instruction for round ${round}`);
    return JSON.parse(raw) as RoundInstruction;
  }
}
