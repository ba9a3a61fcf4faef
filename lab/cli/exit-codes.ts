// The `lab` command's exit codes, the CLI's own error, and how every error maps to a code.
import { CommanderError } from 'commander';
import type { z } from 'zod';
import { LabApiError, RateLimitError, UnavailableError } from '../../client-sdk/errors.ts';
import type { CliErrorCode } from './schemas.ts';

/**
 * What a script calling `lab` can branch on (docs/cli.md lists them).
 *
 * @example
 * process.exitCode = job.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
 */
export const ExitCode = {
  ok: 0,
  /** The work ran and did not succeed: a job failed or was rejected, an entity was not scored, the audit chain is broken, the lab erred. */
  failure: 1,
  /** Bad arguments, an unreadable or invalid input file, no lab configured, or a request the lab refused as invalid (400, 413). */
  usage: 2,
  /** The key is missing, unknown or revoked (401), or its role may not do this (403). */
  auth: 3,
  notFound: 4,
  /** The resource's state does not allow it (409): approving a running job, revoking a revoked key. */
  conflict: 5,
  /** The lab is unreachable, or still unavailable or rate-limited after the SDK's retries (503, 429). */
  unavailable: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI itself raises, with the code it prints and the exit code it ends with.
 *
 * @example
 * throw new CliError('config', 'LAB_API_KEY is not set', ExitCode.usage);
 */
export class CliError extends Error {
  constructor(
    readonly code: z.infer<typeof CliErrorCode>,
    message: string,
    readonly exitCode: ExitCode,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const byStatus: Record<number, ExitCode> = {
  400: ExitCode.usage,
  401: ExitCode.auth,
  403: ExitCode.auth,
  404: ExitCode.notFound,
  409: ExitCode.conflict,
  413: ExitCode.usage,
};

/**
 * fetch's own failures: the lab did not answer (refused, DNS: `fetch failed`) or the connection
 * broke while a response was being read (`terminated`).
 *
 * @example
 * isNetworkError(await fetch('http://127.0.0.1:1').catch((e) => e)); // true
 */
export function isNetworkError(err: unknown): err is TypeError {
  return err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated');
}

/**
 * The exit code for an error thrown while running a command.
 *
 * @example
 * exitCodeFor(new NotFoundError(404, 'not_found', 'job not found')); // 4
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof CommanderError)
    return err.exitCode === 0 || err.code === 'commander.version' ? ExitCode.ok : ExitCode.usage;
  if (err instanceof RateLimitError || err instanceof UnavailableError) return ExitCode.unavailable;
  if (err instanceof LabApiError) return byStatus[err.status] ?? ExitCode.failure;
  if (isNetworkError(err)) return ExitCode.unavailable;
  return ExitCode.failure;
}
