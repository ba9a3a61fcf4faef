// Models: the registry list, and a model's page with its metrics, charts, points table and lineage.
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Metrics } from '../../../client-sdk/contract/resources.ts';
import type { GbdtModel } from '../../../models/gbdt-model.ts';
import type { ScorecardModel } from '../../../models/scorecard-model.ts';
import { pointsTableJson } from '../../../models/scorecard-table.ts';
import { canSee } from '../../api/auth.ts';
import { HttpError, notFound } from '../../api/http-error.ts';
import type { LabContext } from '../../context.ts';
import type { StoredModel } from '../../store/models.ts';
import { CursorError } from '../../store/time-index.ts';
import { modelCharts } from '../charts/model-charts.ts';
import { audited, type ConsoleEnv } from '../env.ts';
import { count, num, page, when } from '../layout.ts';
import { privacyReportView } from '../privacy-report.ts';

const LIST_PAGE = 50;

function metricsTable(headline: Metrics, perDomain: Record<string, Metrics>) {
  const row = (name: string, m: Metrics) =>
    html`<tr><th scope="row">${name}</th><td class="num">${num(m.auc)}</td><td class="num">${num(m.ks)}</td><td class="num">${num(m.gini)}</td>
<td class="num">${num(m.logLoss)}</td><td class="num">${num(m.brier)}</td><td class="num">${count(m.rows)}</td><td class="num">${count(m.positives)}</td></tr>`;
  return html`<table id="metrics-table" aria-label="Metrics">
<thead><tr><th scope="col">Sample</th><th scope="col">AUC</th><th scope="col">KS</th><th scope="col">Gini</th><th scope="col">Log loss</th><th scope="col">Brier</th><th scope="col">Rows</th><th scope="col">Bads</th></tr></thead>
<tbody>${row('pooled', headline)}${Object.entries(perDomain).map(([d, m]) => row(d, m))}</tbody></table>`;
}

function decilesTable(model: StoredModel) {
  return html`<table aria-label="Lift by decile">
<thead><tr><th scope="col">Decile</th><th scope="col">Rows</th><th scope="col">Bads</th><th scope="col">Bad rate</th><th scope="col">Cumulative capture</th><th scope="col">Lift</th></tr></thead>
<tbody>${model.metrics.deciles.map(
    (
      d,
    ) => html`<tr><td class="num">${d.decile ?? ''}</td><td class="num">${count(d.rows ?? 0)}</td><td class="num">${num(d.positives, 1)}</td>
<td class="num">${num(d.rate)}</td><td class="num">${num(d.cumulativeCaptureRate)}</td><td class="num">${num(d.lift, 2)}</td></tr>`,
  )}</tbody></table>`;
}

/** A gbdt's trees in brief: per input, the splits on it and their total gain (gain-based importance). */
function treesSummary(model: StoredModel) {
  const m = model.parameters as unknown as GbdtModel;
  const byInput = new Map<number, { splits: number; gain: number }>();
  for (const tree of m.trees)
    for (const node of tree.nodes) {
      if (!node.split) continue;
      const e = byInput.get(node.split.feature) ?? { splits: 0, gain: 0 };
      byInput.set(node.split.feature, { splits: e.splits + 1, gain: e.gain + node.split.gain });
    }
  const rows = [...byInput.entries()].sort((a, b) => b[1].gain - a[1].gain);
  return html`<h2>Trees</h2>
<p>${m.trees.length} trees; base log-odds ${num(m.base)}.</p>
<table id="tree-splits" aria-label="Splits by input">
<thead><tr><th scope="col">Input</th><th scope="col">Splits</th><th scope="col">Total gain</th></tr></thead>
<tbody>${rows.map(([j, e]) => html`<tr><td>${model.inputs[j] ?? String(j)}</td><td class="num">${count(e.splits)}</td><td class="num">${num(e.gain, 1)}</td></tr>`)}</tbody></table>`;
}

function pointsTable(model: StoredModel) {
  const t = pointsTableJson(model.parameters as unknown as ScorecardModel, model.inputs);
  return html`<h2>Points table</h2>
<p>Base score ${num(t.baseScore, 0)} at odds ${num(t.baseOdds, 0)}:1, ${num(t.pdo, 0)} points to double the odds.</p>
<table id="points-table" aria-label="Points table">
<thead><tr><th scope="col">Feature</th><th scope="col">IV</th><th scope="col">Bin</th><th scope="col">Goods</th><th scope="col">Bads</th><th scope="col">WoE</th><th scope="col">Points</th></tr></thead>
<tbody>${t.features.map((feature) =>
    feature.bins.map(
      (
        b,
        i,
      ) => html`<tr>${i === 0 ? html`<th scope="rowgroup" rowspan="${feature.bins.length}">${feature.name}</th><td class="num" rowspan="${feature.bins.length}">${num(feature.iv)}</td>` : ''}
<td>${b.bin}</td><td class="num">${count(b.good)}</td><td class="num">${count(b.bad)}</td><td class="num">${num(b.woe)}</td><td class="num">${num(b.points, 1)}</td></tr>`,
    ),
  )}</tbody></table>`;
}

function lineage(ctx: LabContext, model: StoredModel) {
  const l = model.lineage;
  const t = l.trainingReport;
  return html`<h2>Lineage</h2>
<table aria-label="Lineage">
<tr><th scope="row">Job</th><td><a href="/console/jobs/${model.jobId}">${model.jobId}</a></td></tr>
<tr><th scope="row">Purpose</th><td>${l.spec.purpose}</td></tr>
<tr><th scope="row">Label source</th><td>${l.spec.labels.source === 'bank' ? html`bank label set <code>${l.spec.labels.labelSetId}</code>` : 'a label column the domains hold'}</td></tr>
<tr><th scope="row">Approvals</th><td>${l.approvals.map((a) => html`<div><code>${a.by}</code> at ${when(a.at)}: ${a.note || html`<span class="muted">no note</span>`}${a.personalFeatures.length ? html` (granted ${a.personalFeatures.join(', ')})` : ''}</div>`)}</td></tr>
<tr><th scope="row">Training rows</th><td>${t ? html`${count(t.usedRows)} of ${count(t.labelRows)} label rows (${count(t.droppedUnauthorised)} without authorisation)` : '—'}</td></tr>
<tr><th scope="row">Differential privacy</th><td>${model.privacy.dp ? html`ε ${num(model.privacy.dp.epsilon, 2)}, δ ${model.privacy.dp.delta}, ${model.privacy.dp.mechanism}` : 'off'}</td></tr>
</table>
<h3>Dataset fingerprints</h3>
<table aria-label="Dataset fingerprints">
<thead><tr><th scope="col">Domain</th><th scope="col">Dataset</th><th scope="col">Rows</th><th scope="col">SHA-256</th></tr></thead>
<tbody>${Object.entries(l.datasets).map(([domain, files]) =>
    files.map(
      (fp) =>
        html`<tr><td>${domain}</td><td>${fp.dataset}</td><td class="num">${count(fp.rows)}</td><td><code>${fp.sha256}</code></td></tr>`,
    ),
  )}</tbody></table>
<h3>Privacy report at submission</h3>
${privacyReportView(l.privacyReport, ctx.policy.minRowsPerParameter)}`;
}

/**
 * `GET /models`, `GET /models/:id` (under `/console`).
 *
 * @example
 * console.route('/', modelPages(ctx));
 */
export function modelPages(ctx: LabContext) {
  return new Hono<ConsoleEnv>()
    .get('/models', async (c) => {
      let result: { data: StoredModel[]; nextCursor: string | null };
      try {
        result = await ctx.models.list({ tenant: null }, c.req.query('cursor') ?? null, LIST_PAGE);
      } catch (err) {
        if (err instanceof CursorError) throw new HttpError(400, 'invalid_request', err.message, 'cursor');
        throw err;
      }
      await audited(ctx, c, 'model.list', '*', 'models', { ids: result.data.map((m) => m.id) });
      const body = html`<table id="models-table">
<thead><tr><th scope="col">Model</th><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Bank</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">AUC</th><th scope="col">KS</th><th scope="col">Released</th></tr></thead>
<tbody>${result.data.map(
        (
          m,
        ) => html`<tr><td><a href="/console/models/${m.id}">${m.id}</a></td><td>${m.name}</td><td class="num">${m.version}</td><td>${m.tenant}</td>
<td>${m.kind}</td><td>${m.status}</td><td class="num">${num(m.metrics.auc)}</td><td class="num">${num(m.metrics.ks)}</td><td>${when(m.createdAt)}</td></tr>`,
      )}</tbody></table>
${result.nextCursor ? html`<p><a href="/console/models?cursor=${encodeURIComponent(result.nextCursor)}">Older models</a></p>` : ''}`;
      return c.html(page(c, { title: 'Models', section: 'models', body }));
    })
    .get('/models/:id', async (c) => {
      const model = await ctx.models.get(c.req.param('id'));
      if (!model || !canSee(c.get('principal'), model.tenant)) throw notFound('model');
      await audited(ctx, c, 'model.read', model.tenant, model.id);
      if (model.kind === 'scorecard')
        await audited(ctx, c, 'model.points_table.read', model.tenant, model.id);
      const body = html`<p>${model.kind} model of bank <strong>${model.tenant}</strong>, version ${model.version}, ${model.status};
released ${when(model.createdAt)} after ${model.rounds} rounds over ${model.domains.join(', ')} (backend ${model.backend}).</p>
<h2>Evaluation (${model.metrics.sample})</h2>
${metricsTable(model.metrics, model.metrics.perDomain)}
${modelCharts(model.metrics)}
<h3>Lift by decile</h3>
${decilesTable(model)}
${model.kind === 'scorecard' ? pointsTable(model) : model.kind === 'gbdt' ? treesSummary(model) : ''}
<h2>Inputs</h2>
<p>Platform features <code>${model.features.join(', ') || '—'}</code>; bank features <code>${model.bankFeatures.join(', ') || '—'}</code>; ${model.inputs.length} encoded inputs.</p>
${lineage(ctx, model)}`;
      return c.html(page(c, { title: `Model ${model.name} v${model.version}`, section: 'models', body }));
    });
}
