// TEST-ONLY hostile enclave: tries what a compromised enclave would and reports what happened. Started
// only by the red-team tests (test/redteam/), through the same launcher as the real enclave.
import { execSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { Worker } from 'node:worker_threads';

/** One attack, as the red-team tests ask for it over IPC. */
export type Attack =
  | { kind: 'read'; path: string }
  | { kind: 'list'; path: string }
  | { kind: 'write'; path: string }
  | { kind: 'env' }
  | { kind: 'spawn' }
  | { kind: 'exec' }
  | { kind: 'connect'; host: string; port: number }
  | { kind: 'connect-unix'; path: string }
  | { kind: 'signal'; pid: number }
  | { kind: 'worker' }
  | { kind: 'addon' };

/** What happened: `ok` means the attack worked (the sandbox failed); otherwise the error's code. */
export type Outcome = { ok: true; value?: unknown } | { ok: false; code: string; message: string };

function connect(options: net.NetConnectOpts): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    socket.setTimeout(3000, () =>
      socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

async function attack(a: Attack): Promise<unknown> {
  switch (a.kind) {
    case 'read':
      return readFileSync(a.path, 'utf8').length;
    case 'list':
      return readdirSync(a.path);
    case 'write':
      return writeFileSync(a.path, 'pwned');
    case 'env':
      return { ...process.env };
    case 'spawn':
      return spawnSync('true').status;
    case 'exec':
      return execSync('id').toString();
    case 'connect':
      return connect({ host: a.host, port: a.port });
    case 'connect-unix':
      return connect({ path: a.path });
    case 'signal':
      return process.kill(a.pid, 0); // signal 0: "could I signal it?", harmless either way
    case 'worker':
      // A worker told to drop the node flags would run outside the permission model.
      return new Worker('1', { eval: true, execArgv: [] }).terminate();
    case 'addon':
      return process.dlopen({ exports: {} }, '/nonexistent/addon.node');
  }
}

process.on('message', async (raw) => {
  const { id, attack: a } = raw as { id: number; attack: Attack };
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await attack(a) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    outcome = { ok: false, code: e.code ?? e.name, message: e.message };
  }
  process.send?.({ id, outcome });
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', backend: 'probe' });
