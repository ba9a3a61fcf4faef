// `enclave-worker --domain <dir>`: runs one domain's broker until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { loadConfig } from '../lab/infra/config.ts';
import { startBroker } from './broker.ts';

const { values } = parseArgs({
  options: {
    domain: { type: 'string' },
    redis: { type: 'string' },
    prefix: { type: 'string' },
    concurrency: { type: 'string' },
    'lock-ms': { type: 'string' },
    'warm-idle-ms': { type: 'string' },
    'unsafe-no-sandbox': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values.domain) {
  console.log(`usage: enclave-worker --domain <dir> [--redis <url>] [--prefix <lab prefix>] [--concurrency <n>] [--lock-ms <ms>]
                      [--warm-idle-ms <ms>] [--unsafe-no-sandbox]

Runs the broker of the domain in <dir> (its manifest.json): a BullMQ worker on queue domain.<id>
that hands tasks to sandboxed enclave processes. REDIS_URL and LAB_PREFIX are read when the flags
are absent.

Enclaves run sandboxed: their own user, network, mount and PID namespaces (unshare), Node's permission
model (reads of node_modules and the domain's manifest and data files only), a clean environment. A
host that cannot provide this makes the broker refuse to start; --unsafe-no-sandbox (development
only) runs enclaves unsandboxed, warns loudly and marks every result sandboxed: false.`);
  process.exit(values.help ? 0 : 2);
}

const cfg = loadConfig({ redisUrl: values.redis, prefix: values.prefix });
const broker = await startBroker({
  domainDir: values.domain,
  redisUrl: cfg.redisUrl,
  prefix: cfg.prefix,
  concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  lockDurationMs: values['lock-ms'] ? Number(values['lock-ms']) : undefined,
  warmIdleMs: values['warm-idle-ms'] ? Number(values['warm-idle-ms']) : undefined,
  unsafeNoSandbox: values['unsafe-no-sandbox'] ?? false,
}).catch((err: Error) => {
  console.error(`enclave-worker: cannot start the broker of ${values.domain}:\n${err.message}`);
  process.exit(1);
});
console.log(
  JSON.stringify({ broker: broker.manifest.id, queue: `domain.${broker.manifest.id}`, prefix: cfg.prefix }),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await broker.close();
    process.exit(0);
  });
}
