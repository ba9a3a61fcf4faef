// The enclave's launch command: only read grants, no escape hatches, a clean environment.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enclaveEnv, enclaveNodeArgs } from './sandbox.ts';
import { isolatedArgs, rootEntries } from './sandbox-root.ts';

describe('enclave launch command', () => {
  afterEach(() => {
    delete process.env.LAB_MASTER_KEY;
  });

  it('grants reads only: no write, child process, worker, WASI or addon permission', () => {
    const args = enclaveNodeArgs(['/srv/jml/node_modules', '/srv/d-bj/manifest.json'], 512, true);
    expect(args).toContain('--allow-fs-read=/srv/jml/node_modules');
    expect(args).toContain('--allow-fs-read=/srv/d-bj/manifest.json');
    expect(args).toContain('--max-old-space-size=512');
    expect(args).toContain('--no-addons');
    expect(args.some((a) => a === '--permission' || a === '--experimental-permission')).toBe(true);
    const granted = args.filter((a) => a.startsWith('--allow-') && !a.startsWith('--allow-fs-read='));
    expect(granted).toEqual([]);
    expect(args.slice(-2)).toEqual(['--input-type=module', '-']);
  });

  it('unsandboxed, keeps only the heap cap', () => {
    expect(enclaveNodeArgs(['/x'], 512, false)).toEqual([
      '--max-old-space-size=512',
      '--input-type=module',
      '-',
    ]);
  });

  it("passes none of the broker's environment but PATH, NODE_ENV and TZ", () => {
    process.env.LAB_MASTER_KEY = 'secret';
    expect(Object.keys(enclaveEnv()).every((k) => ['PATH', 'NODE_ENV', 'TZ'].includes(k))).toBe(true);
  });

  it('builds a root of the system, read-only non-executable grants, and no path twice', () => {
    const here = path.resolve('package.json');
    const entries = rootEntries([here, here, '/does/not/exist']);
    expect(entries.filter((e) => e.path === here)).toEqual([
      { kind: 'file', path: here, options: 'ro,nosuid,nodev,noexec' },
    ]);
    expect(entries.some((e) => e.path === '/does/not/exist')).toBe(false);
    expect(entries.some((e) => e.path === '/usr' && e.kind === 'dir')).toBe(true);
    expect(entries.some((e) => e.path === '/dev/null')).toBe(true);
  });
});

describe('enclave root', () => {
  it('mounts its tmpfs over a folder that holds none of the paths it binds (nothing is created on the host)', () => {
    const entries = rootEntries([]);
    const args = isolatedArgs(
      [...entries, { kind: 'file', path: '/mnt/data/t.csv', options: 'ro' }],
      '/srv/jml',
      ['node'],
    );
    const base = args[args.indexOf('jml-enclave') + 1]!;
    expect(['/media', '/opt', '/home', '/var/tmp', '/tmp']).toContain(base);
  });
});
