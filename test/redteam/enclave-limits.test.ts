// Red team: a task that runs too long or takes too much memory (a stuck or hostile enclave, or a
// job designed to exhaust the domain's host). Controls: the per-request wall-clock limit and the
// resident-set watchdog of `EnclaveProcess`; on breach the enclave is killed and the request fails
// with a reason that says which limit.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../../client-sdk/contract/uscc.ts';
import { col, testManifest, writeTestDomain } from '../../enclave-worker/data/test-domain.ts';
import { EnclaveProcess } from '../../enclave-worker/enclave-process.ts';
import { treeRssMiB } from '../../enclave-worker/sandbox-watchdog.ts';
import { mulberry32 } from '../../models/mlp-random.ts';

const ROWS = 300_000;

describe('red team: enclave limits', () => {
  let dir: string;
  beforeAll(async () => {
    // A table big enough that loading it takes well over 50 ms and tens of MiB.
    const rand = mulberry32(5);
    const lines = ['entity_id,a,b,c'];
    for (let i = 0; i < ROWS; i++)
      lines.push(`${generateUscc(rand, '110105')},${i},${i % 97},${(i * 7) % 13}`);
    const columns = ['a', 'b', 'c'].map((c) => col(c, 'number'));
    const manifest = testManifest([
      { name: 't', file: 'data/t.csv', format: 'csv', key: 'entity_id', columns },
    ]);
    dir = await writeTestDomain(manifest, { 'data/t.csv': `${lines.join('\n')}\n` });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('attack: a request that runs past its time limit — control: wall-clock limit → enclave killed, request fails naming the limit', async () => {
    const incidents: string[] = [];
    const enclave = await EnclaveProcess.start(
      dir,
      { memoryMiB: 1024, requestTimeoutMs: 50 },
      { onIncident: (r) => incidents.push(r) },
    );
    const started = Date.now();
    await expect(enclave.request({ type: 'warm' })).rejects.toThrow(
      /enclave exceeded its time limit of 50 ms and was killed/,
    );
    // The broker audits what it is told here as `enclave.incident`.
    expect(incidents).toEqual(['enclave exceeded its time limit of 50 ms and was killed']);
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(enclave.alive).toBe(false);
  });

  it('attack: a request that grows the enclave past its memory cap — control: resident-set watchdog → enclave killed, request fails naming the limit', async () => {
    // Measure an idle enclave, then cap a fresh one a little above that: loading the table breaches it.
    const probe = await EnclaveProcess.start(dir, { memoryMiB: 1024, requestTimeoutMs: 60_000 });
    const idle = treeRssMiB((probe as unknown as { child: { pid: number } }).child.pid);
    probe.kill();
    const cap = Math.ceil(idle + 8);
    const incidents: string[] = [];
    const enclave = await EnclaveProcess.start(
      dir,
      { memoryMiB: 1024, requestTimeoutMs: 60_000, rssMiB: cap },
      { onIncident: (r) => incidents.push(r) },
    );
    const breach = new RegExp(
      `enclave exceeded its memory limit of ${cap} MiB \\(resident \\d+ MiB\\) and was killed`,
    );
    const warm = enclave.request({ type: 'warm' }).then(
      () => 'answered before the next check',
      (err: Error) => err.message,
    );
    // The watchdog samples the resident set every second: the breach is caught within about that.
    for (let i = 0; i < 50 && incidents.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatch(breach);
    // SIGKILL is sent with the incident; the exit is reported a moment later.
    for (let i = 0; i < 50 && enclave.alive; i++) await new Promise((r) => setTimeout(r, 100));
    expect(enclave.alive).toBe(false);
    const outcome = await warm;
    // Either the request answered before the watchdog's next sample, or it failed with the breach.
    expect(outcome).toMatch(new RegExp(`^(answered before the next check|${breach.source})$`));
    await expect(enclave.request({ type: 'warm' })).rejects.toThrow(/enclave is not running/);
  });

  it('within its limits the same request succeeds (the limits are not what fails it)', async () => {
    const enclave = await EnclaveProcess.start(dir, { memoryMiB: 1024, requestTimeoutMs: 60_000 });
    const out = (await enclave.request({ type: 'warm' })) as { rows: number };
    // Random codes collide now and then; duplicates keep their first row.
    expect(out.rows).toBeGreaterThan(ROWS * 0.99);
    enclave.kill();
  });
});
