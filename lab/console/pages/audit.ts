// The audit log page: the chain's verify status, then the newest entries (filtered), older pages on request.
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AuditEntry } from '../../../client-sdk/contract/audit.ts';
import type { LabContext } from '../../context.ts';
import type { AuditFilter } from '../../infra/audit-filter.ts';
import { matchingEntry } from '../../infra/audit-stream.ts';
import { audited, type ConsoleEnv } from '../env.ts';
import { page, when } from '../layout.ts';

const SHOWN = 100;
/** Entries one page may scan for matches, newest first (a rare filter answers promptly with fewer). */
const SCAN = 20_000;
const BATCH = 500;
const DETAILS_CHARS = 300;
const FILTERS = ['kind', 'actor', 'tenant', 'entity'] as const;

/**
 * The newest entries matching `filter` strictly before stream id `before` (all when null); `older`
 * is where the next page starts, or null at the log's beginning.
 */
async function newestEntries(
  ctx: LabContext,
  filter: AuditFilter,
  before: string | null,
): Promise<{ entries: AuditEntry[]; older: string | null }> {
  const entries: AuditEntry[] = [];
  let end = before === null ? '+' : `(${before}`;
  for (let scanned = 0; scanned < SCAN; ) {
    const rows = (await ctx.redis.xrevrange(ctx.keys.audit, end, '-', 'COUNT', BATCH)) as [
      string,
      string[],
    ][];
    for (const [id, flat] of rows) {
      scanned++;
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
      const entry = matchingEntry(
        { id, prev: f.prev ?? '', hash: f.hash ?? '', event: f.event ?? '' },
        filter,
      );
      if (entry) entries.push(entry);
      if (entries.length === SHOWN || scanned === SCAN) return { entries, older: id };
    }
    if (rows.length < BATCH) return { entries, older: null };
    end = `(${rows.at(-1)![0]}`;
  }
  return { entries, older: null };
}

/**
 * `GET /audit?kind=&actor=&tenant=&entity=&before=` (under `/console`). Verifying the chain is
 * audited as the API's `verify` is: the result, head hash included, goes into the chain itself.
 *
 * @example
 * console.route('/', auditPages(ctx));
 */
export function auditPages(ctx: LabContext) {
  return new Hono<ConsoleEnv>().get('/audit', async (c) => {
    const p = c.get('principal');
    const filter: AuditFilter = {};
    for (const name of FILTERS) {
      const v = c.req.query(name)?.trim().slice(0, 200);
      if (v) filter[name] = v;
    }
    const beforeParam = c.req.query('before');
    const before = beforeParam && /^\d{1,20}-\d{1,20}$/.test(beforeParam) ? beforeParam : null;
    const verify = await ctx.audit.verify();
    await audited(ctx, c, 'audit.verified', p.tenant, '*', { ...verify });
    const { entries, older } = await newestEntries(ctx, filter, before);
    await audited(ctx, c, 'audit.read', p.tenant, '*', { filter, returned: entries.length });
    const status = verify.ok
      ? html`<p id="chain-status" class="badge st-succeeded">chain intact</p> <span class="muted">${verify.entries.toLocaleString('en-US')} entries; head <code>${verify.head.hash}</code></span>`
      : html`<p id="chain-status" class="badge st-failed">chain broken</p> <span class="error">at ${verify.brokenAt}: ${verify.reason} (expected <code>${verify.expected}</code>, found <code>${verify.found ?? 'nothing'}</code>)</span>`;
    const query = new URLSearchParams(Object.entries(filter) as [string, string][]);
    if (older) query.set('before', older);
    const body = html`<section class="card" aria-label="Chain verification">${status}</section>
<form method="get" action="/console/audit" class="card">
${FILTERS.map(
  (name) =>
    html`<label class="inline" for="audit-${name}">${name}</label> <input type="text" id="audit-${name}" name="${name}" value="${filter[name] ?? ''}" size="20">`,
)}
<button type="submit">Filter</button> <span class="muted">kind ending in "." is a prefix, e.g. <code>job.</code></span>
</form>
<table id="audit-table">
<thead><tr><th scope="col">At</th><th scope="col">Kind</th><th scope="col">Actor</th><th scope="col">Tenant</th><th scope="col">Subject</th><th scope="col">Details</th></tr></thead>
<tbody>${entries.map((e) => {
      const details = e.details ? JSON.stringify(e.details) : '';
      const shown = details.length > DETAILS_CHARS ? `${details.slice(0, DETAILS_CHARS)}…` : details;
      return html`<tr><td>${when(e.at)}</td><td>${e.kind}</td><td><code>${e.actor}</code></td><td>${e.tenant}</td><td>${e.subject}</td><td><code>${shown}</code></td></tr>`;
    })}</tbody></table>
${older ? html`<p><a href="/console/audit?${query.toString()}">Older entries</a></p>` : ''}`;
    return c.html(page(c, { title: 'Audit log', section: 'audit', body }));
  });
}
