// An in-process lab API on real Redis (no HTTP server: `app.request()`), with keys per role and tenant.
import { generateKeyPairSync } from 'node:crypto';
import type { Job } from '../../client-sdk/contract/resources.ts';
import { createApp } from '../../lab/api/app.ts';
import { createContext, type LabContext, type PrivacyPolicy } from '../../lab/context.ts';
import { masterKeyFrom } from '../../lab/infra/at-rest.ts';
import type { DomainRegistration } from '../../lab/infra/task-protocol.ts';
import { createApiKey } from '../../lab/store/api-keys.ts';
import { dropPrefix } from '../../scripts/lib/redis.ts';
import { TEST_REDIS_URL, testMasterKey, testPrefix } from './redis.ts';

export const FEATURES = ['tax.annual_tax_paid', 'judicial.lawsuits_as_defendant'];

/** A catalog entry as a broker would publish it (schema only; no broker process is needed for API tests). */
export function fakeDomain(id: string, region: string): DomainRegistration {
  return {
    id,
    name: `Domain ${id}`,
    regions: [region],
    entityKey: 'uscc',
    publicKeyPem: generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    features: [
      ...FEATURES.map((name) => ({
        name,
        type: 'number' as const,
        category: 'tax',
        sensitivity: 'public' as const,
        description: '',
        rows: 1000,
        missingRate: 0.1,
      })),
      {
        name: 'registration.industry',
        type: 'category' as const,
        category: 'registration',
        sensitivity: 'public' as const,
        description: '',
        categories: [
          { value: 'manufacturing', count: 400 },
          { value: 'retail', count: 300 },
          { value: 'mining', count: 20 },
        ],
      },
      {
        name: 'registration.legal_rep_id',
        type: 'category' as const,
        category: 'key-personnel',
        sensitivity: 'identifier' as const,
        description: '',
      },
    ],
    publishedAt: new Date().toISOString(),
  };
}

export interface ApiFixture {
  ctx: LabContext;
  app: ReturnType<typeof createApp>;
  keys: {
    operator: string;
    operatorB: string;
    scientistA: string;
    riskA: string;
    scientistB: string;
    riskB: string;
  };
  call(
    method: string,
    path: string,
    key: string,
    body?: unknown,
    // biome-ignore lint/suspicious/noExplicitAny: tests probe response bodies field by field
  ): Promise<{ status: number; body: Record<string, any> }>;
  close(): Promise<void>;
}

/**
 * @example
 * const fx = await apiFixture('authz'); const r = await fx.call('GET', '/v1/jobs', fx.keys.operator);
 */
export async function apiFixture(name: string, opts: { policy?: PrivacyPolicy } = {}): Promise<ApiFixture> {
  const prefix = testPrefix(name);
  const ctx = createContext({
    redisUrl: TEST_REDIS_URL,
    prefix,
    masterKey: masterKeyFrom(testMasterKey()),
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  const app = createApp(ctx);
  const key = async (role: 'operator' | 'bank-scientist' | 'risk-system', tenant: string) =>
    (await createApiKey(ctx.redis, ctx.keys, { role, tenant, name: `${role}@${tenant}` })).key;
  const keys = {
    operator: await key('operator', 'platform'),
    /** A second, distinct operator (policies that need two approvals). */
    operatorB: await key('operator', 'platform'),
    scientistA: await key('bank-scientist', 'bank-a'),
    riskA: await key('risk-system', 'bank-a'),
    scientistB: await key('bank-scientist', 'bank-b'),
    riskB: await key('risk-system', 'bank-b'),
  };
  await ctx.domains.publish(fakeDomain('d-bj', '110000'));
  await ctx.domains.publish(fakeDomain('d-sh', '310000'));
  return {
    ctx,
    app,
    keys,
    async call(method, path, apiKey, body) {
      const res = await app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await ctx.close();
      await dropPrefix(TEST_REDIS_URL, prefix);
    },
  };
}

/** Uploads a small label set for a bank and submits a job on it; returns the job. */
export async function submitJob(fx: ApiFixture, scientistKey: string, entities: string[]): Promise<Job> {
  const ls = await fx.call('POST', '/v1/label-sets', scientistKey, {
    name: 'book',
    rows: entities.map((entity, i) => ({ entity, label: i % 5 === 0 ? 1 : 0 })),
  });
  if (ls.status !== 201) throw new Error(`label set upload failed: ${JSON.stringify(ls.body)}`);
  const job = await fx.call('POST', '/v1/jobs', scientistKey, {
    name: 'pd',
    purpose: 'test',
    labels: { source: 'bank', labelSetId: ls.body.id },
    model: { kind: 'logistic' },
    features: FEATURES,
  });
  if (job.status !== 201) throw new Error(`submit failed: ${JSON.stringify(job.body)}`);
  return job.body as Job;
}
