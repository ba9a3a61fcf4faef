// Red-team fixture: two domains in one temp folder, listeners an enclave must not reach, and the
// hostile probe enclave started through the real launcher.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { col, testIds, testManifest } from '../../enclave-worker/data/test-domain.ts';
import type { Attack, Outcome } from '../../enclave-worker/enclave/probe.ts';
import { launchEnclave } from '../../enclave-worker/sandbox.ts';

/** A listener that counts who got through. */
export interface Listener {
  connections: number;
  close(): Promise<void>;
}

export interface ProbeFixture {
  root: string;
  /** The probe's own domain, and a second one it must not see. */
  own: string;
  other: string;
  /** A TCP listener on 127.0.0.1 and a Unix socket in `root`. */
  tcp: Listener & { port: number };
  unix: Listener & { path: string };
  attack(a: Attack): Promise<Outcome>;
  /** The probe's /proc/<pid>/status as the host sees it (sandboxed, node is `unshare`'s child). */
  hostStatus(): string;
  close(): Promise<void>;
}

async function writeDomain(dir: string, id: string): Promise<void> {
  const ids = testIds(3);
  const manifest = {
    ...testManifest([
      { name: 't', file: 'data/t.csv', format: 'csv', key: 'entity_id', columns: [col('x', 'number')] },
    ]),
    id,
  };
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'keys'), { recursive: true });
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(
    path.join(dir, 'data', 't.csv'),
    `entity_id,x\n${ids.map((e, i) => `${e},${i}`).join('\n')}\n`,
  );
  await writeFile(path.join(dir, 'keys', 'domain.pub.pem'), 'public key\n');
  await writeFile(path.join(dir, 'keys', 'domain.key.pem'), `private key of ${id}\n`, { mode: 0o600 });
}

async function listen(at: number | string): Promise<{ server: net.Server } & Listener> {
  const server = net.createServer((socket) => {
    state.connections++;
    socket.destroy();
  });
  const state = {
    server,
    connections: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  await new Promise<void>((resolve) =>
    typeof at === 'number' ? server.listen(at, '127.0.0.1', resolve) : server.listen(at, resolve),
  );
  return state;
}

/**
 * Starts the probe enclave (sandboxed unless told otherwise) for a fresh domain next to another one.
 *
 * @example
 * const fx = await startProbe();
 * expect(await fx.attack({ kind: 'read', path: '/etc/passwd' })).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' });
 */
export async function startProbe({ sandboxed = true } = {}): Promise<ProbeFixture> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'jml-redteam-'));
  const own = path.join(root, 'd-own');
  const other = path.join(root, 'd-other');
  await writeDomain(own, 'd-own');
  await writeDomain(other, 'd-other');
  const tcp = await listen(0);
  const port = (tcp.server.address() as net.AddressInfo).port;
  const unixPath = path.join(root, 'service.sock');
  const unix = await listen(unixPath);

  const child: ChildProcess = await launchEnclave(own, { sandboxed, memoryMiB: 256, entry: 'probe' });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`probe exited during start-up (${code})`)));
    child.once('message', () => resolve());
  });
  let nextId = 1;
  const attack = (a: Attack) =>
    new Promise<Outcome>((resolve) => {
      const id = nextId++;
      const onMessage = (m: { id: number; outcome: Outcome }) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m.outcome);
      };
      child.on('message', onMessage);
      child.send({ id, attack: a });
    });

  return {
    root,
    own,
    other,
    tcp: Object.assign(tcp, { port }),
    unix: Object.assign(unix, { path: unixPath }),
    attack,
    hostStatus() {
      const pid = child.pid!;
      const node = sandboxed ? readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() : `${pid}`;
      return readFileSync(`/proc/${node}/status`, 'utf8');
    },
    async close() {
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
      await Promise.all([tcp.close(), unix.close()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}
