// The coordinator: drives each job as a durable BullMQ step job, one child job per domain per round.
import { type Job as BullJob, WaitingChildrenError, Worker } from 'bullmq';
import type { Job } from '../../client-sdk/contract/resources.ts';
import { CkksError } from '../../models/he/errors.ts';
import { type JsonStrategy, jobStrategyFor } from '../../models/registry.ts';
import { type RoundInstruction, sumUpdates } from '../../models/strategy.ts';
import type { LabContext } from '../context.ts';
import { BlobIntegrityError } from '../infra/blob-store.ts';
import { evaluationFrom } from '../infra/evaluation.ts';
import { queueNames } from '../infra/redis.ts';
import type { DomainRegistration, TrainResult } from '../infra/task-protocol.ts';
import { dpRelease, modelConfig, privateEvaluation } from './dp.ts';
import { expireStaleJobs } from './expiry.ts';
import { dispatchHeRound, dispatchKeygen, type HeKeys, sumRound, warmCkks } from './he-steps.ts';
import { failJob, releaseModel } from './outcome.ts';
import { checkRowsPerParameter, prepareRun, type RunSetup, RunSetupError } from './prepare.ts';
import { RunState } from './run-state.ts';
import { StepData, startJob } from './start.ts';
import { addRound, collect, failedTask } from './tasks.ts';

export interface CoordinatorOptions {
  /** Lock of a step job; a coordinator that dies loses its jobs to another after this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  concurrency?: number;
  /** How often stale pending jobs are expired. */
  expirySweepMs?: number;
}

/**
 * Starts a coordinator worker. Any number may run; a stalled step job (its coordinator died) is
 * picked up by another and continues from the step recorded in its data.
 *
 * @example
 * const coordinator = startCoordinator(ctx, { lockDurationMs: 30_000 });
 * await coordinator.close();
 */
export function startCoordinator(ctx: LabContext, opts: CoordinatorOptions = {}): Worker {
  const worker = new Worker(queueNames.coordinator, (job, token) => runStep(ctx, job, token), {
    connection: ctx.redis.duplicate({ enableAutoPipelining: false }),
    prefix: ctx.keys.bull,
    concurrency: opts.concurrency ?? 4,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 15_000,
    maxStalledCount: 10,
  });
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      void failJob(ctx, StepData.parse(job.data).jobId, err.message);
  });
  worker.on('error', (err) => console.error('coordinator:', err.message));
  void resumeApproved(ctx);
  warmCkks();
  const sweep = setInterval(() => {
    expireStaleJobs(ctx, new Date()).catch((err: Error) =>
      console.error('coordinator: expiry sweep:', err.message),
    );
  }, opts.expirySweepMs ?? 60_000);
  sweep.unref();
  worker.on('closed', () => clearInterval(sweep));
  return worker;
}

/** Approved jobs whose step job was never enqueued (an API crash mid-approve) are started here. */
async function resumeApproved(ctx: LabContext): Promise<void> {
  for (const job of await ctx.jobs.list(null, 10_000)) {
    if (job.status === 'approved' || job.status === 'running') await startJob(ctx, job.id);
  }
}

interface Step {
  ctx: LabContext;
  bullJob: BullJob;
  token: string | undefined;
  job: Job;
  run: RunState;
  strategy: JsonStrategy;
  domains: DomainRegistration[];
}

async function runStep(ctx: LabContext, bullJob: BullJob, token: string | undefined): Promise<void> {
  let data = StepData.parse(bullJob.data);
  const job = await ctx.jobs.get(data.jobId);
  if (!job || !['approved', 'running'].includes(job.status)) return;
  const domains = (await ctx.domains.list()).filter((d) => job.privacyReport.domains.includes(d.id));
  if (domains.length !== job.privacyReport.domains.length) {
    throw new Error(`job ${job.id}: a domain it was approved for is not registered`);
  }
  const step: Step = {
    ctx,
    bullJob,
    token,
    job,
    run: new RunState(ctx.redis, ctx.keys, job.id),
    strategy: jobStrategyFor(job.spec.model.kind, job.spec.privacy.dp !== undefined),
    domains,
  };
  const he = job.spec.aggregation === 'ckks';
  try {
    for (;;) {
      const next =
        data.step === 'prepare'
          ? await prepare(step)
          : he
            ? await heCollect(step, data)
            : await plainCollect(step, data);
      if (next === 'done') return;
      if (next === null) throw new WaitingChildrenError();
      data = next;
    }
  } catch (err) {
    if (err instanceof RunSetupError) return failJob(ctx, job.id, err.message);
    if (err instanceof BlobIntegrityError || err instanceof CkksError) {
      return failJob(ctx, job.id, `integrity check failed: ${err.message}`);
    }
    throw err;
  }
}

type Next = StepData | null | 'done';

async function prepare({ ctx, bullJob, token, job, run, strategy, domains }: Step): Promise<Next> {
  if (job.status === 'approved') {
    await ctx.jobs.transition(job.id, 'running');
    await ctx.audit.append({
      kind: 'job.running',
      actor: 'coordinator',
      tenant: job.tenant,
      subject: job.id,
    });
  }
  const setup = await run.setupOnce(() => prepareRun(ctx, job, domains));
  await ctx.jobs.records.update(job.id, (j) =>
    j.trainingReport ? null : { ...j, trainingReport: setup.report },
  );
  if (job.spec.aggregation === 'ckks') return dispatchKeygen(ctx, bullJob, job, setup, domains, token);
  await run.putState(0, strategy.init(modelConfig(job, setup), job.encoding.inputs.length));
  return plainRound({ ctx, bullJob, token, job, run, strategy, domains }, setup, 0);
}

/** Records the round's instruction and hands the same instruction to every domain. */
async function plainRound(s: Step, setup: RunSetup, round: number): Promise<StepData | null> {
  const state = await s.run.state(round);
  const instruction: RoundInstruction = s.strategy.configureRound(state) ?? {
    phase: 'evaluate',
    params: { model: s.strategy.finalModel(state) },
  };
  await s.run.putInstruction(round, instruction);
  const tasks = setup.domains.map((d) => ({ domain: d.id, instruction, he: null }));
  return addRound(s.ctx, s.bullJob, s.job, setup, round, tasks, 'collect', s.token);
}

/** The first round's counts are the rows behind the model: the memorisation rule applies to them. */
function checkTrainingRows(s: Step, results: readonly TrainResult[]): void {
  checkRowsPerParameter(
    s.ctx,
    s.job,
    results.reduce((n, r) => n + r.rows.train, 0),
    'training rows',
  );
}

async function roundResults(s: Step, round: number, domainIds?: string[]): Promise<TrainResult[] | string> {
  const failure = await failedTask(s.bullJob, round);
  if (failure) return failure;
  return collect(s.bullJob, s.job.id, round, domainIds ?? s.domains.map((d) => d.id).sort());
}

/** The round's progress event: rows trained on, time since the run started, the slowest domain's compute. */
async function recordRound(
  s: Step,
  round: number,
  phase: string,
  loss: number | null,
  results: TrainResult[],
) {
  await s.ctx.jobs.recordProgress(s.job.id, {
    round,
    phase,
    loss,
    rows: results.reduce((n, r) => n + r.rows.train, 0),
    elapsedMs: Date.now() - (await s.run.startedAt()),
    computeMs: Math.max(...results.map((r) => r.computeMs)),
  });
}

async function plainCollect(s: Step, data: StepData): Promise<Next> {
  const { ctx, job, run, strategy } = s;
  const round = data.round;
  const results = await roundResults(s, round);
  if (typeof results === 'string') return failJob(ctx, job.id, results).then(() => 'done' as const);
  if (round === 0) checkTrainingRows(s, results);
  const setup = await run.setup();
  const instruction = await run.instruction(round);
  if (instruction.phase === 'evaluate') {
    const sample = job.spec.validation.split === 'none' ? 'training' : 'holdout';
    // Under DP the metrics come from noisy histograms, one noise draw per domain.
    const evaluated = privateEvaluation(job, setup, results);
    let metrics: ReturnType<typeof evaluationFrom>;
    try {
      const aggregate = sumUpdates(evaluated.map((r) => r.update));
      metrics = evaluationFrom(aggregate, evaluated, job.spec.privacy.minCohort, sample);
    } catch (err) {
      await failJob(ctx, job.id, `evaluation failed: ${(err as Error).message}`);
      return 'done';
    }
    const parameters = strategy.finalModel(await run.state(round));
    const domains = results.map((r) => r.domain);
    await releaseModel(ctx, job, setup, {
      parameters,
      metrics,
      rounds: round,
      domains,
      backends: results.map((r) => r.backend),
      dp: dpRelease(job),
    });
    return 'done';
  }
  const state = strategy.next(await run.state(round), sumUpdates(results.map((r) => r.update)));
  await run.putState(round + 1, state);
  await recordRound(s, round, instruction.phase, strategy.loss(state), results);
  return plainRound(s, setup, round + 1);
}

async function heCollect(s: Step, data: StepData): Promise<Next> {
  const { ctx, job, run } = s;
  const round = data.round;
  const setup = await run.setup();
  if (data.step === 'keys') {
    const results = await roundResults(s, 0);
    if (typeof results === 'string') return failJob(ctx, job.id, results).then(() => 'done' as const);
    const keys = results.find((r) => r.keys)?.keys;
    if (!keys) throw new Error('the dealer returned no keys');
    await run.putJson('he:keys', keys);
    return dispatchHeRound(
      ctx,
      s.bullJob,
      job,
      setup,
      keys,
      1,
      { aggregateRef: null, stateRef: null },
      s.token,
    );
  }
  const results = await roundResults(s, round);
  if (typeof results === 'string') return failJob(ctx, job.id, results).then(() => 'done' as const);
  if (round === 1) checkTrainingRows(s, results);
  const phases = new Set(results.map((r) => r.he?.phase));
  if (phases.size !== 1)
    return failJob(ctx, job.id, `domains disagree on the round (${[...phases].join(', ')})`).then(
      () => 'done' as const,
    );
  const first = results[0]!.he!;
  if (first.release) {
    const model = JSON.stringify(first.release.model);
    if (results.some((r) => JSON.stringify(r.he?.release?.model) !== model)) {
      await failJob(ctx, job.id, 'domains released different models');
      return 'done';
    }
    const domains = results.map((r) => r.domain);
    const out = {
      parameters: first.release.model,
      metrics: first.release.metrics,
      rounds: round,
      domains,
      backends: results.map((r) => r.backend),
    };
    await releaseModel(ctx, job, setup, out);
    return 'done';
  }
  const aggregateRef = await sumRound(ctx, results);
  await recordRound(s, round, first.phase, first.loss, results);
  const keys = await run.getJson<HeKeys>('he:keys');
  return dispatchHeRound(
    ctx,
    s.bullJob,
    job,
    setup,
    keys,
    round + 1,
    { aggregateRef, stateRef: first.stateRef },
    s.token,
  );
}
