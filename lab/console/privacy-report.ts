// A job's privacy report as an operator reads it before deciding: what the job touches, how much, and what to watch.
import { html } from 'hono/html';
import type { PrivacyReport } from '../../client-sdk/contract/resources.ts';
import { count, num } from './layout.ts';

/** Sensitivities in the order an operator weighs them, most sensitive first. */
const ORDER = ['personal', 'restricted', 'public', 'identifier'];
const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);

/**
 * The report as a definition table: features by sensitivity, model size against the label rows
 * (and the platform's floor), domains, cohort floor, ε, approvals needed, warnings.
 *
 * @example
 * html`<section>${privacyReportView(job.privacyReport, ctx.policy.minRowsPerParameter)}</section>`;
 */
export function privacyReportView(r: PrivacyReport, minRowsPerParameter: number) {
  const groups = Object.entries(r.featuresBySensitivity)
    .filter(([, features]) => features.length > 0)
    .sort(([a], [b]) => rank(a) - rank(b));
  const floorOk = r.rowsPerParameter >= minRowsPerParameter;
  return html`<table class="privacy-report">
<tr><th scope="row">Purpose</th><td>${r.purpose}</td></tr>
<tr><th scope="row">Features by sensitivity</th><td>${
    groups.length === 0
      ? html`<span class="muted">none (bank-side features only)</span>`
      : groups.map(
          ([sensitivity, features]) =>
            html`<div><span class="badge s-${sensitivity}">${sensitivity}</span> ${features.length}: <code>${features.join(', ')}</code></div>`,
        )
  }</td></tr>
<tr><th scope="row">Parameters vs label rows</th><td>${count(r.parameterCount)} parameters, ${count(r.labelRows)} label rows:
${num(r.rowsPerParameter, 1)} rows per parameter <span class="${floorOk ? 'muted' : 'error'}">(platform floor ${minRowsPerParameter})</span></td></tr>
<tr><th scope="row">Domains touched</th><td>${r.domains.join(', ')}</td></tr>
<tr><th scope="row">Minimum cohort</th><td>${count(r.minCohort)} rows per domain and class</td></tr>
<tr><th scope="row">Differential privacy</th><td>${r.dpEpsilon === null ? 'off' : html`ε = ${num(r.dpEpsilon, 2)}`}</td></tr>
<tr><th scope="row">Approvals required</th><td>${r.approvalsRequired} distinct operator${r.approvalsRequired === 1 ? '' : 's'}</td></tr>
<tr><th scope="row">Warnings</th><td>${
    r.warnings.length === 0
      ? html`<span class="muted">none</span>`
      : html`<ul>${r.warnings.map((w) => html`<li class="warn">${w}</li>`)}</ul>`
  }</td></tr>
</table>`;
}
