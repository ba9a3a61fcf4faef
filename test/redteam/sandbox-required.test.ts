// Red team: a host that cannot sandbox enclaves. Control: the broker refuses to start, unless told
// --unsafe-no-sandbox, which it then shouts about.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix } from '../../scripts/lib/redis.ts';
import { generateWorld } from '../../scripts/synth/index.ts';
import { TEST_REDIS_URL, testPrefix } from '../helpers/redis.ts';

/** A broker on a host without `unshare` (an empty PATH): the sandbox check cannot pass there. */
function startBroker(domain: string, prefix: string, extra: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'enclave-worker/main.ts', '--domain', domain, '--prefix', prefix, ...extra],
    {
      cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
      env: { REDIS_URL: TEST_REDIS_URL, PATH: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function collect(child: ChildProcess): { stderr: () => string } {
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return { stderr: () => stderr };
}

describe('broker on a host that cannot sandbox enclaves', () => {
  let dir: string;
  let domain: string;
  const prefix = testPrefix('sandbox-required');
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'jml-sandbox-required-'));
    await generateWorld({ out: dir, enterprises: 300, domains: 1, seed: 4 });
    domain = path.join(dir, 'domains', 'd-bj');
  });
  afterAll(async () => {
    await dropPrefix(TEST_REDIS_URL, prefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming the problem and the unsafe flag', async () => {
    const child = startBroker(domain, prefix, []);
    const out = collect(child);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(out.stderr()).toContain('enclaves cannot be sandboxed on this host: cannot run unshare');
    expect(out.stderr()).toContain('--unsafe-no-sandbox');
  });

  it('starts with --unsafe-no-sandbox, warning loudly on stderr', async () => {
    const child = startBroker(domain, prefix, ['--unsafe-no-sandbox']);
    const out = collect(child);
    try {
      const hello = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`broker exited (${code}): ${out.stderr()}`)));
        createInterface({ input: child.stdout! }).once('line', resolve);
      });
      expect(JSON.parse(hello)).toMatchObject({ broker: 'd-bj' });
      expect(out.stderr()).toContain(
        'UNSAFE (--unsafe-no-sandbox): broker d-bj starts its enclaves WITHOUT A SANDBOX',
      );
    } finally {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
