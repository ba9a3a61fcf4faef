// Human-readable text of the lab's resources, as the client commands print them without --json.
import type { AuditVerify } from '../../client-sdk/contract/audit.ts';
import type { ModelCard } from '../../client-sdk/contract/model-registry.ts';
import type { Job, JobEvent, LabelSet, Model, ScoreResponse } from '../../client-sdk/contract/resources.ts';
import { formatLoss } from './progress.ts';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const approvals = (job: Job) =>
  `${job.decisions.filter((d) => d.decision === 'approved').length}/${job.privacyReport.approvalsRequired}`;

/**
 * A list as lines, `no <what>` when empty, and a hint when more pages follow.
 *
 * @example
 * listText(page.data.map(jobLine), page.nextCursor, 'jobs');
 */
export const listText = (lines: string[], nextCursor: string | null, what: string) =>
  lines.length === 0 ? `no ${what}` : [...lines, ...(nextCursor ? ['(more: --all)'] : [])].join('\n');

/**
 * One line for a job: id, status, name, model kind, when.
 *
 * @example
 * jobLine(job); // 'job_…  pending_approval  sme-pd  logistic  2026-03-01T…'
 */
export const jobLine = (job: Job) =>
  `${job.id}  ${job.status}  ${job.spec.name}  ${job.spec.model.kind}  ${job.createdAt}`;

/**
 * The first line of a watch: the job and what it waits for.
 *
 * @example
 * jobHeadline(job); // 'job job_… sme-pd: pending_approval (approvals 0/2)'
 */
export function jobHeadline(job: Job): string {
  const waiting = job.status === 'pending_approval' ? ` (approvals ${approvals(job)})` : '';
  return `job ${job.id} ${job.spec.name}: ${job.status}${waiting}`;
}

/**
 * The last line of a watch: how the job ended.
 *
 * @example
 * jobOutcome(job, { type: 'status', status: 'succeeded', modelId: 'mdl_…', error: null });
 */
export function jobOutcome(job: Job, event: Extract<JobEvent, { type: 'status' }>): string {
  const model = event.modelId ? `: model ${event.modelId}` : '';
  const error = event.error ? `: ${event.error}` : '';
  return `job ${job.id} ${event.status}${model}${error}`;
}

/** A job in full: spec essentials, privacy report, decisions, rounds, outcome. */
export function jobDetails(job: Job): string {
  const r = job.privacyReport;
  const last = job.progress.at(-1);
  const lines = [
    jobHeadline(job),
    `  tenant ${job.tenant}, submitted by ${job.submittedBy} at ${job.createdAt}`,
    `  purpose: ${job.spec.purpose}`,
    `  model ${job.spec.model.kind}, ${job.spec.features.length} platform features, ${job.spec.bankFeatures.length} bank features, aggregation ${job.spec.aggregation}`,
    `  privacy: ${r.parameterCount} parameters, ${r.labelRows} label rows (${r.rowsPerParameter.toFixed(1)} per parameter), min cohort ${r.minCohort}, DP ε ${r.dpEpsilon ?? 'none'}, domains ${r.domains.join(', ')}`,
    ...Object.entries(r.featuresBySensitivity).map(([s, f]) => `    ${s}: ${f.join(', ') || '-'}`),
    ...r.warnings.map((w) => `  warning: ${w}`),
    `  approvals ${approvals(job)}`,
    ...job.decisions.map((d) => `    ${d.decision} by ${d.by} at ${d.at}${d.note ? `: ${d.note}` : ''}`),
  ];
  if (last) lines.push(`  rounds ${job.progress.length}, last ${last.phase} loss ${formatLoss(last.loss)}`);
  if (job.modelId) lines.push(`  model ${job.modelId}`);
  if (job.error) lines.push(`  error: ${job.error}`);
  return lines.join('\n');
}

/**
 * One line for a model: id, name and version, kind, status, holdout AUC.
 *
 * @example
 * modelLine(model); // 'mdl_…  sme-pd v2  logistic  active  AUC 0.8504'
 */
export const modelLine = (m: Model) =>
  `${m.id}  ${m.name} v${m.version}  ${m.kind}  ${m.status}  AUC ${m.metrics.auc.toFixed(4)}  ${m.createdAt}`;

/** A model in full: metrics, inputs, domains, privacy. */
export function modelDetails(m: Model): string {
  const e = m.metrics;
  return [
    modelLine(m),
    `  job ${m.jobId}, tenant ${m.tenant}, ${m.rounds} rounds, backend ${m.backend}`,
    `  ${e.sample}: AUC ${e.auc.toFixed(4)}, KS ${e.ks.toFixed(4)}, Gini ${e.gini.toFixed(4)}, log loss ${e.logLoss.toFixed(4)}, Brier ${e.brier.toFixed(4)} (${e.rows} rows, ${e.positives} positives)`,
    `  domains ${m.domains.join(', ')}`,
    `  features ${m.features.join(', ') || '-'}`,
    `  bank features (supply them when scoring) ${m.bankFeatures.join(', ') || '-'}`,
    `  privacy: ε spent ${m.privacy.epsilonSpent}${m.privacy.dp ? `, DP ${m.privacy.dp.mechanism}` : ''}`,
  ].join('\n');
}

/** A model card, briefly: intended use, evaluation, limitations. */
export function cardDetails(card: ModelCard): string {
  const e = card.evaluation;
  return [
    `${card.model.id}  ${card.model.name} v${card.model.version}  ${card.model.kind}  ${card.model.status}`,
    `  purpose: ${card.purpose}`,
    `  intended use: ${card.intendedUse}`,
    `  ${e.sample}: AUC ${e.auc.toFixed(4)}, KS ${e.ks.toFixed(4)} (${e.rows} rows)`,
    ...card.limitations.map((l) => `  limitation: ${l}`),
    `  versions ${card.versions.map((v) => `v${v.version} ${v.status}`).join(', ')}`,
  ].join('\n');
}

/**
 * One line per entity: probability, points score and reasons, or why it was not scored.
 *
 * @example
 * scoreLines(res); // '91310117MABXT86992  PD 11.25%  score 547  reasons: tax.annual_tax_paid, …'
 */
export const scoreLines = (res: ScoreResponse) =>
  res.results
    .map((r) =>
      r.ok
        ? `${r.entity}  PD ${pct(r.probability)}  score ${Math.round(r.score)}  reasons: ${r.reasons.join(', ') || '-'}`
        : `${r.entity}  not scored: ${r.error}`,
    )
    .join('\n');

/** A label set's summary. */
export const labelSetLine = (ls: LabelSet) =>
  `${ls.id}  ${ls.name}  ${ls.rows} rows, ${ls.positives} positives, bank features ${ls.bankFeatures.join(', ') || '-'}`;

/** The audit chain's state, and the head to anchor a later check on. */
export const auditLine = (v: AuditVerify) =>
  v.ok
    ? `audit chain ok: ${v.entries} entries; head ${v.head.id ?? '-'} ${v.head.hash}`
    : `audit chain broken at ${v.brokenAt} (${v.reason}) after ${v.entries} good entries: expected ${v.expected}, found ${v.found ?? 'nothing'}`;
