// `lab serve | coordinator | keys …`: the lab's processes and its key administration (the admin bootstrap).
import { parseArgs } from 'node:util';
import { Role } from '../../client-sdk/contract/resources.ts';
import { loadConfig } from '../infra/config.ts';

const USAGE = `usage:
  lab serve [--port 8080] [--host 127.0.0.1]     the HTTP API
  lab coordinator [--lock-ms 30000]              drives approved jobs (run one or more)
  lab keys create --role <role> --tenant <t> [--name <n>] [--rate-limit <per minute>] [--json]
                                                 prints a new API key once (roles: ${Role.options.join(', ')})
  lab keys list [--tenant <t>] [--json]          key records (never the keys)
  lab keys revoke --id <key id> [--json]         revokes a key at once
common: [--redis <url>] [--prefix <lab prefix>]; env REDIS_URL, LAB_PREFIX, LAB_MASTER_KEY`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    redis: { type: 'string' },
    prefix: { type: 'string' },
    role: { type: 'string' },
    tenant: { type: 'string' },
    name: { type: 'string' },
    'rate-limit': { type: 'string' },
    id: { type: 'string' },
    json: { type: 'boolean' },
    'lock-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const cfg = loadConfig({ redisUrl: values.redis, prefix: values.prefix });
const [command, sub] = positionals;

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

// Each command imports only what it runs, so `keys` starts without loading the API and the coordinator.
if (values.help || !command) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
} else if (command === 'serve') {
  const [{ serve }, { createApp }, { createContext }, { masterKeyFrom }] = await Promise.all([
    import('@hono/node-server'),
    import('../api/app.ts'),
    import('../context.ts'),
    import('../infra/at-rest.ts'),
  ]);
  const ctx = createContext({ ...cfg, masterKey: masterKeyFrom(process.env.LAB_MASTER_KEY) });
  const server = serve(
    { fetch: createApp(ctx).fetch, port: Number(values.port), hostname: values.host },
    (info) => {
      console.log(JSON.stringify({ listening: `http://${values.host}:${info.port}`, prefix: cfg.prefix }));
    },
  );
  onSignals(async () => {
    await new Promise((r) => server.close(r));
    await ctx.close();
  });
} else if (command === 'coordinator') {
  const [{ startCoordinator }, { createContext }, { masterKeyFrom }] = await Promise.all([
    import('../coordinator/coordinator.ts'),
    import('../context.ts'),
    import('../infra/at-rest.ts'),
  ]);
  const ctx = createContext({ ...cfg, masterKey: masterKeyFrom(process.env.LAB_MASTER_KEY) });
  const lock = values['lock-ms'] ? Number(values['lock-ms']) : undefined;
  const worker = startCoordinator(
    ctx,
    lock ? { lockDurationMs: lock, stalledIntervalMs: Math.max(500, lock / 2) } : {},
  );
  console.log(JSON.stringify({ coordinator: 'started', prefix: cfg.prefix }));
  onSignals(async () => {
    await worker.close();
    await ctx.close();
  });
} else if (command === 'keys') {
  const { keysCommand } = await import('./keys.ts');
  const { role, tenant, name, id, json } = values;
  process.exitCode = await keysCommand(
    sub,
    { role, tenant, name, id, json, rateLimit: values['rate-limit'] },
    cfg,
  );
} else {
  console.error(USAGE);
  process.exit(2);
}
