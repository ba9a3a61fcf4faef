// What an enclave prints reaches the broker's log only in small doses, so logs cannot carry rows out.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Lines an enclave may log over its whole life, and characters per line. */
export const ENCLAVE_LOG_LINES = 20;
export const ENCLAVE_LOG_LINE_CHARS = 200;

/**
 * Forwards an enclave's stdout/stderr to the broker's stderr, prefixed, truncated to
 * `ENCLAVE_LOG_LINE_CHARS` per line and `ENCLAVE_LOG_LINES` lines in all (then one notice, then
 * nothing). Enough for an error at start-up; far too little to copy a dataset through.
 *
 * @example
 * forwardCapped([child.stdout, child.stderr], 'enclave d-bj');
 */
export function forwardCapped(
  streams: readonly (Readable | null)[],
  label: string,
  sink: { write(text: string): unknown } = process.stderr,
): void {
  let lines = 0;
  for (const stream of streams) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines++;
      if (lines <= ENCLAVE_LOG_LINES) sink.write(`[${label}] ${line.slice(0, ENCLAVE_LOG_LINE_CHARS)}\n`);
      else if (lines === ENCLAVE_LOG_LINES + 1) sink.write(`[${label}] further output dropped (log cap)\n`);
    });
  }
}
