// Random, prefixed resource ids (`job_…`, `ls_…`, `mdl_…`): unguessable, so ids leak nothing.
import { randomBytes } from 'node:crypto';

/**
 * @example
 * newId('job'); // 'job_3q2…' (22 base64url chars of randomness)
 */
export function newId(kind: 'job' | 'ls' | 'mdl'): string {
  return `${kind}_${randomBytes(16).toString('base64url')}`;
}

/** ISO-8601 timestamp of now; the one clock read of the stores. */
export const nowIso = () => new Date().toISOString();
