// The SDK's list calls over the lab's cursor pages: awaited for the first page, iterated for every
// item across pages, in order, once each; the audit resource lists and verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { minuteIso, storedModel } from './helpers/stored-model.ts';

describe('SDK pagination', () => {
  let fx: ApiFixture;
  const client = (apiKey: string) =>
    new LabClient({
      baseUrl: 'http://lab.test',
      apiKey,
      fetch: (input, init) => Promise.resolve(fx.app.request(String(input), init)),
    });

  beforeAll(async () => {
    fx = await apiFixture('sdk-pages');
    for (let i = 0; i < 7; i++)
      await fx.ctx.models.put(storedModel({ tenant: 'bank-a', id: `mdl_page${i}`, createdAt: minuteIso(i) }));
    await fx.ctx.models.put(storedModel({ tenant: 'bank-b', id: 'mdl_other', createdAt: minuteIso(9) }));
    for (let i = 0; i < 5; i++)
      await fx.ctx.audit.append({ kind: 'test.page', actor: 'test', tenant: 'bank-a', subject: `s${i}` });
  });
  afterAll(() => fx?.close());

  it('awaiting a list gives its first page; iterating gives every item across pages, newest first, once each', async () => {
    const lab = client(fx.keys.scientistA);
    const first = await lab.models.list({ limit: 3 });
    expect(first.data.map((m) => m.id)).toEqual(['mdl_page6', 'mdl_page5', 'mdl_page4']);
    expect(first.nextCursor).not.toBeNull();
    const all: string[] = [];
    for await (const m of lab.models.list({ limit: 3 })) all.push(m.id);
    expect(all).toEqual([
      'mdl_page6',
      'mdl_page5',
      'mdl_page4',
      'mdl_page3',
      'mdl_page2',
      'mdl_page1',
      'mdl_page0',
    ]);
    // Tenant isolation holds across pages: bank-b's model never shows.
    expect(await lab.models.list({ limit: 2 }).all()).toHaveLength(7);
  });

  it('audit pages (possibly short while a cursor follows) iterate to the end; verify reports the chain', async () => {
    const auditor = client(fx.keys.operator);
    const subjects: string[] = [];
    for await (const e of auditor.audit.list({ kind: 'test.page', limit: '2' })) subjects.push(e.subject);
    expect(subjects).toEqual(['s0', 's1', 's2', 's3', 's4']);
    const v = await auditor.audit.verify();
    expect(v).toMatchObject({ ok: true });
    if (v.ok)
      expect(await auditor.audit.verify({ id: v.head.id!, hash: v.head.hash })).toMatchObject({ ok: true });
  });
});
