// The SDK in a browser: its built JavaScript (`npm run build:sdk`) and zod, loaded as ES modules in
// Chromium from the lab's own origin, talk to a real lab API with nothing but fetch — list pages,
// a typed error, a scoring call and a job's event stream.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../../client-sdk/contract/uscc.ts';
import { type ApiFixture, apiFixture, submitJob } from '../helpers/api-fixture.ts';
import { browserTestsRun, launchChromium } from '../helpers/browser.ts';
import { storedModel } from '../helpers/stored-model.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const build = path.join(root, 'test-artifacts', `sdk-browser-${randomBytes(4).toString('hex')}`);
const zodDir = path.join(root, 'node_modules', 'zod');
const rand = () => randomInt(0, 2 ** 31) / 2 ** 31;

/** The page the SDK runs in: an import map sends `zod` to the package's own ES modules. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>SDK check</title>
<script type="importmap">{"imports": {"zod": "/sdk-check/zod/index.js"}}</script>
<script type="module">import * as sdk from '/sdk-check/sdk/index.js'; window.sdk = sdk;</script>
<p>SDK check</p>`;

describe.skipIf(!browserTestsRun('sdk browser e2e'))('the SDK in a browser', () => {
  let fx: ApiFixture;
  let server: ReturnType<typeof serve>;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await promisify(execFile)(
      process.execPath,
      [tsc, '-p', 'client-sdk/tsconfig.build.json', '--outDir', build],
      {
        cwd: root,
      },
    );
    fx = await apiFixture('sdk-browser');
    await fx.ctx.models.put(storedModel({ tenant: 'bank-a', id: 'mdl_browser0000000000' }));
    server = serve({ fetch: fx.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await fx?.close();
    await rm(build, { recursive: true, force: true });
  });

  it('lists, follows a job over SSE, maps errors to their classes and scores, with fetch only', async () => {
    const job = await submitJob(
      fx,
      fx.keys.scientistA,
      Array.from({ length: 300 }, () => generateUscc(rand, '110105')),
    );
    await fx.call('POST', `/v1/jobs/${job.id}/reject`, fx.keys.operator, { note: 'browser check' });
    const page = await (await browser.newContext()).newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    // The page and the modules are served on the lab's origin, so the SDK's calls are same-origin.
    await page.route(`${origin}/sdk-check/**`, async (route) => {
      const rel = new URL(route.request().url()).pathname.replace('/sdk-check/', '');
      if (rel === 'index.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
      const [dir, file] = rel.startsWith('zod/')
        ? [zodDir, rel.slice(4)]
        : [build, rel.replace(/^sdk\//, '')];
      const full = path.resolve(dir, file);
      if (!full.startsWith(dir) || !existsSync(full)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ contentType: 'text/javascript', body: await readFile(full, 'utf8') });
    });
    await page.goto(`${origin}/sdk-check/index.html`);
    await page.waitForFunction(() => 'sdk' in window);
    const seen = await page.evaluate(
      async ({ scientistKey, riskKey, jobId }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the module the page loaded, untyped in the browser
        const sdk = (window as any).sdk;
        const lab = new sdk.LabClient({ baseUrl: location.origin, apiKey: scientistKey });
        const models = await lab.models.list().all();
        const jobs = await lab.jobs.list();
        const events: string[] = [];
        for await (const ev of lab.jobs.events(jobId))
          events.push(ev.type === 'status' ? ev.status : ev.type);
        let missing = '';
        try {
          await lab.jobs.retrieve('job_doesnotexist0000');
        } catch (err) {
          missing = `${err instanceof sdk.NotFoundError} ${(err as { code: string }).code}`;
        }
        const risk = new sdk.LabClient({ baseUrl: location.origin, apiKey: riskKey });
        const scored = await risk.models.score('mdl_browser0000000000', ['not-an-id']);
        return {
          models: models.map((m: { id: string }) => m.id),
          jobs: jobs.data.map((j: { id: string }) => j.id),
          events,
          missing,
          scored: scored.results,
          uuid: typeof crypto.randomUUID,
          process: typeof (globalThis as { process?: unknown }).process,
        };
      },
      { scientistKey: fx.keys.scientistA, riskKey: fx.keys.riskA, jobId: job.id },
    );
    expect(problems).toEqual([]);
    expect(seen.process).toBe('undefined'); // no Node globals in the page
    expect(seen.uuid).toBe('function'); // idempotency keys need a secure context (https, or localhost)
    expect(seen.models).toEqual(['mdl_browser0000000000']);
    expect(seen.jobs).toEqual([job.id]);
    expect(seen.events).toEqual(['rejected']);
    expect(seen.missing).toBe('true not_found');
    expect(seen.scored).toEqual([{ entity: 'not-an-id', ok: false, error: 'invalid_entity' }]);
  }, 120_000);
});
