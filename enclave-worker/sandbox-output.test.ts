import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ENCLAVE_LOG_LINE_CHARS, ENCLAVE_LOG_LINES, forwardCapped } from './sandbox-output.ts';

describe('forwardCapped', () => {
  it('lets a few short lines through and drops the rest: logs cannot carry a dataset out', async () => {
    const out: string[] = [];
    const sink = { write: (text: string) => out.push(text) };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    forwardCapped([stdout, stderr], 'enclave d-x', sink);
    stderr.write('enclave: failed to start: boom\n');
    for (let i = 0; i < 1000; i++)
      stdout.write(`91110105MA${String(i).padStart(8, '0')},${'9'.repeat(500)}\n`);
    stdout.end();
    stderr.end();
    await new Promise((r) => setTimeout(r, 50));
    expect(out[0]).toBe('[enclave d-x] enclave: failed to start: boom\n');
    expect(out).toHaveLength(ENCLAVE_LOG_LINES + 1);
    expect(out.at(-1)).toMatch(/further output dropped/);
    for (const line of out)
      expect(line.length).toBeLessThanOrEqual(ENCLAVE_LOG_LINE_CHARS + '[enclave d-x] \n'.length);
  });
});
