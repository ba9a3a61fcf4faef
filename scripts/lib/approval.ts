// Approving a job as the platform does it: as many distinct operators as the job's privacy report
// asks for (restricted features need two by default), each with the same note and grants.
import type { LabClient } from '../../client-sdk/client.ts';
import type { Job } from '../../client-sdk/contract/resources.ts';

/**
 * Approves `jobId` with the first `approvalsRequired` of `operators` (distinct operator keys) and
 * returns the job as the last approval left it.
 *
 * @example
 * const job = await approveWith([alice, bob], submitted.id, 'cohorts fine');
 */
export async function approveWith(
  operators: readonly LabClient[],
  jobId: string,
  note: string,
  grant: { personalFeatures?: string[] } = {},
): Promise<Job> {
  let job = await operators[0]!.jobs.get(jobId);
  const needed = job.privacyReport.approvalsRequired;
  if (operators.length < needed)
    throw new Error(`job ${jobId} needs ${needed} distinct operators; ${operators.length} given`);
  for (const operator of operators.slice(0, needed)) {
    if (job.status !== 'pending_approval') break;
    job = await operator.jobs.approve(jobId, note, grant);
  }
  return job;
}
