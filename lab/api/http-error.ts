// The lab's one HTTP error class: a status, a stable code, a message and the offending field.
import type { ErrorCode } from '../../client-sdk/contract/errors.ts';

/**
 * Thrown anywhere in a request; the error middleware renders `{ error: { code, message, field? } }`.
 *
 * @example
 * throw new HttpError(404, 'not_found', 'job not found');
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A uniform 404 for anything the caller may not see: never reveal that it exists. */
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
