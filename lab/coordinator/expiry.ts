// Pending jobs that nobody decided on in time expire: they never run and give their ε back.
import type { LabContext } from '../context.ts';

/**
 * Expires every job still pending approval after the policy's `pendingTtlHours`; returns their
 * ids. Safe to run from several coordinators at once (the transition is guarded).
 *
 * @example
 * await expireStaleJobs(ctx, new Date()); // ['job_…']
 */
export async function expireStaleJobs(ctx: LabContext, now: Date): Promise<string[]> {
  const ttlMs = ctx.policy.approval.pendingTtlHours * 3600_000;
  const expired: string[] = [];
  for (const job of await ctx.jobs.list(null, 10_000)) {
    if (job.status !== 'pending_approval' || now.getTime() - Date.parse(job.createdAt) < ttlMs) continue;
    const reason = `not decided within ${ctx.policy.approval.pendingTtlHours} h`;
    try {
      await ctx.jobs.transition(job.id, 'expired', (j) => ({ ...j, error: reason }));
    } catch {
      continue; // decided meanwhile
    }
    await ctx.budgets.refund(job.id, job.tenant);
    await ctx.audit.append({
      kind: 'job.expired',
      actor: 'coordinator',
      tenant: job.tenant,
      subject: job.id,
      details: { reason },
    });
    expired.push(job.id);
  }
  return expired;
}
