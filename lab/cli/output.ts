// What the CLI writes: results on stdout (human text, or JSON checked against its schema), errors on
// stderr; the configured API key is masked in everything written.
import { CommanderError } from 'commander';
import type { z } from 'zod';
import { ContractError, LabApiError } from '../../client-sdk/errors.ts';
import { CliError, exitCodeFor, isNetworkError } from './exit-codes.ts';
import type { CliErrorOutput } from './schemas.ts';

type ErrorBody = CliErrorOutput['error'];

/**
 * One per process: knows whether `--json` is on and which secret to mask.
 *
 * @example
 * const out = new Output({ json: true });
 * out.result(Job, job, jobSummary);
 */
export class Output {
  /** Set from the parsed options before a command runs (a guess from argv until then). */
  json: boolean;
  /** The running command's path (`lab jobs show`), for error messages. */
  command = 'lab';
  private secret: string | null = null;
  private labUrl: string | null = null;

  constructor(opts: { json: boolean }) {
    this.json = opts.json;
  }

  /** Masks `apiKey` wherever it would be written; remembers the lab's origin for network errors. */
  useLab(url: string, apiKey: string): void {
    this.secret = apiKey;
    this.labUrl = new URL(url).origin;
  }

  private mask(text: string): string {
    return this.secret ? text.split(this.secret).join('***') : text;
  }

  /** A line on stdout, as it is. */
  print(line: string): void {
    process.stdout.write(`${this.mask(line)}\n`);
  }

  /** A note on stderr (warnings, hints); kept off stdout so `--json` output stays one document. */
  note(line: string): void {
    process.stderr.write(`${this.mask(line)}\n`);
  }

  /** The command's result: under `--json` the value checked against its schema, else `human(value)`. */
  result<S extends z.ZodType>(schema: S, value: z.output<S>, human: (v: z.output<S>) => string): void {
    this.print(this.json ? JSON.stringify(schema.parse(value)) : human(value));
  }

  /** One JSON Lines record (a watched job's event). */
  jsonLine<S extends z.ZodType>(schema: S, value: z.output<S>): void {
    this.print(JSON.stringify(schema.parse(value)));
  }

  /** Writes the error to stderr and returns the exit code to end with. */
  error(err: unknown): number {
    const exitCode = exitCodeFor(err);
    const body = this.describe(err, exitCode);
    if (this.json) {
      process.stderr.write(`${this.mask(JSON.stringify({ error: body } satisfies CliErrorOutput))}\n`);
      return exitCode;
    }
    const where = [
      body.status ? `HTTP ${body.status}` : '',
      body.field !== undefined ? `field ${body.field}` : '',
    ].filter(Boolean);
    const detail = where.length > 0 ? ` (${where.join(', ')})` : '';
    this.note(`${this.command}: ${body.code}: ${body.message}${detail}`);
    return exitCode;
  }

  private describe(err: unknown, exitCode: number): ErrorBody {
    if (err instanceof LabApiError) {
      const field = err.field === undefined ? {} : { field: err.field };
      return { code: err.code, message: err.message, ...field, status: err.status, exitCode };
    }
    if (err instanceof CliError) {
      const field = err.field === undefined ? {} : { field: err.field };
      return { code: err.code, message: err.message, ...field, exitCode };
    }
    if (err instanceof CommanderError)
      return { code: 'usage', message: err.message.replace(/^error: /, ''), exitCode };
    if (isNetworkError(err)) {
      const { code, message } = (err.cause ?? {}) as { code?: string; message?: string };
      const cause = code ?? (message || 'no answer');
      return { code: 'unreachable', message: `cannot reach the lab at ${this.labUrl}: ${cause}`, exitCode };
    }
    if (err instanceof ContractError) return { code: 'contract', message: err.message, exitCode };
    return { code: 'internal', message: err instanceof Error ? err.message : String(err), exitCode };
  }
}
