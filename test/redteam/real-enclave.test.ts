// Positive control of the red team: the real enclave still starts in the sandbox and does its work.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveProcess } from '../../enclave-worker/enclave-process.ts';
import { sandboxProblem } from '../../enclave-worker/sandbox-check.ts';
import { generateWorld } from '../../scripts/synth/index.ts';

describe('the real enclave in the sandbox', () => {
  let dir: string;
  let domain: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'jml-redteam-world-'));
    await generateWorld({ out: dir, enterprises: 300, domains: 1, seed: 3 });
    domain = path.join(dir, 'domains', 'd-bj');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("passes the broker's start-up check on this host", async () => {
    expect(await sandboxProblem()).toBeNull();
  });

  it('starts sandboxed on the wasm backend and answers a warm request with the domain rows', async () => {
    const enclave = await EnclaveProcess.start(domain, { memoryMiB: 1024, requestTimeoutMs: 60_000 });
    try {
      expect(enclave.sandboxed).toBe(true);
      expect(enclave.backend).toBe('wasm');
      expect(await enclave.request({ type: 'warm' })).toEqual({ rows: 300 });
    } finally {
      enclave.kill();
    }
  });

  it('an enclave over its resident-set cap (typed arrays, wasm: outside the heap cap) is killed by the RSS watchdog', async () => {
    const enclave = await EnclaveProcess.start(domain, {
      memoryMiB: 1024,
      requestTimeoutMs: 60_000,
      rssMiB: 32,
    });
    const deadline = Date.now() + 5000;
    while (enclave.alive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(enclave.alive).toBe(false);
    await expect(enclave.request({ type: 'warm' })).rejects.toThrow('enclave is not running');
  });
});
