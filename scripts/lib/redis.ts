// Finds a reachable Redis, or starts a private redis-server for the demo when none answers.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface RedisHandle {
  url: string;
  /** Stops the private server if this process started one. */
  stop(): Promise<void>;
}

/** Thrown when no Redis answers and redis-server is not installed. */
export class RedisUnavailableError extends Error {}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1500,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `REDIS_URL` or 127.0.0.1:6379 if it answers; otherwise a private `redis-server` on a free port
 * (no persistence, in a temporary folder).
 *
 * @example
 * const redis = await ensureRedis(); // { url, stop }
 */
export async function ensureRedis(env: NodeJS.ProcessEnv = process.env): Promise<RedisHandle> {
  const url = env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (await answers(url)) return { url, stop: async () => undefined };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new RedisUnavailableError(
      `Redis does not answer at ${url} and redis-server is not installed.\nInstall it with:  sudo apt-get install -y redis-server`,
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jml-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await answers(privateUrl)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers(privateUrl))) {
    child.kill('SIGKILL');
    throw new RedisUnavailableError(`started redis-server on port ${port}, but it does not answer`);
  }
  return {
    url: privateUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Deletes every key under a lab prefix (SCAN + UNLINK; never FLUSHDB on a shared Redis).
 *
 * @example
 * await dropPrefix(url, 'demo-1a2b');
 */
export async function dropPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return removed;
}
