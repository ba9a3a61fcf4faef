// The job page's one script: follows the job's event stream and updates the progress table and status in place.
import { html, raw } from 'hono/html';
import { TERMINAL_STATUSES } from '../../client-sdk/contract/resources.ts';

/**
 * Plain DOM code, no libraries: each `progress` event appends a row (text only, never markup), each
 * `status` event updates the badge and, once the job has a model, links it. The stream ends at a
 * terminal status; the script closes it then so the browser does not reconnect.
 */
const SCRIPT = `(() => {
  const root = document.getElementById('job-live');
  if (!root) return;
  const rows = document.getElementById('progress-rows');
  const badge = document.getElementById('job-status');
  const model = document.getElementById('job-model');
  const error = document.getElementById('job-error');
  const terminal = new Set(${JSON.stringify([...TERMINAL_STATUSES])});
  const cell = (tr, text, numeric) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (numeric) td.className = 'num';
    tr.appendChild(td);
  };
  const es = new EventSource(root.dataset.events);
  es.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    if (rows.querySelector('[data-round="' + Number(p.round) + '"][data-phase="' + CSS.escape(String(p.phase)) + '"]')) return;
    const tr = document.createElement('tr');
    tr.dataset.round = String(Number(p.round));
    tr.dataset.phase = String(p.phase);
    cell(tr, String(p.round), true);
    cell(tr, String(p.phase), false);
    cell(tr, p.loss === null ? '—' : Number(p.loss).toFixed(4), true);
    cell(tr, Number(p.rows).toLocaleString('en-US'), true);
    cell(tr, (Number(p.elapsedMs) / 1000).toFixed(1) + ' s', true);
    rows.appendChild(tr);
    root.dataset.rounds = String(rows.children.length);
  });
  es.addEventListener('status', (e) => {
    const s = JSON.parse(e.data);
    badge.textContent = s.status;
    badge.className = 'badge st-' + s.status;
    if (s.modelId && model && !model.querySelector('a')) {
      const a = document.createElement('a');
      a.href = '/console/models/' + encodeURIComponent(s.modelId);
      a.id = 'model-link';
      a.textContent = 'Open model ' + s.modelId;
      model.replaceChildren(a);
    }
    if (s.error && error) error.textContent = s.error;
    if (terminal.has(s.status)) {
      es.close();
      root.dataset.live = 'ended';
    }
  });
})();`;

/**
 * The script element, carrying the page's CSP nonce.
 *
 * @example
 * page(c, { title, body, scripts: liveProgressScript(c.get('secureHeadersNonce') ?? '') });
 */
export const liveProgressScript = (nonce: string) => html`<script nonce="${nonce}">${raw(SCRIPT)}</script>`;
