// Red team: a hostile enclave, started through the real launcher, tries to break out; each test names
// the attack and the control that stops it, and checks the exact error that control raises.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ProbeFixture, startProbe } from './probe-fixture.ts';

const SECRET = 'redteam-secret-7c1e9a';

describe('enclave sandbox: a hostile enclave', () => {
  let fx: ProbeFixture;
  beforeAll(async () => {
    // The broker's environment holds secrets; the enclave must see none of them.
    process.env.LAB_MASTER_KEY = SECRET;
    process.env.JML_REDTEAM_SECRET = SECRET;
    fx = await startProbe();
  });
  afterAll(async () => {
    delete process.env.LAB_MASTER_KEY;
    delete process.env.JML_REDTEAM_SECRET;
    await fx?.close();
  });

  it('can read what it is granted: its own manifest and dataset (so the denials below are not vacuous)', async () => {
    expect(await fx.attack({ kind: 'read', path: path.join(fx.own, 'manifest.json') })).toMatchObject({
      ok: true,
    });
    expect(await fx.attack({ kind: 'read', path: path.join(fx.own, 'data', 't.csv') })).toMatchObject({
      ok: true,
    });
  });

  it('reading /etc/passwd is stopped by the permission model (no read grant): ERR_ACCESS_DENIED', async () => {
    expect(await fx.attack({ kind: 'read', path: '/etc/passwd' })).toMatchObject({
      ok: false,
      code: 'ERR_ACCESS_DENIED',
    });
  });

  it("reading another domain's folder is stopped by the permission model: ERR_ACCESS_DENIED", async () => {
    for (const file of ['manifest.json', 'data/t.csv', 'keys/domain.key.pem']) {
      expect(await fx.attack({ kind: 'read', path: path.join(fx.other, file) })).toMatchObject({
        ok: false,
        code: 'ERR_ACCESS_DENIED',
      });
    }
    expect(await fx.attack({ kind: 'list', path: fx.other })).toMatchObject({
      ok: false,
      code: 'ERR_ACCESS_DENIED',
    });
  });

  it("reading its own domain's private key is stopped by the grants (manifest and datasets only): ERR_ACCESS_DENIED", async () => {
    const key = path.join(fx.own, 'keys', 'domain.key.pem');
    expect(await fx.attack({ kind: 'read', path: key })).toMatchObject({
      ok: false,
      code: 'ERR_ACCESS_DENIED',
    });
  });

  it("reading the broker's environment is stopped by the clean environment: no secret, nothing but PATH/NODE_ENV/TZ and IPC", async () => {
    const outcome = await fx.attack({ kind: 'env' });
    expect(outcome.ok).toBe(true);
    const env = (outcome as { value: Record<string, string> }).value;
    expect(JSON.stringify(env)).not.toContain(SECRET);
    const allowed = ['PATH', 'NODE_ENV', 'TZ', 'NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'];
    expect(Object.keys(env).filter((k) => !allowed.includes(k))).toEqual([]);
  });

  it('writing a file into its own domain folder is stopped by the permission model (no --allow-fs-write): ERR_ACCESS_DENIED', async () => {
    const file = path.join(fx.own, 'data', 'pwned.csv');
    expect(await fx.attack({ kind: 'write', path: file })).toMatchObject({
      ok: false,
      code: 'ERR_ACCESS_DENIED',
    });
    expect(existsSync(file)).toBe(false);
  });

  it('writing a file into /tmp is stopped by the permission model (no --allow-fs-write): ERR_ACCESS_DENIED', async () => {
    const file = path.join('/tmp', `jml-redteam-pwned-${process.pid}`);
    expect(await fx.attack({ kind: 'write', path: file })).toMatchObject({
      ok: false,
      code: 'ERR_ACCESS_DENIED',
    });
    expect(existsSync(file)).toBe(false);
  });

  it("spawning a process (spawnSync('true')) is stopped by the permission model (no --allow-child-process): ERR_ACCESS_DENIED", async () => {
    expect(await fx.attack({ kind: 'spawn' })).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' });
  });

  it("running a shell command (execSync('id')) is stopped by the permission model: ERR_ACCESS_DENIED", async () => {
    expect(await fx.attack({ kind: 'exec' })).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' });
  });

  it('connecting to Redis on 127.0.0.1:6379 is stopped by the empty network namespace: ENETUNREACH', async () => {
    expect(await fx.attack({ kind: 'connect', host: '127.0.0.1', port: 6379 })).toMatchObject({
      ok: false,
      code: 'ENETUNREACH',
    });
  });

  it('connecting to a loopback port the broker host listens on is stopped by the network namespace: ENETUNREACH, nothing arrives', async () => {
    expect(await fx.attack({ kind: 'connect', host: '127.0.0.1', port: fx.tcp.port })).toMatchObject({
      ok: false,
      code: 'ENETUNREACH',
    });
    expect(fx.tcp.connections).toBe(0);
  });

  it("connecting to a host Unix socket (a database's, Docker's) is stopped by the enclave's own root (mount namespace): ENOENT, nothing arrives", async () => {
    // Node's permission model does not check Unix socket connects; the socket is simply not in the enclave's root.
    expect(await fx.attack({ kind: 'connect-unix', path: fx.unix.path })).toMatchObject({
      ok: false,
      code: 'ENOENT',
    });
    expect(fx.unix.connections).toBe(0);
  });

  it('signalling a host process (the broker) is stopped by the PID namespace: ESRCH', async () => {
    expect(await fx.attack({ kind: 'signal', pid: process.pid })).toMatchObject({ ok: false, code: 'ESRCH' });
  });

  it('native code remounting its read-only files writable is stopped by dropped capabilities (setpriv): none, even inside its namespaces', () => {
    const status = fx.hostStatus();
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^CapBnd:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
  });

  it('a worker thread started without the node flags is stopped by the permission model (no --allow-worker): ERR_ACCESS_DENIED', async () => {
    expect(await fx.attack({ kind: 'worker' })).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' });
  });

  it('loading a native addon is stopped by --no-addons and the permission model: ERR_DLOPEN_DISABLED', async () => {
    expect(await fx.attack({ kind: 'addon' })).toMatchObject({ ok: false, code: 'ERR_DLOPEN_DISABLED' });
  });
});

describe('the same probe without the sandbox (unsafe mode)', () => {
  it('reads /etc/passwd and reaches the loopback listener: the sandbox is what stops the attacks above', async () => {
    const fx = await startProbe({ sandboxed: false });
    try {
      expect(await fx.attack({ kind: 'read', path: '/etc/passwd' })).toMatchObject({ ok: true });
      expect(await fx.attack({ kind: 'connect', host: '127.0.0.1', port: fx.tcp.port })).toMatchObject({
        ok: true,
      });
      // The probe sees the handshake complete before this process's event loop runs the accept callback,
      // so its answer can arrive first: wait for the accept rather than read the counter at once.
      await vi.waitFor(() => expect(fx.tcp.connections).toBe(1), { timeout: 2000, interval: 10 });
    } finally {
      await fx.close();
    }
  });
});
