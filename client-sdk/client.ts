// LabClient: the typed SDK for banks, operators and risk systems. Depends only on the wire contract.
import type { z } from 'zod';
import { type AuditEntry, AuditPage, type AuditQuery, AuditVerify } from './contract/audit.ts';
import { ErrorBody } from './contract/errors.ts';
import type { JobSpecInput } from './contract/job-spec.ts';
import { ApiKeyRecord, CreatedKey, type CreateKeyRequest, KeyList, RotatedKey } from './contract/keys.ts';
import { ModelCard, ModelList, ModelWeights } from './contract/model-registry.ts';
import { QualityReport } from './contract/quality.ts';
import {
  type AuthorizationGrant,
  AuthorizationImportResult,
  type AuthorizationRevokeInput,
  AuthorizationRevokeResult,
  type BudgetCap,
  BudgetList,
  Catalog,
  Job,
  JobEvent,
  JobList,
  LabelSet,
  type LabelSetUploadInput,
  Model,
  ScoreResponse,
  TERMINAL_STATUSES,
} from './contract/resources.ts';
import { ContractError, errorFor, retryAfterMs, WaitTimeoutError } from './errors.ts';
import { PagePromise } from './pagination.ts';
import { readSse } from './sse.ts';

/**
 * How a `LabClient` reaches the lab: its base URL, the API key it sends as a bearer token, an
 * optional `fetch` (tests, proxies), and how it retries.
 *
 * @example
 * const opts: LabClientOptions = { baseUrl: 'https://lab.example.com', apiKey: process.env.LAB_API_KEY!, maxRetries: 5 };
 */
export interface LabClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  /**
   * Retries of a request answered 429 or 503 (default 2): after the server's `Retry-After`, else
   * after a jittered exponential backoff from `retryBaseMs` (default 250 ms), never longer than
   * `maxRetryDelayMs` (default 30 s). A POST keeps one `Idempotency-Key` across its retries.
   */
  maxRetries?: number;
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
}

/** A query string of the defined values (`?a=1&b=x`), or '' when none. */
function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Statuses a request is retried on: the server did not act on it. */
const RETRIED = new Set([429, 503]);

/**
 * @example
 * const lab = new LabClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.LAB_API_KEY! });
 * const job = await lab.jobs.submit({ name: 'pd', purpose: 'SME PD', labels: { source: 'bank', labelSetId }, model: { kind: 'logistic' }, features });
 * const done = await lab.jobs.wait(job.id);
 * const { results } = await lab.models.score(done.modelId!, ['91350100M000100Y43']);
 */
export class LabClient {
  private readonly baseUrl: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: LabClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  private async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const { maxRetries = 2, retryBaseMs = 250, maxRetryDelayMs = 30_000 } = this.opts;
    // One key for the request and all its retries: a retried submit is never run twice.
    const idempotencyKey = method === 'POST' ? `sdk-${crypto.randomUUID()}` : undefined;
    for (let attempt = 0; ; attempt++) {
      const res = await this.doFetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (!res.ok) {
        const wait = retryAfterMs(res.headers.get('retry-after'));
        if (RETRIED.has(res.status) && attempt < maxRetries) {
          const backoff = retryBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
          await new Promise((r) => setTimeout(r, Math.min(maxRetryDelayMs, wait ?? backoff)));
          continue;
        }
        throw errorFor(res.status, ErrorBody.safeParse(json).data?.error, wait);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new ContractError(
          `${method} ${path}: response does not match the contract: ${parsed.error.message}`,
        );
      return parsed.data;
    }
  }

  readonly labelSets = {
    /**
     * Uploads a label set from the bank's loan book (`entity` = USCC, `label` = 1 for default,
     * plus any bank-side feature columns); the rows stay in the lab, never in a domain.
     *
     * @example
     * const ls = await lab.labelSets.create({ name: 'sme-2026', rows: [{ entity: uscc, label: 0, features: { tenure_months: 14 } }] });
     */
    create: (upload: LabelSetUploadInput) => this.request('POST', '/v1/label-sets', LabelSet, upload),
    /**
     * A label set's summary (rows, positives, bank features; never the rows).
     *
     * @example
     * const { rows, positives } = await lab.labelSets.retrieve(id);
     */
    retrieve: (id: string) => this.request('GET', `/v1/label-sets/${encodeURIComponent(id)}`, LabelSet),
    /**
     * @deprecated use `create`.
     * @example
     * await lab.labelSets.upload(input);
     */
    upload: (upload: LabelSetUploadInput) => this.labelSets.create(upload),
    /**
     * @deprecated use `retrieve`.
     * @example
     * await lab.labelSets.get(id);
     */
    get: (id: string) => this.labelSets.retrieve(id),
  };

  readonly privacy = {
    /**
     * The privacy-budget ledger: ε spent and left per domain (a bank sees its own; operators name the bank).
     *
     * @example
     * const { data } = await lab.privacy.budgets(); // [{ domain, cap, spent, remaining }]
     */
    budgets: (bank?: string) =>
      this.request(
        'GET',
        `/v1/privacy/budgets${bank ? `?bank=${encodeURIComponent(bank)}` : ''}`,
        BudgetList,
      ),
    /**
     * Operators: caps the ε a bank may spend on one domain's data.
     *
     * @example
     * await lab.privacy.setCap({ bank: 'bank-a', domain: 'd-bj', epsilonCap: 5 });
     */
    setCap: (cap: BudgetCap) => this.request('PUT', '/v1/privacy/budgets', BudgetList, cap),
  };

  readonly jobs = {
    /**
     * Submits a model job; it waits for an operator's approval (or the approval policy's).
     *
     * @example
     * const job = await lab.jobs.create({ name: 'pd', purpose: 'SME PD', labels: { source: 'bank', labelSetId }, model: { kind: 'logistic' }, features });
     */
    create: (spec: JobSpecInput) => this.request('POST', '/v1/jobs', Job, spec),
    /**
     * A job: status, privacy report, decisions, per-round progress, model id once released.
     *
     * @example
     * const { status, progress } = await lab.jobs.retrieve(id);
     */
    retrieve: (id: string) => this.request('GET', `/v1/jobs/${encodeURIComponent(id)}`, Job),
    /**
     * Cancels a job that has not ended (the job's bank, or an operator). A running job stops at its
     * next round; one that never ran gives its privacy budget back.
     *
     * @example
     * await lab.jobs.cancel(id, 'wrong label set');
     */
    cancel: (id: string, note = '') =>
      this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`, Job, { note }),
    /**
     * @deprecated use `create`.
     * @example
     * await lab.jobs.submit(spec);
     */
    submit: (spec: JobSpecInput) => this.jobs.create(spec),
    /**
     * @deprecated use `retrieve`.
     * @example
     * await lab.jobs.get(id);
     */
    get: (id: string) => this.jobs.retrieve(id),
    /**
     * The caller's jobs, newest first (operators and auditors: every tenant's): await for the first
     * page, or iterate for all.
     *
     * @example
     * for await (const job of lab.jobs.list()) if (job.status === 'pending_approval') console.log(job.id);
     */
    list: (params: { limit?: number } = {}) =>
      new PagePromise((cursor) => this.request('GET', `/v1/jobs${query({ ...params, cursor })}`, JobList)),
    /**
     * Operators: approves a pending job; a job with personal features needs each of them in
     * `personalFeatures`.
     *
     * @example
     * await lab.jobs.approve(id, 'reviewed the privacy report', { personalFeatures: ['personnel.rep_age'] });
     */
    approve: (id: string, note = '', grant: { personalFeatures?: string[] } = {}) =>
      this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/approve`, Job, { note, ...grant }),
    /**
     * Operators: rejects a pending job (its privacy budget is refunded).
     *
     * @example
     * await lab.jobs.reject(id, 'purpose too broad');
     */
    reject: (id: string, note = '') =>
      this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/reject`, Job, { note }),
    /**
     * Live events of a job over SSE.
     *
     * @example
     * for await (const ev of lab.jobs.events(id)) if (ev.type === 'progress') console.log(ev.round, ev.loss);
     */
    events: (id: string) => this.jobEvents(id),
    /**
     * Polls until the job ends (succeeded, failed, rejected, cancelled, expired); `onProgress` sees
     * each new round.
     *
     * @example
     * const job = await lab.jobs.wait(id, { onProgress: (p) => console.log(p.round, p.loss) });
     */
    wait: async (
      id: string,
      opts: {
        intervalMs?: number;
        timeoutMs?: number;
        onProgress?: (p: Job['progress'][number]) => void;
      } = {},
    ): Promise<Job> => {
      const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
      let seen = 0;
      for (;;) {
        const job = await this.jobs.retrieve(id);
        for (; seen < job.progress.length; seen++) opts.onProgress?.(job.progress[seen]!);
        if (TERMINAL_STATUSES.has(job.status)) return job;
        if (Date.now() > deadline) throw new WaitTimeoutError(`job ${id} still ${job.status}`);
        await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
      }
    },
  };

  /** A job's live events: each round's progress, then status changes until the job ends. */
  private async *jobEvents(id: string): AsyncGenerator<JobEvent> {
    const res = await this.doFetch(`${this.baseUrl}/v1/jobs/${encodeURIComponent(id)}/events`, {
      headers: { authorization: `Bearer ${this.opts.apiKey}`, accept: 'text/event-stream' },
    });
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw errorFor(res.status, ErrorBody.safeParse(text ? JSON.parse(text) : undefined).data?.error);
    }
    for await (const m of readSse(res.body)) {
      const parsed = JobEvent.safeParse({ type: m.event, ...JSON.parse(m.data) });
      if (!parsed.success)
        throw new ContractError(`job event does not match the contract: ${parsed.error.message}`);
      yield parsed.data;
    }
  }

  readonly audit = {
    /**
     * Audit entries matching the filter, oldest first (a bank sees its own tenant's): await for
     * the first page, or iterate for all.
     *
     * @example
     * for await (const e of lab.audit.list({ kind: 'model.scored', from: '2026-03-01T00:00:00Z' })) console.log(e.at, e.actor);
     */
    list: (filter: Omit<AuditQuery, 'cursor'> = {}) =>
      new PagePromise<AuditEntry>((cursor) =>
        this.request('GET', `/v1/audit${query({ ...filter, cursor })}`, AuditPage),
      ),
    /**
     * Operators and auditors: walks the chain; `ok`, or the first broken link. Pass the `head` of
     * an earlier verify as `anchor` to detect a rewritten chain.
     *
     * @example
     * const v = await lab.audit.verify(); if (!v.ok) console.error(v.brokenAt, v.reason);
     */
    verify: (anchor?: { id: string; hash: string }) =>
      this.request(
        'GET',
        `/v1/audit/verify${query(anchor ? { anchorId: anchor.id, anchorHash: anchor.hash } : {})}`,
        AuditVerify,
      ),
  };

  readonly models = {
    /**
     * A released model: parameters, metrics, lineage, status.
     *
     * @example
     * const { metrics } = await lab.models.retrieve(id); console.log(metrics.auc, metrics.ks);
     */
    retrieve: (id: string) => this.request('GET', `/v1/models/${encodeURIComponent(id)}`, Model),
    /**
     * @deprecated use `retrieve`.
     * @example
     * await lab.models.get(id);
     */
    get: (id: string) => this.models.retrieve(id),
    /**
     * The model card: intended use, data, metrics, privacy, versions.
     *
     * @example
     * const card = await lab.models.card(id);
     */
    card: (id: string) => this.request('GET', `/v1/models/${encodeURIComponent(id)}/card`, ModelCard),
    /**
     * The model's weights for offline use (inputs, parameters, encoding).
     *
     * @example
     * const w = await lab.models.weights(id);
     */
    weights: (id: string) =>
      this.request('GET', `/v1/models/${encodeURIComponent(id)}/weights`, ModelWeights),
    /**
     * Takes a model out of scoring (the model's bank, or an operator); `activate` puts it back.
     *
     * @example
     * await lab.models.retire(id, 'replaced by v3');
     */
    retire: (id: string, note: string) =>
      this.request('POST', `/v1/models/${encodeURIComponent(id)}/retire`, Model, { note }),
    /**
     * Puts a retired model back into scoring.
     *
     * @example
     * await lab.models.activate(id, 'v3 withdrawn');
     */
    activate: (id: string, note: string) =>
      this.request('POST', `/v1/models/${encodeURIComponent(id)}/activate`, Model, { note }),
    /**
     * Released models, newest first, optionally of one name or status: await for the first page,
     * or iterate for all.
     *
     * @example
     * const active = await lab.models.list({ status: 'active' }).all();
     */
    list: (params: { name?: string; status?: 'active' | 'retired'; limit?: number } = {}) =>
      new PagePromise((cursor) =>
        this.request('GET', `/v1/models${query({ ...params, cursor })}`, ModelList),
      ),
    /**
     * A scorecard's points table (points per feature bin).
     *
     * @example
     * const csv = await lab.models.pointsTable(id, 'csv');
     */
    pointsTable: (id: string, format: 'csv' | 'json' = 'json') => this.pointsTable(id, format),
    /**
     * Risk systems: scores enterprises the bank is authorised for (up to 10,000 per call);
     * per-entity errors come back in `results`.
     *
     * @example
     * const { results } = await lab.models.score(id, [uscc], { [uscc]: { tenure_months: 14 } });
     */
    score: (id: string, entities: string[], inputs?: Record<string, Record<string, number>>) =>
      this.request('POST', `/v1/models/${encodeURIComponent(id)}/score`, ScoreResponse, {
        entities,
        ...(inputs ? { inputs } : {}),
      }),
  };

  /** A scorecard's points table as CSV text (`format: 'csv'`) or JSON. */
  private async pointsTable(id: string, format: 'csv' | 'json'): Promise<unknown> {
    const res = await this.doFetch(
      `${this.baseUrl}/v1/models/${encodeURIComponent(id)}/points-table?format=${format}`,
      {
        headers: { authorization: `Bearer ${this.opts.apiKey}` },
      },
    );
    const text = await res.text();
    if (!res.ok)
      throw errorFor(res.status, ErrorBody.safeParse(text ? JSON.parse(text) : undefined).data?.error);
    return format === 'csv' ? text : JSON.parse(text);
  }

  readonly catalog = {
    /**
     * What each domain holds: datasets, columns, k-anonymous statistics (never rows).
     *
     * @example
     * const { domains } = await lab.catalog.get();
     */
    get: () => this.request('GET', '/v1/catalog', Catalog),
  };

  readonly keys = {
    /**
     * Operators: issues an API key; the key is in this answer only (the lab keeps its hash).
     *
     * @example
     * const { key, record } = await lab.keys.create({ role: 'risk-system', tenant: 'bank-a', name: 'origination' });
     */
    create: (request: CreateKeyRequest) => this.request('POST', '/v1/keys', CreatedKey, request),
    /**
     * Operators and auditors: key records (never the keys), optionally of one tenant.
     *
     * @example
     * const { data } = await lab.keys.list({ tenant: 'bank-a' });
     */
    list: (params: { tenant?: string } = {}) => this.request('GET', `/v1/keys${query(params)}`, KeyList),
    /**
     * Replaces a key (operators: any key; others: their own), the old one valid for `graceSeconds`.
     *
     * @example
     * const { key } = await lab.keys.rotate(keyId, { graceSeconds: 300 });
     */
    rotate: (id: string, opts: { graceSeconds?: number } = {}) =>
      this.request('POST', `/v1/keys/${encodeURIComponent(id)}/rotate`, RotatedKey, opts),
    /**
     * Operators: revokes a key at once.
     *
     * @example
     * await lab.keys.revoke(keyId);
     */
    revoke: (id: string) => this.request('DELETE', `/v1/keys/${encodeURIComponent(id)}`, ApiKeyRecord),
  };

  readonly domains = {
    /**
     * A domain's data-quality report (operators).
     *
     * @example
     * const q = await lab.domains.quality('d-bj');
     */
    quality: (id: string) =>
      this.request('GET', `/v1/domains/${encodeURIComponent(id)}/quality`, QualityReport),
  };

  readonly authorizations = {
    /**
     * Imports enterprises' consents (operators); `entityKey` says how the ids are validated.
     *
     * @example
     * await lab.authorizations.import([{ bank: 'bank-a', entity: uscc, purposes: ['scoring'], grantedAt: '2026-12-01T00:00:00Z', expiresAt: '2027-06-30T00:00:00Z' }]);
     */
    import: (grants: AuthorizationGrant[], opts: { entityKey?: 'uscc' | 'opaque' } = {}) =>
      this.request('POST', '/v1/authorizations', AuthorizationImportResult, {
        entityKey: opts.entityKey ?? 'uscc',
        grants,
      }),
    /**
     * Revokes enterprises' authorisations to a bank (operators); honoured from the next request on.
     *
     * @example
     * const { revoked } = await lab.authorizations.revoke({ bank: 'bank-a', entities: [uscc], reason: 'consent withdrawn' });
     */
    revoke: (revocation: AuthorizationRevokeInput) =>
      this.request('POST', '/v1/authorizations/revoke', AuthorizationRevokeResult, revocation),
  };
}
