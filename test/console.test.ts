// The operator console over real HTTP: sign-in and its refusals, session cookies, CSRF on every POST, decisions, pages, queues.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { simulatedEvaluation } from '../lab/console/charts/evaluation-fixture.ts';
import { MAX_FAILED_SIGN_INS } from '../lab/console/sign-in.ts';
import { createApiKey, revokeApiKey } from '../lab/store/api-keys.ts';
import { seededRandom } from '../models/testing/random.ts';
import { type ApiFixture, apiFixture, FEATURES, fakeDomain, submitJob } from './helpers/api-fixture.ts';
import { storedModel } from './helpers/stored-model.ts';

const PERSONAL = 'personnel.rep_age';

/** A browser's view of one user: its console cookies, sent back on every request. */
class Visitor {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(method: string, path: string, form?: Record<string, string | string[]>) {
    const body = form ? new URLSearchParams() : undefined;
    for (const [k, v] of Object.entries(form ?? {})) for (const one of [v].flat()) body!.append(k, one);
    const res = await fetch(this.base + path, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { res, text: await res.text() };
  }
  get = (path: string) => this.request('GET', path);
  post = (path: string, form: Record<string, string | string[]>) => this.request('POST', path, form);

  /** Signs in through the form as a browser would: the form's token, then the key. */
  async signIn(apiKey: string, next?: string) {
    const form = await this.get(`/console/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    const token = csrfOf(form.text);
    return this.post('/console/sign-in', { _csrf: token, apiKey, next: next ?? '' });
  }
}

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
const rand = seededRandom(3);
const uscc = () => generateUscc(() => rand.uniform(), '110105');

describe('operator console', () => {
  let fx: ApiFixture;
  let server: ServerType;
  let base = '';
  let auditorKey = '';
  const visitor = () => new Visitor(base);
  const entities = () => Array.from({ length: 300 }, uscc);

  beforeAll(async () => {
    fx = await apiFixture('console');
    const withPersonal = fakeDomain('d-bj', '110000');
    withPersonal.features.push({
      name: PERSONAL,
      type: 'number',
      category: 'key-personnel',
      sensitivity: 'personal',
      description: "Legal representative's age",
      rows: 1000,
      missingRate: 0.05,
    });
    await fx.ctx.domains.publish(withPersonal);
    auditorKey = (await createApiKey(fx.ctx.redis, fx.ctx.keys, { role: 'auditor', tenant: 'platform' })).key;
    await new Promise<void>((resolve) => {
      server = serve({ fetch: fx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await fx?.close();
  });

  it('sends a visitor without a session to sign in, from every page and from the queue board', async () => {
    const v = visitor();
    for (const path of ['/console', '/console/approvals', '/console/jobs/job_x', '/console/queues']) {
      const { res } = await v.get(path);
      expect(res.status, path).toBe(303);
      const where = res.headers.get('location')!;
      expect(where.startsWith('/console/sign-in'), path).toBe(true);
    }
    expect((await v.get('/console/approvals')).res.headers.get('location')).toBe(
      '/console/sign-in?next=%2Fconsole%2Fapprovals',
    );
    expect((await v.get('/console/queues/api/queues')).res.status).toBe(303);
    // A state change without a session is refused outright.
    expect((await v.post('/console/jobs/job_x/approve', { note: 'x' })).res.status).toBe(403);
  });

  it('serves the sign-in page with a labelled key field, a strict CSP and a double-submit cookie', async () => {
    const { res, text } = await visitor().get('/console/sign-in');
    expect(res.status).toBe(200);
    expect(text).toContain('<label for="api-key">API key</label>');
    expect(text).toContain('id="api-key"');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jml_console_signin='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/console/);
    expect(cookie.split(';')[0]!.slice('jml_console_signin='.length)).toBe(csrfOf(text));
    // Over https the console's cookies are Secure as well.
    const https = await fx.app.request('https://lab.example/console/sign-in');
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure/);
  });

  it('refuses a sign-in without the form token, and bank keys whatever they send, never echoing the key', async () => {
    const v = visitor();
    const noToken = await v.post('/console/sign-in', { apiKey: fx.keys.operator });
    expect(noToken.res.status).toBe(403);
    expect(v.cookies.has('jml_console')).toBe(false);
    for (const key of [fx.keys.scientistA, fx.keys.riskA, 'jml_notakey']) {
      const { res, text } = await v.signIn(key);
      expect(res.status).toBe(401);
      expect(text).toContain('That key cannot sign in');
      expect(text).not.toContain(key);
      expect(v.cookies.has('jml_console')).toBe(false);
    }
    const failures = await fx.ctx.audit.query({ kind: 'console.sign_in_failed' }, { limit: 100 });
    expect(failures.data.map((e) => e.details?.reason)).toEqual([
      'role_not_allowed',
      'role_not_allowed',
      'unknown_key',
    ]);
    expect(failures.data[0]!.actor).toMatch(/^bank-scientist:bank-a:key_/);
    expect(JSON.stringify(failures.data)).not.toContain(fx.keys.scientistA);
  });

  it('signs an operator in: an HttpOnly, SameSite=Strict session cookie; Redis keeps only its hash, for 8 hours', async () => {
    const v = visitor();
    const { res } = await v.signIn(fx.keys.operator, '/console/jobs');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/jobs');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jml_console='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/console/);
    expect(cookie).not.toMatch(/; Secure/); // plain http here; https requests get Secure
    const id = v.cookies.get('jml_console')!;
    const hash = createHash('sha256').update(id).digest('hex');
    const stored = await fx.ctx.redis.get(fx.ctx.keys.consoleSession(hash));
    expect(stored).not.toBeNull();
    expect(stored).not.toContain(id);
    expect(await fx.ctx.redis.exists(fx.ctx.keys.consoleSession(id))).toBe(0);
    const ttl = await fx.ctx.redis.pttl(fx.ctx.keys.consoleSession(hash));
    expect(ttl).toBeGreaterThan(8 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(8 * 3600_000);
    expect((await v.get('/console/jobs')).res.status).toBe(200);
    // Signing in again from a browser that holds a session replaces it; `next` never leaves the console.
    const w = visitor();
    const token = csrfOf((await w.get('/console/sign-in')).text);
    w.cookies.set('jml_console', id);
    const again = await w.post('/console/sign-in', {
      _csrf: token,
      apiKey: fx.keys.operator,
      next: '//evil.example',
    });
    expect(again.res.headers.get('location')).toBe('/console/approvals');
    expect(await fx.ctx.redis.exists(fx.ctx.keys.consoleSession(hash))).toBe(0);
    expect(w.cookies.get('jml_console')).not.toBe(id);
    const signedIn = await fx.ctx.audit.query({ kind: 'console.signed_in' }, { limit: 10 });
    expect(signedIn.data.at(-1)!.actor).toMatch(/^operator:platform:key_/);
  });

  it('refuses a decision without or with a wrong CSRF token (403) and the job stays pending', async () => {
    const job = await submitJob(fx, fx.keys.scientistA, entities());
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const queue = await v.get('/console/approvals');
    const token = csrfOf(queue.text);
    const forms: Record<string, string>[] = [
      { note: 'ok' },
      { note: 'ok', _csrf: 'x'.repeat(43) },
      { note: 'ok', _csrf: '' },
    ];
    for (const form of forms) {
      const { res, text } = await v.post(`/console/jobs/${job.id}/approve`, form);
      expect(res.status).toBe(403);
      expect(text).toContain('CSRF token');
      expect((await fx.ctx.jobs.get(job.id))!.status).toBe('pending_approval');
    }
    // A refusal is a page with the console's CSP, and a token of odd bytes is refused, not a crash.
    const odd = await v.post(`/console/jobs/${job.id}/approve`, { note: 'ok', _csrf: 'é'.repeat(43) });
    expect(odd.res.status).toBe(403);
    expect(odd.res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    // Another session's token is no good either: tokens are bound to their session.
    const other = visitor();
    await other.signIn(fx.keys.operatorB);
    const otherToken = csrfOf((await other.get('/console/approvals')).text);
    expect(otherToken).not.toBe(token);
    expect(
      (await v.post(`/console/jobs/${job.id}/reject`, { note: 'no', _csrf: otherToken })).res.status,
    ).toBe(403);
    // JSON with the right token is not a form: refused as well.
    const json = await fetch(`${base}/console/jobs/${job.id}/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `jml_console=${v.cookies.get('jml_console')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ _csrf: token, note: 'ok' }),
    });
    expect(json.status).toBe(403);
    expect((await fx.ctx.jobs.get(job.id))!.status).toBe('pending_approval');
    const refused = await fx.ctx.audit.query(
      { kind: 'request.refused', entity: 'POST /console/jobs/:id/approve' },
      { limit: 100 },
    );
    expect(refused.data.length).toBeGreaterThanOrEqual(3);
  });

  it('shows the pending job with its privacy report, and approves it with a note and the right token', async () => {
    const job = await submitJob(fx, fx.keys.scientistA, entities());
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const queue = await v.get('/console/approvals');
    expect(queue.text).toContain(`id="pending-${job.id}"`);
    expect(queue.text).toContain('<table class="privacy-report">');
    expect(queue.text).toContain('<span class="badge s-public">public</span>');
    expect(queue.text).toContain(`<label for="approve-note-${job.id}">Approval note</label>`);
    const { res } = await v.post(`/console/jobs/${job.id}/approve`, {
      _csrf: csrfOf(queue.text),
      note: 'public features only; cohorts fine',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/jobs/${job.id}`);
    const after = (await fx.ctx.jobs.get(job.id))!;
    expect(after.status).toBe('approved');
    expect(after.decisions[0]!.note).toBe('public features only; cohorts fine');
    expect(after.decisions[0]!.by).toMatch(/^operator:platform:key_/);
    const page = await v.get(`/console/jobs/${job.id}`);
    expect(page.res.status).toBe(200);
    expect(page.text).toContain('public features only; cohorts fine');
    expect(page.text).toContain('id="job-status"');
    // Deciding twice is a conflict, shown as a page.
    const again = await v.post(`/console/jobs/${job.id}/reject`, { _csrf: csrfOf(page.text), note: 'late' });
    expect(again.res.status).toBe(409);
  });

  it('cancels a job that has not ended, with a note', async () => {
    const job = await submitJob(fx, fx.keys.scientistA, entities());
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const page = await v.get(`/console/jobs/${job.id}`);
    expect(page.text).toContain(`<label for="cancel-note-${job.id}">Cancellation note</label>`);
    const { res } = await v.post(`/console/jobs/${job.id}/cancel`, {
      _csrf: csrfOf(page.text),
      note: 'wrong book',
    });
    expect(res.status).toBe(303);
    const after = (await fx.ctx.jobs.get(job.id))!;
    expect(after.status).toBe('cancelled');
    expect(after.error).toMatch(/wrong book$/);
    expect((await v.get(`/console/jobs/${job.id}`)).text).not.toContain('Cancellation note');
  });

  it('needs a ticked checkbox for each personal feature before it approves', async () => {
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, {
      name: 'book',
      rows: entities().map((entity, i) => ({ entity, label: i % 5 === 0 ? 1 : 0 })),
    });
    const submitted = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: 'pd-personal',
      purpose: 'test',
      labels: { source: 'bank', labelSetId: ls.body.id },
      model: { kind: 'logistic' },
      features: [...FEATURES, PERSONAL],
      domains: ['d-bj'],
    });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const page = await v.get(`/console/jobs/${id}`);
    expect(page.text).toContain(
      `<input type="checkbox" id="grant-0-${id}" name="personalFeatures" value="${PERSONAL}">`,
    );
    expect(page.text).toContain(`<label class="inline" for="grant-0-${id}">`);
    const token = csrfOf(page.text);
    const unticked = await v.post(`/console/jobs/${id}/approve`, { _csrf: token, note: 'ok' });
    expect(unticked.res.status).toBe(400);
    expect(unticked.text).toContain(PERSONAL);
    expect((await fx.ctx.jobs.get(id))!.decisions).toEqual([]);
    const ticked = await v.post(`/console/jobs/${id}/approve`, {
      _csrf: token,
      note: 'ok',
      personalFeatures: PERSONAL,
    });
    expect(ticked.res.status).toBe(303);
    const after = (await fx.ctx.jobs.get(id))!;
    // Personal features need a second, distinct operator: the first approval is recorded.
    expect(after.status).toBe('pending_approval');
    expect(after.decisions[0]!.personalFeatures).toEqual([PERSONAL]);
    const mine = await v.get(`/console/jobs/${id}`);
    expect(mine.text).toContain('the next must come from another operator');
  });

  it('escapes what banks wrote everywhere it is shown', async () => {
    const ls = await fx.call('POST', '/v1/label-sets', fx.keys.scientistA, {
      name: 'book',
      rows: entities().map((entity, i) => ({ entity, label: i % 5 === 0 ? 1 : 0 })),
    });
    const hostile = '<img src=x onerror="alert(1)">';
    const submitted = await fx.call('POST', '/v1/jobs', fx.keys.scientistA, {
      name: hostile,
      purpose: `${hostile}</td>`,
      labels: { source: 'bank', labelSetId: ls.body.id },
      model: { kind: 'logistic' },
      features: FEATURES,
    });
    expect(submitted.status).toBe(201);
    const v = visitor();
    await v.signIn(fx.keys.operator);
    for (const path of ['/console/approvals', `/console/jobs/${submitted.body.id}`, '/console/jobs']) {
      const { text } = await v.get(path);
      expect(text, path).not.toContain('<img src=x');
      expect(text, path).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    }
  });

  it('renders a model page with its four charts and its lineage', async () => {
    const metrics = simulatedEvaluation(4000, 9).evaluation;
    await fx.ctx.models.put({ ...storedModel({ tenant: 'bank-a', id: 'mdl_console1' }), metrics });
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const { res, text } = await v.get('/console/models/mdl_console1');
    expect(res.status).toBe(200);
    for (const id of ['chart-roc', 'chart-ks', 'chart-distribution', 'chart-calibration'])
      expect(text).toContain(`<svg id="${id}"`);
    expect(text).toContain(`AUC ${metrics.auc.toFixed(4)}`);
    expect(text).toContain('ab'.repeat(32)); // a dataset fingerprint of the lineage
    expect((await v.get('/console/models')).text).toContain('href="/console/models/mdl_console1"');
    expect((await v.get('/console/models/mdl_nope')).res.status).toBe(404);
    const reads = await fx.ctx.audit.query({ kind: 'model.read', entity: 'mdl_console1' }, { limit: 10 });
    expect(reads.data[0]!.details).toMatchObject({ via: 'console' });
  });

  it('shows the audit log with the chain intact, the domains with their catalog and usage', async () => {
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const audit = await v.get('/console/audit?kind=console.');
    expect(audit.res.status).toBe(200);
    expect(audit.text).toContain('chain intact');
    expect(audit.text).toContain('console.signed_in');
    const domains = await v.get('/console/domains');
    expect(domains.text).toContain('href="/console/domains/d-bj"');
    expect(domains.text).toContain('<span class="badge s-personal">personal</span>');
    const domain = await v.get('/console/domains/d-bj');
    expect(domain.res.status).toBe(200);
    expect(domain.text).toContain('id="usage-totals"');
    expect((await v.get('/console/domains/d-nope')).res.status).toBe(404);
    // Every control is labelled: each id'd input has its label.
    for (const page of [audit.text, domain.text]) {
      for (const [, id] of page.matchAll(/<input type="text" id="([^"]+)"/g))
        expect(page).toContain(`for="${id}"`);
    }
  });

  it('serves bull-board at /console/queues to operators, read-only', async () => {
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const board = await v.get('/console/queues');
    expect(board.res.status).toBe(200);
    expect(board.text).toContain('<base href="/console/queues/"');
    expect(board.res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const api = await v.get('/console/queues/api/queues');
    expect(api.res.status).toBe(200);
    const names = (JSON.parse(api.text) as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
    expect(names.map((q) => q.name)).toEqual(
      expect.arrayContaining(['lab.coordinator', 'domain.d-bj', 'domain.d-sh']),
    );
    expect(names.every((q) => q.readOnlyMode)).toBe(true);
    const paused = await v.request('PUT', '/console/queues/api/queues/pause');
    expect(paused.res.status).toBe(403);
    const auditor = visitor();
    expect((await auditor.signIn(auditorKey)).res.status).toBe(303);
    expect((await auditor.get('/console/queues')).res.status).toBe(403);
  });

  it('gives auditors a read-only console', async () => {
    const job = await submitJob(fx, fx.keys.scientistA, entities());
    const v = visitor();
    await v.signIn(auditorKey);
    const page = await v.get(`/console/jobs/${job.id}`);
    expect(page.res.status).toBe(200);
    expect(page.text).toContain('Read-only session');
    expect(page.text).not.toContain(`action="/console/jobs/${job.id}/approve"`);
    const { res } = await v.post(`/console/jobs/${job.id}/approve`, { _csrf: csrfOf(page.text), note: 'x' });
    expect(res.status).toBe(403);
    expect((await fx.ctx.jobs.get(job.id))!.status).toBe('pending_approval');
  });

  it('signs out only with the token, deleting the session; a revoked key ends its sessions', async () => {
    const v = visitor();
    await v.signIn(fx.keys.operator);
    const id = v.cookies.get('jml_console')!;
    const storeKey = fx.ctx.keys.consoleSession(createHash('sha256').update(id).digest('hex'));
    const token = csrfOf((await v.get('/console/jobs')).text);
    expect((await v.post('/console/sign-out', {})).res.status).toBe(403);
    expect(await fx.ctx.redis.exists(storeKey)).toBe(1);
    const out = await v.post('/console/sign-out', { _csrf: token });
    expect(out.res.status).toBe(303);
    expect(await fx.ctx.redis.exists(storeKey)).toBe(0);
    expect(v.cookies.has('jml_console')).toBe(false);
    v.cookies.set('jml_console', id); // a copy of the old cookie is no good either
    expect((await v.get('/console/jobs')).res.status).toBe(303);
    const signedOut = await fx.ctx.audit.query({ kind: 'console.signed_out' }, { limit: 10 });
    expect(signedOut.data).toHaveLength(1);

    const { key, record } = await createApiKey(fx.ctx.redis, fx.ctx.keys, {
      role: 'operator',
      tenant: 'platform',
    });
    const w = visitor();
    await w.signIn(key);
    expect((await w.get('/console/jobs')).res.status).toBe(200);
    await revokeApiKey(fx.ctx.redis, fx.ctx.keys, record.keyId);
    expect((await w.get('/console/jobs')).res.status).toBe(303);
  });

  it(`stops a client after ${MAX_FAILED_SIGN_INS} failed sign-ins (429), even with a good key`, async () => {
    const v = visitor();
    const before = Number(await fx.ctx.redis.get(fx.ctx.keys.consoleSignInFailures('127.0.0.1'))) || 0;
    for (let i = before; i < MAX_FAILED_SIGN_INS; i++)
      expect((await v.signIn('jml_wrong')).res.status).toBe(401);
    const { res, text } = await v.signIn(fx.keys.operator);
    expect(res.status).toBe(429);
    expect(text).toContain('Too many failed sign-ins');
    expect(v.cookies.has('jml_console')).toBe(false);
  });
});
