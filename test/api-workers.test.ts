// `lab serve --workers 2`: two API processes on one port under a supervisor that replaces a dead
// worker and stops them all on SIGTERM.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix } from '../scripts/lib/redis.ts';
import { launch } from '../scripts/lib/stack.ts';
import { TEST_REDIS_URL, testMasterKey, testPrefix } from './helpers/redis.ts';

/** The supervisor's worker processes (its children). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('lab serve --workers', () => {
  const prefix = testPrefix('workers');
  let supervisor: ChildProcess | null = null;
  afterAll(async () => {
    if (supervisor?.exitCode === null) supervisor.kill('SIGKILL');
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  it('serves from two processes, replaces a killed worker, and stops them all on SIGTERM', async () => {
    const started = await launch(
      ['lab/cli/main.ts', 'serve', '--port', '0', '--workers', '2'],
      { ...process.env, REDIS_URL: TEST_REDIS_URL, LAB_PREFIX: prefix, LAB_MASTER_KEY: testMasterKey() },
      false,
    );
    supervisor = started.child;
    const { listening, workers } = started.hello as { listening: string; workers: number };
    expect(workers).toBe(2);
    const pid = supervisor.pid!;
    const first = childrenOf(pid);
    expect(first).toHaveLength(2);
    const health = async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${listening}/healthz`).then((r) => r.status)),
      );
      return answers;
    };
    expect(await health()).toEqual(Array(20).fill(200));

    process.kill(first[0]!, 'SIGKILL');
    await until('a replacement worker', () => {
      const now = childrenOf(pid);
      return now.length === 2 && !now.includes(first[0]!);
    });
    // Every request is answered, whichever worker takes it.
    for (let i = 0; i < 5; i++) expect(await health()).toEqual(Array(20).fill(200));

    const workersNow = childrenOf(pid);
    const exited = new Promise<number | null>((r) => supervisor!.once('exit', (code) => r(code)));
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until('the workers to exit', () => workersNow.every((w) => !alive(w)), 10_000);
  }, 90_000);
});
