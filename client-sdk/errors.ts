// Typed SDK errors: one class per HTTP status family, carrying the server's code and field.
import type { ErrorCode } from './contract/errors.ts';

/**
 * Any non-2xx answer from the lab.
 *
 * @example
 * try { await client.jobs.submit(spec); } catch (e) { if (e instanceof BadRequestError) console.log(e.field); }
 */
export class LabApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'unknown',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
/**
 * 400: the request named by `field` is invalid.
 *
 * @example
 * if (err instanceof BadRequestError) console.error(`${err.field}: ${err.message}`); // e.g. model.l2: …
 */
export class BadRequestError extends LabApiError {}
/**
 * 401: missing or unknown API key.
 *
 * @example
 * if (err instanceof AuthenticationError) throw new Error('LAB_API_KEY is missing, revoked or expired');
 */
export class AuthenticationError extends LabApiError {}
/**
 * 403: the key's role may not do this.
 *
 * @example
 * if (err instanceof PermissionDeniedError) console.error('only operators approve jobs');
 */
export class PermissionDeniedError extends LabApiError {}
/**
 * 404: no such resource, or not yours to see.
 *
 * @example
 * const job = await lab.jobs.retrieve(id).catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
 */
export class NotFoundError extends LabApiError {}
/**
 * 409: the resource's state does not allow it (e.g. approving a running job).
 *
 * @example
 * if (err instanceof ConflictError && err.code === 'model_retired') await lab.models.activate(id, 'needed again');
 */
export class ConflictError extends LabApiError {}
/**
 * 429: the key's rate limit; `retryAfterMs` from the server's `Retry-After`.
 *
 * @example
 * if (err instanceof RateLimitError) await new Promise((r) => setTimeout(r, err.retryAfterMs ?? 1000));
 */
export class RateLimitError extends LabApiError {
  retryAfterMs: number | null = null;
}
/**
 * 503: a dependency (e.g. a domain's scorer) is restarting; `retryAfterMs` from `Retry-After`.
 *
 * @example
 * if (err instanceof UnavailableError) console.warn(`lab busy, retry in ${err.retryAfterMs ?? 1000} ms`);
 */
export class UnavailableError extends LabApiError {
  retryAfterMs: number | null = null;
}
/**
 * The response did not match the wire contract (the SDK and the lab speak different versions).
 *
 * @example
 * if (err instanceof ContractError) console.error('upgrade the SDK to the lab version:', err.message);
 */
export class ContractError extends Error {}
/**
 * `jobs.wait` gave up: the job had not ended by `timeoutMs` (it keeps running).
 *
 * @example
 * try { await lab.jobs.wait(id, { timeoutMs: 60_000 }); }
 * catch (e) { if (e instanceof WaitTimeoutError) console.log('still running'); else throw e; }
 */
export class WaitTimeoutError extends Error {}

const byStatus: Record<number, typeof LabApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  429: RateLimitError,
  503: UnavailableError,
};

/**
 * Builds the typed error for a status, the server's error body and its `Retry-After` (ms).
 *
 * @example
 * errorFor(404, { code: 'not_found', message: 'job not found' }); // a NotFoundError
 */
export function errorFor(
  status: number,
  body: { code?: ErrorCode; message?: string; field?: string } | undefined,
  retryAfterMs: number | null = null,
): LabApiError {
  const Cls = byStatus[status] ?? LabApiError;
  const err = new Cls(status, body?.code ?? 'unknown', body?.message ?? `HTTP ${status}`, body?.field);
  if (err instanceof RateLimitError || err instanceof UnavailableError) err.retryAfterMs = retryAfterMs;
  return err;
}

/**
 * `Retry-After` as ms: delay-seconds or an HTTP date; null when absent or unreadable.
 *
 * @example
 * retryAfterMs('2'); // 2000
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
