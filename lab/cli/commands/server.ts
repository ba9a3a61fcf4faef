// `lab serve` and `lab coordinator`: the lab's own processes (they read Redis and LAB_MASTER_KEY, not a profile).
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config.ts';
import { intIn } from '../context.ts';

interface RedisOptions {
  redis?: string;
  prefix?: string;
}

function onSignals(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      await stop();
      process.exit(0);
    });
  }
}

const withRedisOptions = (cmd: Command) =>
  cmd
    .option('--redis <url>', 'Redis URL (default: REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--prefix <prefix>', "the lab's key prefix (default: LAB_PREFIX, else jml)");

/**
 * @example
 * registerServer(program); // lab serve …, lab coordinator …
 */
export function registerServer(program: Command): void {
  // Each command imports only what it runs, so the client commands start without the API or the coordinator.
  withRedisOptions(
    program
      .command('serve')
      .description('run the HTTP API (needs LAB_MASTER_KEY); prints {"listening": url} when up')
      .option('--port <port>', 'port (0: any free one)', intIn(0, 65535), 8080)
      .option('--host <host>', 'address to listen on', '127.0.0.1'),
  ).action(async (opts: RedisOptions & { port: number; host: string }) => {
    const cfg = loadConfig({ redisUrl: opts.redis, prefix: opts.prefix });
    const [{ serve }, { createApp }, { createContext }, { masterKeyFrom }] = await Promise.all([
      import('@hono/node-server'),
      import('../../api/app.ts'),
      import('../../context.ts'),
      import('../../infra/at-rest.ts'),
    ]);
    const ctx = createContext({ ...cfg, masterKey: masterKeyFrom(process.env.LAB_MASTER_KEY) });
    const server = serve({ fetch: createApp(ctx).fetch, port: opts.port, hostname: opts.host }, (info) => {
      console.log(JSON.stringify({ listening: `http://${opts.host}:${info.port}`, prefix: cfg.prefix }));
    });
    onSignals(async () => {
      await new Promise((r) => server.close(r));
      await ctx.close();
    });
  });

  withRedisOptions(
    program
      .command('coordinator')
      .description('drive approved jobs round by round (run one or more; needs LAB_MASTER_KEY)')
      .option('--lock-ms <ms>', 'step-job lock duration', intIn(1, 3_600_000)),
  ).action(async (opts: RedisOptions & { lockMs?: number }) => {
    const cfg = loadConfig({ redisUrl: opts.redis, prefix: opts.prefix });
    const [{ startCoordinator }, { createContext }, { masterKeyFrom }] = await Promise.all([
      import('../../coordinator/coordinator.ts'),
      import('../../context.ts'),
      import('../../infra/at-rest.ts'),
    ]);
    const ctx = createContext({ ...cfg, masterKey: masterKeyFrom(process.env.LAB_MASTER_KEY) });
    const lock = opts.lockMs;
    const worker = startCoordinator(
      ctx,
      lock ? { lockDurationMs: lock, stalledIntervalMs: Math.max(500, lock / 2) } : {},
    );
    console.log(JSON.stringify({ coordinator: 'started', prefix: cfg.prefix }));
    onSignals(async () => {
      await worker.close();
      await ctx.close();
    });
  });
}
