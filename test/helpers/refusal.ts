// The SDK error a call is refused with, for tests that assert on status, code and field.
import { expect } from 'vitest';
import { LabApiError } from '../../client-sdk/errors.ts';

/**
 * Awaits a call that must fail and returns its typed error (the test fails if it succeeds).
 *
 * @example
 * const err = await refusalOf(lab.jobs.submit(spec)); // err.status, err.code, err.field
 */
export async function refusalOf(call: Promise<unknown>): Promise<LabApiError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LabApiError);
  return err as LabApiError;
}
