// The console's page shell (head, navigation, styles) and the small formatting helpers its pages share.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { type ConsoleContext, csrfField } from './env.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const NAV = [
  ['approvals', '/console/approvals', 'Approvals'],
  ['jobs', '/console/jobs', 'Jobs'],
  ['models', '/console/models', 'Models'],
  ['domains', '/console/domains', 'Domains'],
  ['audit', '/console/audit', 'Audit log'],
  ['queues', '/console/queues', 'Queues'],
] as const;
export type Section = (typeof NAV)[number][0];

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;background:#f5f6f8}
header{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#1d2b3a;color:#fff}
header .brand{font-weight:600;margin-right:8px}
header nav a{color:#cdd8e4;text-decoration:none;margin-right:16px}
header nav a[aria-current=page]{color:#fff;border-bottom:2px solid #6cb0ff}
header .who{margin-left:auto;font-size:13px;color:#cdd8e4}
header form{display:inline;margin-left:12px}
main{max-width:1240px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 16px}h2{font-size:17px;margin:24px 0 8px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;background:#fff;margin:4px 0 12px}
th,td{border:1px solid #d8dde4;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.card{background:#fff;border:1px solid #d8dde4;border-radius:6px;padding:12px 16px;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;background:#e3e8ef}
.s-public{background:#dff3e4}.s-restricted{background:#fff0c9}.s-personal{background:#ffd9d4}
.st-succeeded{background:#dff3e4}.st-failed,.st-rejected,.st-expired,.st-cancelled{background:#ffd9d4}
.st-running,.st-approved{background:#dbeafe}.st-pending_approval{background:#fff0c9}
.warn{color:#8a4b00}.error{color:#a8261b}.muted{color:#5d6878}
label{font-weight:600;display:block;margin:8px 0 2px}label.inline{display:inline;font-weight:400}
textarea,input[type=text],input[type=password],select{font:inherit;padding:4px 6px;border:1px solid #aab4c0;border-radius:4px}
textarea{width:100%;min-height:48px}
button{font:inherit;padding:4px 12px;border-radius:4px;border:1px solid #1d4f8a;background:#2563a8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4f8a}button.danger{background:#a8261b;border-color:#7d1b13}
.actions{display:flex;gap:16px;flex-wrap:wrap}.actions form{flex:1;min-width:320px}
svg{background:#fff;border:1px solid #d8dde4}
code{font-size:12px;overflow-wrap:anywhere}
#audit-table td:nth-child(5){overflow-wrap:anywhere}`;

/**
 * A whole console page: head with the CSP nonce on its one style block, navigation, the signed-in
 * operator and sign-out, then `body`.
 *
 * @example
 * return c.html(page(c, { title: 'Jobs', section: 'jobs', body: html`<p>…</p>` }));
 */
export function page(
  c: ConsoleContext,
  opts: { title: string; section?: Section; body: Html; scripts?: Html },
): Html {
  const nonce = c.get('secureHeadersNonce') ?? '';
  const session = c.get('session');
  const p = session.principal;
  const nav = NAV.filter(([id]) => id !== 'queues' || p.role === 'operator').map(
    ([id, href, text]) =>
      html`<a href="${href}"${id === opts.section ? html` aria-current="page"` : ''}>${text}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Lab console</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
<header>
<span class="brand">Joint Modeling Lab</span>
<nav aria-label="Console sections">${nav}</nav>
<span class="who">${p.name} (${p.role})
<form method="post" action="/console/sign-out">${csrfField(c)}<button class="secondary" type="submit">Sign out</button></form></span>
</header>
<main>
<h1>${opts.title}</h1>
${opts.body}
</main>
${opts.scripts ?? ''}
</body>
</html>`;
}

/**
 * A page outside a session (sign-in, errors before sign-in): the same look without navigation.
 *
 * @example
 * return c.html(barePage(c, 'Sign in', form));
 */
export function barePage(c: ConsoleContext, title: string, body: Html): Html {
  const nonce = c.get('secureHeadersNonce') ?? '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Lab console</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
<header><span class="brand">Joint Modeling Lab</span></header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** A number with `digits` decimals, or an em dash for a missing one. */
export function num(v: number | null | undefined, digits = 4): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—';
}

/** A whole count with thousands separators. */
export const count = (v: number) => Math.round(v).toLocaleString('en-US');

/** An ISO time as `YYYY-MM-DD HH:MM:SS` UTC. */
export const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

/** A job status as a coloured badge. */
export const statusBadge = (status: string, id?: string) =>
  html`<span class="badge st-${status}"${id ? html` id="${id}"` : ''}>${status}</span>`;
