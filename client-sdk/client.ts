// LabClient: the typed SDK for banks, operators and risk systems. Depends only on the wire contract.
import type { z } from 'zod';
import { type AuditEntry, AuditPage, type AuditQuery, AuditVerify } from './contract/audit.ts';
import { ErrorBody } from './contract/errors.ts';
import type { JobSpecInput } from './contract/job-spec.ts';
import { ModelList } from './contract/model-registry.ts';
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
 * const job = await lab.jobs.submit({ name: 'pd', purpose: 'SME PD', labelSetId, model: { kind: 'logistic' }, features });
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
    /** Uploads a label set (`entity` = USCC, `label` = 1 for default). */
    upload: (upload: LabelSetUploadInput) => this.request('POST', '/v1/label-sets', LabelSet, upload),
    get: (id: string) => this.request('GET', `/v1/label-sets/${encodeURIComponent(id)}`, LabelSet),
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
    submit: (spec: JobSpecInput) => this.request('POST', '/v1/jobs', Job, spec),
    get: (id: string) => this.request('GET', `/v1/jobs/${encodeURIComponent(id)}`, Job),
    /**
     * The caller's jobs, newest first (operators and auditors: every tenant's): await for the first
     * page, or iterate for all.
     *
     * @example
     * for await (const job of lab.jobs.list()) if (job.status === 'pending_approval') console.log(job.id);
     */
    list: (params: { limit?: number } = {}) =>
      new PagePromise((cursor) => this.request('GET', `/v1/jobs${query({ ...params, cursor })}`, JobList)),
    /** Approves a pending job; a job with personal features needs each of them in `personalFeatures`. */
    approve: (id: string, note = '', grant: { personalFeatures?: string[] } = {}) =>
      this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/approve`, Job, { note, ...grant }),
    reject: (id: string, note = '') =>
      this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/reject`, Job, { note }),
    /**
     * Polls until the job ends (succeeded, failed, rejected, cancelled); `onProgress` sees each new round.
     *
     * @example
     * const job = await lab.jobs.wait(id, { onProgress: (p) => console.log(p.round, p.loss) });
     */
    /**
     * Live events of a job over SSE.
     *
     * @example
     * for await (const ev of lab.jobs.events(id)) if (ev.type === 'progress') console.log(ev.round, ev.loss);
     */
    events: (id: string) => this.jobEvents(id),
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
        const job = await this.jobs.get(id);
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
    get: (id: string) => this.request('GET', `/v1/models/${encodeURIComponent(id)}`, Model),
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
    /** Scores enterprises the bank is authorised for; per-entity errors come back in `results`. */
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
    get: () => this.request('GET', '/v1/catalog', Catalog),
  };

  readonly domains = {
    /** A domain's data-quality report (operators). */
    quality: (id: string) =>
      this.request('GET', `/v1/domains/${encodeURIComponent(id)}/quality`, QualityReport),
  };

  readonly authorizations = {
    /** Imports enterprises' consents (operators); `entityKey` says how the ids are validated. */
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
