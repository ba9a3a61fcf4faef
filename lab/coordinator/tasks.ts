// Adding a round's domain tasks as children of a step job, parking it, and collecting the results.
import { type Job as BullJob, UnrecoverableError } from 'bullmq';
import type { Job } from '../../client-sdk/contract/resources.ts';
import type { RoundInstruction } from '../../models/strategy.ts';
import type { LabContext } from '../context.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, TrainResult, type TrainTask } from '../infra/task-protocol.ts';
import { grantedPersonal } from '../privacy/grants.ts';
import type { RunSetup } from './prepare.ts';
import type { StepData } from './start.ts';

/** Child job id of one domain's task in one round: deterministic, so a replay never doubles it. */
export const childId = (jobId: string, round: number, domain: string) => `${jobId}.r${round}.${domain}`;

export interface DomainTask {
  domain: string;
  instruction: RoundInstruction;
  he: TrainTask['setup']['he'];
}

/**
 * Adds one child job per task and parks the step job until they finish. Returns the new step data
 * when the children are already done (a replay), or null when the step job now waits.
 *
 * @example
 * const next = await addRound(ctx, bullJob, job, setup, round, tasks, 'collect', token);
 */
export async function addRound(
  ctx: LabContext,
  bullJob: BullJob,
  job: Job,
  setup: RunSetup,
  round: number,
  tasks: readonly DomainTask[],
  step: StepData['step'],
  token: string | undefined,
): Promise<StepData | null> {
  for (const t of tasks) {
    const d = setup.domains.find((x) => x.id === t.domain)!;
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
        minClassCohort: job.spec.privacy.minClassCohort,
        egress: {
          tenant: job.tenant,
          grantedPersonal: grantedPersonal(job),
          maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
        },
        dp: job.spec.privacy.dp !== undefined,
        modelConfig: job.spec.model,
        he: t.he,
      },
      instruction: t.instruction,
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
  const data: StepData = { jobId: job.id, step, round };
  await bullJob.updateData(data);
  const waiting = await bullJob.moveToWaitingChildren(token ?? '');
  return waiting ? null : data;
}

/** The first failed task of a round, as `domain task <id> failed: <reason>`, or null. */
export async function failedTask(bullJob: BullJob, round: number): Promise<string | null> {
  const failed = Object.entries(await bullJob.getFailedChildrenValues()).find(([k]) =>
    k.includes(`.r${round}.`),
  );
  return failed ? `domain task ${failed[0].split(':').pop()} failed: ${failed[1]}` : null;
}

/**
 * The round's results, one per domain in the given (sorted) order.
 *
 * @example
 * const results = await collect(bullJob, job.id, 3, ['d-bj', 'd-sh']);
 */
export async function collect(
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
