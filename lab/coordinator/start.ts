// Hands an approved job to the coordinators: one durable step job per lab job.
import { z } from 'zod';
import type { LabContext } from '../context.ts';

/** The step job's data: where the job's state machine stands (DESIGN §4). */
export const StepData = z.strictObject({
  jobId: z.string(),
  step: z.enum(['prepare', 'keys', 'collect']),
  round: z.int().min(0),
});
export type StepData = z.infer<typeof StepData>;

/**
 * Enqueues the job's step job. Idempotent: the BullMQ job id is the lab job id, so a repeated
 * call (an API retry, the coordinator's start-up sweep) never starts a job twice.
 *
 * @example
 * await startJob(ctx, 'job_abc');
 */
export async function startJob(ctx: Pick<LabContext, 'coordinatorQueue'>, jobId: string): Promise<void> {
  const data: StepData = { jobId, step: 'prepare', round: 0 };
  await ctx.coordinatorQueue.add('run', data, {
    jobId,
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  });
}
