// Can this host sandbox enclaves? Checked once per broker process at start-up, through the real launcher.
import { spawnEnclaveSource } from './sandbox.ts';

// Runs inside the sandbox and exits 0 only if each layer holds: the permission model, an empty
// network namespace (libuv lists no interface that is up) and a PID namespace of its own.
const CHECK = `
import os from 'node:os';
const problems = [];
if (!process.permission || process.permission.has('fs.read', '/etc/hostname')) problems.push('Node permission model not in force');
if (Object.keys(os.networkInterfaces()).length > 0) problems.push('network interfaces visible');
if (process.pid !== 1) problems.push('no PID namespace');
if (problems.length > 0) { console.error(problems.join('; ')); process.exit(3); }
`;
const CHECK_TIMEOUT_MS = 15_000;

let verdict: Promise<string | null> | undefined;

/**
 * Why enclaves cannot be sandboxed here (e.g. `unshare` missing, user namespaces disabled, a node
 * without the permission model), or null if they can. Runs a tiny program through the launcher
 * enclaves use; the answer is kept for the life of the process.
 *
 * @example
 * const problem = await sandboxProblem(); // null on a host that can sandbox
 */
export function sandboxProblem(): Promise<string | null> {
  verdict ??= new Promise((resolve) => {
    const child = spawnEnclaveSource(CHECK, [], {
      sandboxed: true,
      memoryMiB: 64,
      reads: [],
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`the sandbox check did not finish within ${CHECK_TIMEOUT_MS / 1000} s`);
    }, CHECK_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(`cannot run unshare: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : stderr.trim() || `the check exited with ${signal ?? code}`);
    });
  });
  return verdict;
}

/**
 * Throws, saying why and what the way out is, unless enclaves can be sandboxed on this host.
 *
 * @example
 * if (!opts.unsafeNoSandbox) await requireSandbox();
 */
export async function requireSandbox(): Promise<void> {
  const problem = await sandboxProblem();
  if (problem) {
    throw new Error(
      `enclaves cannot be sandboxed on this host: ${problem}. The broker refuses to start; ` +
        'for development only, --unsafe-no-sandbox runs enclaves without a sandbox.',
    );
  }
}

/**
 * The loud warning of the unsafe development mode, for stderr; `what` says who runs unsandboxed.
 *
 * @example
 * console.error(unsafeWarning('broker d-bj starts its enclaves'));
 */
export function unsafeWarning(what: string): string {
  const line = '!'.repeat(100);
  return (
    `${line}\n!!! UNSAFE (--unsafe-no-sandbox): ${what} WITHOUT A SANDBOX: an enclave can read any file, ` +
    'reach the network and start processes.\n!!! For development only. Every result is marked ' +
    `sandboxed: false.\n${line}`
  );
}
