// The approval policy operators configure: how many distinct operators a job needs, which jobs are
// low-risk enough to approve themselves, and how long a job may wait for a decision.
import { z } from 'zod';
import { ModelKind } from '../../client-sdk/contract/job-spec.ts';
import type { Job } from '../../client-sdk/contract/resources.ts';

export const ApprovalPolicy = z.strictObject({
  /** Distinct operators who must approve a job that uses restricted or personal features. */
  approvals: z
    .strictObject({
      restricted: z.int().min(1).max(5).default(2),
      personal: z.int().min(1).max(5).default(2),
    })
    .default({ restricted: 2, personal: 2 }),
  /** Jobs approved by the policy itself: public platform features only, nothing personal. */
  autoApprove: z
    .strictObject({
      enabled: z.boolean().default(false),
      kinds: z.array(ModelKind).default(['logistic', 'scorecard']),
      /** Label rows per parameter at least this (well above the platform floor). */
      minRowsPerParameter: z.number().positive().default(100),
      /** Only jobs with differential privacy on. */
      requireDp: z.boolean().default(false),
    })
    .default({
      enabled: false,
      kinds: ['logistic', 'scorecard'],
      minRowsPerParameter: 100,
      requireDp: false,
    }),
  /** A job still pending after this long expires (and gives back any privacy budget). */
  pendingTtlHours: z
    .number()
    .positive()
    .max(24 * 90)
    .default(72),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/**
 * The policy from `LAB_APPROVAL_POLICY` (JSON; defaults for what it leaves out). A malformed
 * policy stops the process at start, naming the field, rather than running with a guess.
 *
 * @example
 * approvalPolicyFromEnv({ LAB_APPROVAL_POLICY: '{"approvals":{"restricted":2}}' }).approvals.restricted; // 2
 */
export function approvalPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): ApprovalPolicy {
  const raw = env.LAB_APPROVAL_POLICY;
  let value: unknown = {};
  if (raw) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error('LAB_APPROVAL_POLICY is not valid JSON');
    }
  }
  const parsed = ApprovalPolicy.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`LAB_APPROVAL_POLICY.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

type Report = Pick<Job, 'privacyReport'>['privacyReport'];

/**
 * Distinct operators a job with this privacy report needs.
 *
 * @example
 * approvalsRequired(job.privacyReport, policy); // 2 when it uses a personal feature
 */
export function approvalsRequired(
  report: Pick<Report, 'featuresBySensitivity'>,
  policy: ApprovalPolicy,
): number {
  const uses = (s: string) => (report.featuresBySensitivity[s]?.length ?? 0) > 0;
  if (uses('personal')) return Math.max(policy.approvals.personal, policy.approvals.restricted);
  if (uses('restricted')) return policy.approvals.restricted;
  return 1;
}

/**
 * Why the policy approves this job by itself, or null when an operator must look at it.
 *
 * @example
 * autoApproval(job, policy); // 'low risk: public features only, 480 rows per parameter'
 */
export function autoApproval(
  job: Pick<Job, 'privacyReport' | 'spec'>,
  policy: ApprovalPolicy,
): string | null {
  const rule = policy.autoApprove;
  const report = job.privacyReport;
  if (!rule.enabled || !rule.kinds.includes(job.spec.model.kind)) return null;
  const sensitivities = Object.keys(report.featuresBySensitivity).filter((s) => s !== 'bank-side');
  if (sensitivities.some((s) => s !== 'public')) return null;
  if (report.rowsPerParameter < rule.minRowsPerParameter) return null;
  if (rule.requireDp && report.dpEpsilon === null) return null;
  return `low risk: public features only, ${report.rowsPerParameter.toFixed(0)} label rows per parameter${
    report.dpEpsilon === null ? '' : `, DP ε ${report.dpEpsilon}`
  }`;
}

/**
 * The distinct operators who have approved so far.
 *
 * @example
 * approvers(job); // ['operator:platform:ab12…']
 */
export function approvers(job: Pick<Job, 'decisions'>): string[] {
  return [...new Set(job.decisions.filter((d) => d.decision === 'approved').map((d) => d.by))];
}
