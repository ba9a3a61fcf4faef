// The coordinator: drives each job as a durable BullMQ step job, one child job per domain per round.
import { type Job as BullJob, UnrecoverableError, WaitingChildrenError, Worker } from 'bullmq';
import type { Evaluation, Job } from '../../client-sdk/contract/resources.ts';
import { inputName } from '../../models/encoding.ts';
import { strategyFor } from '../../models/registry.ts';
import { type RoundInstruction, sumUpdates, type Update } from '../../models/strategy.ts';
import type { LabContext } from '../context.ts';
import { queueNames } from '../infra/redis.ts';
import { TrainResult, type TrainTask } from '../infra/task-protocol.ts';
import type { StoredModel } from '../store/models.ts';
import { evaluationFrom } from './evaluation.ts';
import { prepareRun, RunSetupError } from './prepare.ts';
import { RunState } from './run-state.ts';
import { StepData, startJob } from './start.ts';

export interface CoordinatorOptions {
  /** Lock of a step job; a coordinator that dies loses its jobs to another after this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  concurrency?: number;
}

const childId = (jobId: string, round: number, domain: string) => `${jobId}.r${round}.${domain}`;
const modelIdOf = (jobId: string) => `mdl_${jobId.slice(4)}`;

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
    connection: ctx.redis.duplicate(),
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
  return worker;
}

/** Approved jobs whose step job was never enqueued (an API crash mid-approve) are started here. */
async function resumeApproved(ctx: LabContext): Promise<void> {
  for (const job of await ctx.jobs.list(null, 10_000)) {
    if (job.status === 'approved' || job.status === 'running') await startJob(ctx, job.id);
  }
}

async function failJob(ctx: LabContext, jobId: string, reason: string): Promise<void> {
  const job = await ctx.jobs.get(jobId);
  if (!job || ['succeeded', 'failed', 'cancelled', 'rejected'].includes(job.status)) return;
  await ctx.jobs.transition(jobId, 'failed', (j) => ({ ...j, error: reason }));
  await ctx.audit.append({
    kind: 'job.failed',
    actor: 'coordinator',
    tenant: job.tenant,
    subject: jobId,
    details: { reason },
  });
}

async function runStep(ctx: LabContext, bullJob: BullJob, token: string | undefined): Promise<void> {
  let data = StepData.parse(bullJob.data);
  const job = await ctx.jobs.get(data.jobId);
  if (!job || !['approved', 'running'].includes(job.status)) return;
  const strategy = strategyFor(job.spec.model.kind);
  const run = new RunState(ctx.redis, ctx.keys, job.id);
  const domains = (await ctx.domains.list()).filter((d) => job.privacyReport.domains.includes(d.id));
  if (domains.length !== job.privacyReport.domains.length) {
    throw new Error(`job ${job.id}: a domain it was approved for is not registered`);
  }

  if (data.step === 'prepare') {
    if (job.status === 'approved') {
      await ctx.jobs.transition(job.id, 'running');
      await ctx.audit.append({
        kind: 'job.running',
        actor: 'coordinator',
        tenant: job.tenant,
        subject: job.id,
      });
    }
    try {
      const setup = await run.setupOnce(() => prepareRun(ctx, job, domains));
      await ctx.jobs.records.update(job.id, (j) =>
        j.trainingReport ? null : { ...j, trainingReport: setup.report },
      );
    } catch (err) {
      if (err instanceof RunSetupError) return failJob(ctx, job.id, err.message);
      throw err;
    }
    await run.putState(0, strategy.init(job.spec.model, job.encoding.inputs.length));
    const first = await dispatch(
      ctx,
      bullJob,
      job,
      run,
      0,
      strategy.configureRound(await run.state(0)),
      token,
    );
    if (!first) throw new WaitingChildrenError();
    data = first;
  }

  // Collect rounds until the job finishes or must wait for its domains.
  for (;;) {
    const round = data.round;
    const instruction = await run.instruction(round);
    const failed = Object.entries(await bullJob.getFailedChildrenValues()).filter(([k]) =>
      k.includes(`.r${round}.`),
    );
    if (failed.length > 0) {
      const [key, reason] = failed[0]!;
      return failJob(ctx, job.id, `domain task ${key.split(':').pop()} failed: ${reason}`);
    }
    const results = await collect(bullJob, job.id, round, domains.map((d) => d.id).sort());
    const aggregate: Update = sumUpdates(results.map((r) => r.update));
    const rows = results.reduce(
      (s, r) => s + (instruction.phase === 'evaluate' ? r.rows.holdout : r.rows.train),
      0,
    );
    if (instruction.phase === 'evaluate') return release(ctx, job, run, results, aggregate, round);
    const state = strategy.next(await run.state(round), aggregate);
    await run.putState(round + 1, state);
    await ctx.jobs.recordProgress(job.id, {
      round,
      phase: instruction.phase,
      loss: strategy.loss(state),
      rows,
      elapsedMs: Date.now() - (await run.startedAt()),
      computeMs: Math.max(...results.map((r) => r.computeMs)),
    });
    const next = await dispatch(ctx, bullJob, job, run, round + 1, strategy.configureRound(state), token);
    if (!next) throw new WaitingChildrenError();
    data = next;
  }
}

/**
 * Records the round's instruction, adds one child job per domain (ids are deterministic, so a
 * replay never doubles a round) and parks the step job until they finish. Returns the new step
 * data when the children are already done (a replay), or null when the job now waits.
 */
async function dispatch(
  ctx: LabContext,
  bullJob: BullJob,
  job: Job,
  run: RunState,
  round: number,
  next: RoundInstruction | null,
  token: string | undefined,
): Promise<StepData | null> {
  const strategy = strategyFor(job.spec.model.kind);
  const instruction: RoundInstruction = next ?? {
    phase: 'evaluate',
    params: { model: strategy.finalModel(await run.state(round)) },
  };
  await run.putInstruction(round, instruction);
  const setup = await run.setupOnce(() => Promise.reject(new Error('run setup missing')));
  for (const d of setup.domains) {
    const task: TrainTask = {
      kind: 'train',
      jobId: job.id,
      round,
      domain: d.id,
      setup: {
        modelKind: job.spec.model.kind,
        encoding: job.encoding,
        bankFeatures: job.spec.bankFeatures,
        labels:
          d.labelsRef === null || job.spec.labels.source === 'domain'
            ? { source: 'domain', column: job.spec.labels.source === 'domain' ? job.spec.labels.column : '' }
            : { source: 'bank', labelsRef: d.labelsRef, entityKey: setup.entityKey },
        validation: job.spec.validation,
        minCohort: job.spec.privacy.minCohort,
      },
      instruction,
    };
    await ctx.domainQueue(d.id).queue.add('train', task, {
      jobId: childId(job.id, round, d.id),
      parent: { id: bullJob.id!, queue: bullJob.queueQualifiedName },
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      continueParentOnFailure: true,
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }
  const data: StepData = { jobId: job.id, step: 'collect', round };
  await bullJob.updateData(data);
  const waiting = await bullJob.moveToWaitingChildren(token ?? '');
  return waiting ? null : data;
}

async function collect(
  bullJob: BullJob,
  jobId: string,
  round: number,
  domainIds: string[],
): Promise<TrainResult[]> {
  const values = await bullJob.getChildrenValues();
  const byId = new Map(Object.entries(values).map(([k, v]) => [k.split(':').pop()!, v]));
  return domainIds.map((d) => {
    const raw = byId.get(childId(jobId, round, d));
    if (raw === undefined) throw new Error(`round ${round}: no result from domain ${d}`);
    const parsed = TrainResult.safeParse(raw);
    if (!parsed.success) throw new UnrecoverableError(`round ${round}: malformed result from domain ${d}`);
    return parsed.data;
  });
}

async function release(
  ctx: LabContext,
  job: Job,
  run: RunState,
  results: TrainResult[],
  aggregate: Update,
  round: number,
): Promise<void> {
  const parameters = strategyFor(job.spec.model.kind).finalModel(await run.state(round));
  let metrics: Evaluation;
  try {
    metrics = evaluationFrom(
      aggregate,
      results,
      job.spec.privacy.minCohort,
      job.spec.validation.split === 'none' ? 'training' : 'holdout',
    );
  } catch (err) {
    return failJob(ctx, job.id, `evaluation failed: ${(err as Error).message}`);
  }
  const setup = await run.setupOnce(() => Promise.reject(new Error('run setup missing')));
  const stored: StoredModel = {
    id: modelIdOf(job.id),
    jobId: job.id,
    tenant: job.tenant,
    kind: job.spec.model.kind,
    status: 'active',
    features: job.spec.features,
    bankFeatures: job.spec.bankFeatures,
    inputs: job.encoding.inputs.map(inputName),
    parameters,
    encoding: job.encoding,
    entityKey: setup.entityKey,
    rounds: round,
    metrics,
    domains: results.map((r) => r.domain),
    backend: [...new Set(results.map((r) => r.backend))].join(','),
    createdAt: new Date().toISOString(),
  };
  await ctx.models.put(stored);
  await ctx.jobs.transition(job.id, 'succeeded', (j) => ({ ...j, modelId: stored.id }));
  await ctx.audit.append({
    kind: 'job.succeeded',
    actor: 'coordinator',
    tenant: job.tenant,
    subject: job.id,
    details: { modelId: stored.id, auc: metrics.auc, ks: metrics.ks },
  });
}
