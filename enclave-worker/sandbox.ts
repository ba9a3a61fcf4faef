// Starts an enclave process: sandboxed (own namespaces and root, Node's permission model) or, in the
// unsafe development mode, as a plain node process.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { domainPath } from './data/csv-file.ts';
import { loadManifest } from './data/manifest.ts';
import { type EnclaveEntry, enclaveBundle } from './sandbox-bundle.ts';
import { forwardCapped } from './sandbox-output.ts';
import { isolatedArgs, rootEntries } from './sandbox-root.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The enclave's code comes through stdin; node_modules is the only code it reads from disk. */
const NODE_MODULES = path.join(repoRoot, 'node_modules');

export interface LaunchOptions {
  /** false only in the unsafe development mode: no namespaces, no permission model. */
  sandboxed: boolean;
  /** V8 heap cap, MiB. */
  memoryMiB: number;
  /** Test-only: `probe` runs the red-team tests' hostile enclave instead of the real one. */
  entry?: EnclaveEntry;
  /** Shown in the process list after the domain folder, so operators can tell the scorer apart. */
  role?: 'job' | 'scorer';
}

/**
 * The files an enclave of a domain may read: its manifest and each dataset file the manifest names,
 * wherever it lives (public data sets may sit outside the folder). Not the domain's key files, not
 * the rest of the folder.
 *
 * @example
 * await domainReads('/srv/domains/d-bj'); // ['/srv/domains/d-bj/manifest.json', '/srv/domains/d-bj/data/tax.csv', …]
 */
export async function domainReads(domainDir: string): Promise<string[]> {
  const dir = path.resolve(domainDir);
  const manifest = await loadManifest(dir);
  return [path.join(dir, 'manifest.json'), ...manifest.datasets.map((ds) => domainPath(dir, ds.file))];
}

/**
 * Node's flags for an enclave that reads its program from stdin. Sandboxed: the permission model
 * (`--permission` from Node 22.13, `--experimental-permission` before) with read grants only — no
 * `--allow-fs-write`, `--allow-child-process`, `--allow-worker` (a worker started with `execArgv: []`
 * escapes the model), `--allow-wasi` or `--allow-addons`.
 *
 * @example
 * enclaveNodeArgs(['/srv/jml/node_modules'], 4096, true);
 */
export function enclaveNodeArgs(reads: readonly string[], memoryMiB: number, sandboxed: boolean): string[] {
  const known = process.allowedNodeEnvironmentFlags;
  const args = [`--max-old-space-size=${memoryMiB}`];
  if (sandboxed) {
    // No native code at all (so no tfjs-node either): an addon would be outside every control here.
    args.push('--no-addons', known.has('--permission') ? '--permission' : '--experimental-permission');
    args.push(...reads.map((p) => `--allow-fs-read=${p}`));
    // Node 20 calls the permission model experimental on every start; the warning is noise here.
    if (known.has('--disable-warning')) args.push('--disable-warning=ExperimentalWarning');
  }
  return [...args, '--input-type=module', '-'];
}

/**
 * The enclave's whole environment: nothing from the broker but PATH, NODE_ENV and TZ (no REDIS_URL,
 * LAB_MASTER_KEY, NODE_OPTIONS or any other secret or setting). Node adds NODE_CHANNEL_FD for IPC.
 *
 * @example
 * spawn(command, args, { env: enclaveEnv() });
 */
export function enclaveEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: process.env.NODE_ENV ?? 'production',
  };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/**
 * Spawns `source` (an ES module) as a process, sandboxed or not, with `args` after it on its command
 * line and `reads` as all it may read. The broker's sandbox check uses this directly.
 *
 * @example
 * const child = spawnEnclaveSource('process.exit(0)', [], { sandboxed: true, memoryMiB: 64, reads: [] });
 */
export function spawnEnclaveSource(
  source: string,
  args: readonly string[],
  opts: { sandboxed: boolean; memoryMiB: number; reads: readonly string[]; stdio?: StdioOptions },
): ChildProcess {
  const reads = [NODE_MODULES, ...opts.reads];
  const node = [process.execPath, ...enclaveNodeArgs(reads, opts.memoryMiB, opts.sandboxed), ...args];
  const [command, ...rest] = opts.sandboxed
    ? ['unshare', ...isolatedArgs(rootEntries(reads), repoRoot, node)]
    : node;
  const child = spawn(command!, rest, {
    cwd: repoRoot,
    env: enclaveEnv(),
    stdio: opts.stdio ?? ['pipe', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  // A process that dies at once closes its stdin early; its exit is what gets reported.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(source);
  return child;
}

/**
 * Launches an enclave for a domain folder (the same launcher for the real enclave and the test-only
 * probe): the bundled entry on stdin, the domain folder as its argument, an IPC channel.
 *
 * @example
 * const child = await launchEnclave('/srv/domains/d-bj', { sandboxed: true, memoryMiB: 4096 });
 */
export async function launchEnclave(domainDir: string, opts: LaunchOptions): Promise<ChildProcess> {
  const dir = path.resolve(domainDir);
  const [source, reads] = await Promise.all([enclaveBundle(opts.entry ?? 'enclave'), domainReads(dir)]);
  const child = spawnEnclaveSource(source, [dir, opts.role ?? 'job'], {
    sandboxed: opts.sandboxed,
    memoryMiB: opts.memoryMiB,
    reads,
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
  });
  forwardCapped([child.stdout, child.stderr], `enclave ${path.basename(dir)}`);
  return child;
}
