// Domains: what each one publishes (catalog), and per domain its data-quality report and usage over the last 30 days.
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { CatalogFeature } from '../../../client-sdk/contract/resources.ts';
import { UsageQuery } from '../../../client-sdk/contract/usage.ts';
import { notFound } from '../../api/http-error.ts';
import { parseValue } from '../../api/validate.ts';
import type { LabContext } from '../../context.ts';
import { resolvePeriod } from '../../usage/period.ts';
import { usageReport } from '../../usage/report.ts';
import { audited, type ConsoleEnv } from '../env.ts';
import { count, num, page, statusBadge, when } from '../layout.ts';

function featuresTable(features: readonly CatalogFeature[]) {
  return html`<table aria-label="Features">
<thead><tr><th scope="col">Feature</th><th scope="col">Type</th><th scope="col">Category</th><th scope="col">Sensitivity</th><th scope="col">Rows</th><th scope="col">Missing</th><th scope="col">Mean</th><th scope="col">Std</th><th scope="col">Description</th></tr></thead>
<tbody>${features.map(
    (
      f,
    ) => html`<tr><td><code>${f.name}</code></td><td>${f.type}</td><td>${f.category}</td><td><span class="badge s-${f.sensitivity}">${f.sensitivity}</span></td>
<td class="num">${f.rows === undefined ? '—' : count(f.rows)}</td><td class="num">${f.missingRate === undefined ? '—' : `${(f.missingRate * 100).toFixed(1)}%`}</td>
<td class="num">${num(f.mean, 3)}</td><td class="num">${num(f.std, 3)}</td><td>${f.description}${f.unit ? html` <span class="muted">(${f.unit})</span>` : ''}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * `GET /domains`, `GET /domains/:id?from=&to=` (under `/console`).
 *
 * @example
 * console.route('/', domainPages(ctx));
 */
export function domainPages(ctx: LabContext) {
  return new Hono<ConsoleEnv>()
    .get('/domains', async (c) => {
      const domains = await ctx.domains.list();
      await audited(ctx, c, 'catalog.read', c.get('principal').tenant, '*');
      const body = domains.length
        ? html`${domains.map(
            (d) => html`<section class="card" aria-labelledby="domain-${d.id}-h">
<h2 id="domain-${d.id}-h"><a href="/console/domains/${d.id}">${d.name}</a> <span class="muted">${d.id}</span></h2>
<p>Regions ${d.regions.join(', ')} · entity key ${d.entityKey} · ${d.rows === undefined ? 'not described yet' : `${count(d.rows)} enterprises`} · published ${when(d.publishedAt)}</p>
${featuresTable(d.features)}
</section>`,
          )}`
        : html`<p class="muted">No domain has registered yet.</p>`;
      return c.html(page(c, { title: 'Domains', section: 'domains', body }));
    })
    .get('/domains/:id', async (c) => {
      const p = c.get('principal');
      const domain = await ctx.domains.get(c.req.param('id'));
      if (!domain) throw notFound('domain');
      const query = parseValue(UsageQuery, { from: c.req.query('from'), to: c.req.query('to') });
      const period = resolvePeriod(query.from, query.to, new Date());
      const [quality, usage] = await Promise.all([
        ctx.domains.quality(domain.id),
        usageReport(ctx, domain.id, period),
      ]);
      if (quality) await audited(ctx, c, 'domain.quality.read', p.tenant, domain.id);
      await audited(ctx, c, 'usage.read', domain.id, domain.id, {
        from: period.from,
        to: period.to,
        format: 'html',
      });
      const qualityView = quality
        ? quality.datasets.map(
            (ds) => html`<h3>${ds.name} <span class="muted">${ds.file}</span></h3>
<p>${count(ds.rows)} rows · ${count(ds.invalidIds.count)} invalid ids${ds.invalidIds.firstLines.length ? html` (first at lines ${ds.invalidIds.firstLines.join(', ')})` : ''} · ${count(ds.duplicateKeys)} duplicate keys${ds.undatedRows === undefined ? '' : html` · ${count(ds.undatedRows)} undated rows`}</p>
<table aria-label="Columns of ${ds.name}">
<thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Missing</th><th scope="col">Unparsable</th><th scope="col">Out of range</th></tr></thead>
<tbody>${ds.columns.map(
              (
                col,
              ) => html`<tr><td><code>${col.name}</code></td><td>${col.type}</td><td class="num">${count(col.missing)} (${(col.missingRate * 100).toFixed(1)}%)</td>
<td class="num">${count(col.unparsable)}</td><td class="num">${count(col.outOfRange)}</td></tr>`,
            )}</tbody></table>`,
          )
        : html`<p class="muted">The domain has not published a quality report.</p>`;
      const t = usage.totals;
      const body = html`<p>${domain.name}: regions ${domain.regions.join(', ')}, entity key ${domain.entityKey}.</p>
<h2>Usage ${usage.from} to ${usage.to}</h2>
<form method="get" action="/console/domains/${domain.id}">
<label class="inline" for="usage-from">From</label> <input type="text" id="usage-from" name="from" value="${usage.from}" size="10">
<label class="inline" for="usage-to">To</label> <input type="text" id="usage-to" name="to" value="${usage.to}" size="10">
<button type="submit">Show</button></form>
<p id="usage-totals">${t.jobs} jobs (${t.succeeded} succeeded), ${count(t.rowsContributed)} rows contributed, ${count(t.scoresServed)} scores served, ${t.banks} banks.</p>
<table aria-label="Jobs that used the domain">
<thead><tr><th scope="col">Job</th><th scope="col">Bank</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Rows</th><th scope="col">AUC</th><th scope="col">Bank-only AUC</th><th scope="col">Lift</th></tr></thead>
<tbody>${usage.jobs.map(
        (
          j,
        ) => html`<tr><td><a href="/console/jobs/${j.jobId}">${j.jobId}</a></td><td>${j.bank}</td><td>${j.name}</td><td>${statusBadge(j.status)}</td>
<td class="num">${j.rowsContributed === null ? '—' : count(j.rowsContributed)}</td><td class="num">${num(j.auc)}</td><td class="num">${num(j.bankOnlyAuc)}</td><td class="num">${num(j.aucLift)}</td></tr>`,
      )}</tbody></table>
<h3>Scores served</h3>
<table aria-label="Scores served">
<thead><tr><th scope="col">Day</th><th scope="col">Bank</th><th scope="col">Model</th><th scope="col">Scores</th></tr></thead>
<tbody>${usage.scores.map(
        (s) =>
          html`<tr><td>${s.day}</td><td>${s.bank}</td><td><a href="/console/models/${s.modelId}">${s.modelId}</a></td><td class="num">${count(s.count)}</td></tr>`,
      )}</tbody></table>
<h2>Data quality</h2>
${qualityView}`;
      return c.html(page(c, { title: `Domain ${domain.id}`, section: 'domains', body }));
    });
}
