// The operator console in a real browser against a real lab: a bank submits through the SDK, an
// operator signs in, approves from the queue, watches the rounds arrive live and opens the model's charts.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../client-sdk/contract/resources.ts';
import { type BankSession, bankSession } from '../helpers/bank-session.ts';
import { browserTestsRun, launchChromium } from '../helpers/browser.ts';
import { type StackFixture, stackFixture } from '../helpers/stack-fixture.ts';

const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
/** Public platform features only: one operator's approval is enough. */
const FEATURES = [
  'registration.age_years',
  'registration.registered_capital',
  'registration.industry',
  'judicial.lawsuits_as_defendant',
  'judicial.enforcement_cases',
  'penalties.admin_penalties_3y',
];

describe.skipIf(!browserTestsRun('console e2e'))('operator console in a browser', () => {
  let fx: StackFixture;
  let bank: BankSession;
  let browser: Browser;
  let page: Page;
  let job: Job;
  /** What the browser reported that a page should never cause: script errors, CSP violations. */
  const problems: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    fx = await stackFixture('console-e2e');
    bank = await bankSession(fx);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it('a bank scientist submits a job through the SDK', async () => {
    job = await bank.scientist.jobs.submit({
      name: 'sme-pd-console',
      purpose: 'SME probability of default, reviewed in the console',
      labels: { source: 'bank', labelSetId: bank.labelSetId },
      model: { kind: 'logistic', l2: 1 },
      features: FEATURES,
    });
    expect(job.status).toBe('pending_approval');
    expect(job.privacyReport.approvalsRequired).toBe(1);
  });

  it('an operator signs in and finds the job in the approval queue with its privacy report', async () => {
    await page.goto(`${fx.stack.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('API key').fill(fx.keys.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/console/approvals');
    const card = page.locator(`#pending-${job.id}`);
    await expect.poll(() => card.count()).toBe(1);
    const report = card.locator('table.privacy-report');
    expect(await report.locator('th', { hasText: 'Features by sensitivity' }).count()).toBe(1);
    expect(await report.textContent()).toContain('registration.age_years');
    expect(await report.textContent()).toContain('1 distinct operator');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-approvals.png'), fullPage: true });
  });

  it('approves it with a note and watches it complete, rounds arriving live', async () => {
    const card = page.locator(`#pending-${job.id}`);
    await card.getByLabel('Approval note').fill('public features only; cohort sizes fine');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`**/console/jobs/${job.id}`);
    // Rendered while the job had not ended: whatever arrives from here on comes over the stream.
    expect(await page.locator('#job-live').getAttribute('data-live')).toBe('open');
    // A marker that a reload or navigation would wipe: the updates must come over the event stream.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    const status = page.locator('#job-status');
    await expect.poll(() => status.textContent(), { timeout: 150_000, interval: 500 }).toBe('succeeded');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    const rounds = await page.locator('#progress-rows tr').count();
    expect(rounds).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#progress-rows tr').first().textContent()).toContain('stats');
    expect(await page.locator('#job-live').getAttribute('data-live')).toBe('ended');
    expect(await page.getByText('public features only; cohort sizes fine').count()).toBeGreaterThan(0);
    const stored = await bank.scientist.jobs.get(job.id);
    expect(stored.status).toBe('succeeded');
    expect(rounds).toBe(stored.progress.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-job.png'), fullPage: true });
  }, 180_000);

  it('opens the model page: the ROC chart is an SVG path through the decile points', async () => {
    await page.locator('#model-link').click();
    await page.waitForURL('**/console/models/*');
    const roc = page.locator('svg#chart-roc');
    expect(await roc.getAttribute('role')).toBe('img');
    const d = (await roc.locator('g[data-series="model"] path').getAttribute('d'))!;
    const points = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(points).toHaveLength(11);
    // From the bottom-left corner to the top-right one, never going down.
    expect(points[0]![0]).toBeLessThan(points.at(-1)![0]!);
    expect(points[0]![1]).toBeGreaterThan(points.at(-1)![1]!);
    for (let i = 1; i < points.length; i++) expect(points[i]![1]).toBeLessThanOrEqual(points[i - 1]![1]!);
    expect(await roc.locator('circle').count()).toBe(11);
    const box = (await roc.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    for (const id of ['chart-ks', 'chart-distribution', 'chart-calibration'])
      expect(await page.locator(`svg#${id}`).isVisible(), id).toBe(true);
    expect(await page.locator('#metrics-table').textContent()).toContain('pooled');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-model.png'), fullPage: true });
  });

  it('every console page fits 1280 px without sideways scrolling, and every control has a name', async () => {
    const pages = [
      'approvals',
      'jobs',
      `jobs/${job.id}`,
      'models',
      `models/${(await bank.scientist.jobs.retrieve(job.id)).modelId}`,
      'audit',
      'domains',
    ];
    const domain = (await bank.operator.catalog.get()).domains[0]!.id;
    pages.push(`domains/${domain}`);
    for (const where of pages) {
      await page.goto(`${fx.stack.url}/console/${where}`);
      const found = await page.evaluate(() => {
        const unnamed: string[] = [];
        for (const el of Array.from(
          document.querySelectorAll<HTMLElement>('input, select, textarea, button'),
        )) {
          if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
          const id = el.id;
          const named =
            (el.getAttribute('aria-label') ?? '').trim() !== '' ||
            (id !== '' && document.querySelector(`label[for="${CSS.escape(id)}"]`) !== null) ||
            el.closest('label') !== null ||
            (el instanceof HTMLButtonElement && (el.textContent ?? '').trim() !== '') ||
            (el instanceof HTMLInputElement && el.type === 'submit' && el.value.trim() !== '');
          if (!named) unnamed.push(el.outerHTML.slice(0, 120));
        }
        return {
          unnamed,
          width: document.documentElement.scrollWidth,
          controls: document.querySelectorAll('input, select, textarea, button').length,
        };
      });
      if (where === 'audit') await page.screenshot({ path: path.join(ARTIFACTS, 'console-audit.png') });
      expect(found.unnamed, where).toEqual([]);
      expect(found.width, where).toBeLessThanOrEqual(1280);
      expect(found.controls, where).toBeGreaterThan(0); // at least the sign-out button
    }
  });

  it('shows the queues on bull-board, and no page broke its CSP or threw', async () => {
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.waitForURL('**/console/queues');
    await expect
      .poll(() => page.getByText('lab.coordinator').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queues.png') });
    await page.goto(`${fx.stack.url}/console/audit`);
    expect(await page.locator('#chain-status').textContent()).toBe('chain intact');
    // bull-board asks Google for its fonts; the CSP keeps it on this origin, which is intended.
    expect(problems.filter((p) => !p.includes('fonts.googleapis.com'))).toEqual([]);
  });
});
