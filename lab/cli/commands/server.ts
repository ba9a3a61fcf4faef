// `lab serve` and `lab coordinator`: the lab's own processes (they read Redis and LAB_MASTER_KEY, not a profile).
import type { Cluster } from 'node:cluster';
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config.ts';
import { intIn } from '../context.ts';

/**
 * Node flags the API runs best with: batch scores allocate megabytes per request that die young,
 * and a larger young generation collects them with about a fifth less of the API's time
 * (bench:score). `lab serve --workers` starts its workers with them; a single process gets them
 * from the command line or NODE_OPTIONS.
 *
 * @example
 * spawn(process.execPath, [...API_NODE_FLAGS, '--import', 'tsx', 'lab/cli/main.ts', 'serve']);
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=32'];

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

/**
 * Runs `n` API worker processes on one port (node:cluster) and reports the address once all of
 * them listen. A worker that dies is replaced (at most one start per second); SIGINT/SIGTERM stop
 * every worker, each closing its server and connections, before the supervisor exits.
 */
function superviseWorkers(cluster: Cluster, n: number, host: string, prefix: string): void {
  let stopping = false;
  let reported = false;
  let lastStart = 0;
  const listening = new Set<number>();
  const start = () => {
    lastStart = Date.now();
    cluster.fork();
  };
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (!reported && listening.size === n) {
      reported = true;
      console.log(JSON.stringify({ listening: `http://${host}:${address.port}`, prefix, workers: n }));
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) return;
    console.error(`lab serve: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(start, Math.max(0, lastStart + 1000 - Date.now()));
  });
  const flags = API_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...flags] });
  for (let i = 0; i < n; i++) start();
  onSignals(async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      alive.map(
        (w) =>
          new Promise((exited) => {
            w.once('exit', exited);
            w.process.kill('SIGTERM');
          }),
      ),
    );
  });
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
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option(
        '--workers <n>',
        'API processes sharing the port (default: LAB_API_WORKERS, else 1); the first process only hands out connections',
        intIn(1, 64),
      ),
  ).action(async (opts: RedisOptions & { port: number; host: string; workers?: number }) => {
    const cfg = loadConfig({ redisUrl: opts.redis, prefix: opts.prefix });
    const workers = opts.workers ?? intIn(1, 64)(process.env.LAB_API_WORKERS ?? '1');
    const cluster = (await import('node:cluster')).default;
    if (workers > 1 && cluster.isPrimary) return superviseWorkers(cluster, workers, opts.host, cfg.prefix);
    const [{ serve }, { createApp }, { createContext }, { masterKeyFrom }] = await Promise.all([
      import('@hono/node-server'),
      import('../../api/app.ts'),
      import('../../context.ts'),
      import('../../infra/at-rest.ts'),
    ]);
    const ctx = createContext({ ...cfg, masterKey: masterKeyFrom(process.env.LAB_MASTER_KEY) });
    const server = serve({ fetch: createApp(ctx).fetch, port: opts.port, hostname: opts.host }, (info) => {
      // Under a supervisor, it reports once every worker listens.
      if (cluster.isPrimary)
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
