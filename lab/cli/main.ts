// `lab serve | coordinator | keys create`: the lab's processes and its admin bootstrap.
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Role } from '../../client-sdk/contract/resources.ts';
import { createApp } from '../api/app.ts';
import { createContext } from '../context.ts';
import { startCoordinator } from '../coordinator/coordinator.ts';
import { masterKeyFrom } from '../infra/at-rest.ts';
import { loadConfig } from '../infra/config.ts';
import { connectRedis, labKeys } from '../infra/redis.ts';
import { createApiKey } from '../store/api-keys.ts';

const USAGE = `usage:
  lab serve [--port 8080] [--host 127.0.0.1]     the HTTP API
  lab coordinator [--lock-ms 30000]              drives approved jobs (run one or more)
  lab keys create --role <role> --tenant <t> [--name <n>]
                                                 prints a new API key once (roles: ${Role.options.join(', ')})
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

if (values.help || !command) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
} else if (command === 'serve') {
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
} else if (command === 'keys' && sub === 'create') {
  const role = Role.safeParse(values.role);
  if (!role.success || !values.tenant) {
    console.error(`lab keys create: --role (${Role.options.join('|')}) and --tenant are required`);
    process.exit(2);
  }
  const redis = connectRedis(cfg.redisUrl);
  try {
    const { key, principal } = await createApiKey(redis, labKeys(cfg.prefix), {
      role: role.data,
      tenant: values.tenant,
      name: values.name ?? `${role.data}@${values.tenant}`,
    });
    console.log(
      JSON.stringify({ key, keyId: principal.keyId, role: principal.role, tenant: principal.tenant }),
    );
  } catch (err) {
    console.error(`lab keys create: ${(err as Error).message}`);
    process.exitCode = 2;
  } finally {
    redis.disconnect();
  }
} else {
  console.error(USAGE);
  process.exit(2);
}
