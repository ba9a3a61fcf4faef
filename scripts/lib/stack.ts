// Starts the lab's processes (API, coordinators, one broker per domain) as real child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '../../lab/cli/commands/server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StackOptions {
  redisUrl: string;
  prefix: string;
  masterKey: string;
  domainDirs: string[];
  /** Coordinator lock duration; short values make takeover after a crash fast (tests). */
  coordinatorLockMs?: number;
  /** Broker task lock duration (same idea, for domain brokers). */
  brokerLockMs?: number;
  /** Idle time before a broker warms a spare enclave (large values: every job starts cold). */
  brokerWarmIdleMs?: number;
  /** Start every broker with `--unsafe-no-sandbox`: enclaves run unsandboxed, results say `sandboxed: false`. */
  unsafeNoSandbox?: boolean;
  /** API worker processes on the one port (`lab serve --workers`; default 1). */
  apiWorkers?: number;
  /** Forward the processes' stderr (default: true). */
  showLogs?: boolean;
}

export interface Stack {
  url: string;
  processes: Map<string, ChildProcess>;
  startCoordinator(name?: string): Promise<ChildProcess>;
  /** Starts (another) broker for a domain folder, named `broker:<folder name>[-n]`. */
  startBroker(dir: string, name?: string): Promise<ChildProcess>;
  /** SIGKILL one process by name (`api`, `coordinator`, `broker:<domain dir name>`). */
  kill(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns a TypeScript entry point (from the repository root), with `nodeFlags` before it, and
 * resolves with its first JSON stdout line; rejects if it exits first or says nothing within 30 s.
 *
 * @example
 * const { child, hello } = await launch(['lab/cli/main.ts', 'serve', '--port', '0'], process.env, false);
 */
export function launch(
  args: string[],
  env: NodeJS.ProcessEnv,
  showLogs: boolean,
  nodeFlags: readonly string[] = [],
): Promise<{ child: ChildProcess; hello: Record<string, unknown> }> {
  // STACK_NODE_ARGS: extra Node flags for every process of the stack (e.g. `--cpu-prof` to profile).
  const extra = process.env.STACK_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeFlags, ...extra, '--import', 'tsx', ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', showLogs ? 'inherit' : 'ignore'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')}: no start-up line within 30 s`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited during start-up (code ${code})`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      try {
        resolve({ child, hello: JSON.parse(line) as Record<string, unknown> });
      } catch {
        reject(new Error(`${args.join(' ')}: unexpected start-up line ${line}`));
      }
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/**
 * @example
 * const stack = await startStack({ redisUrl, prefix, masterKey, domainDirs });
 * const lab = new LabClient({ baseUrl: stack.url, apiKey });
 * await stack.stop();
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const env = {
    ...process.env,
    REDIS_URL: opts.redisUrl,
    LAB_PREFIX: opts.prefix,
    LAB_MASTER_KEY: opts.masterKey,
  };
  const showLogs = opts.showLogs ?? true;
  const processes = new Map<string, ChildProcess>();
  let coordinators = 0;

  const startCoordinator = async (name = `coordinator-${++coordinators}`) => {
    const args = [
      'lab/cli/main.ts',
      'coordinator',
      ...(opts.coordinatorLockMs ? ['--lock-ms', String(opts.coordinatorLockMs)] : []),
    ];
    const { child } = await launch(args, env, showLogs);
    processes.set(name, child);
    return child;
  };

  const startBroker = async (dir: string, name = `broker:${path.basename(dir)}`) => {
    const flags = [
      ...(opts.brokerLockMs ? ['--lock-ms', String(opts.brokerLockMs)] : []),
      ...(opts.brokerWarmIdleMs ? ['--warm-idle-ms', String(opts.brokerWarmIdleMs)] : []),
      ...(opts.unsafeNoSandbox ? ['--unsafe-no-sandbox'] : []),
    ];
    const { child } = await launch(['enclave-worker/main.ts', '--domain', dir, ...flags], env, showLogs);
    processes.set(name, child);
    return child;
  };

  try {
    const [api] = await Promise.all([
      launch(
        [
          'lab/cli/main.ts',
          'serve',
          '--port',
          '0',
          ...(opts.apiWorkers ? ['--workers', String(opts.apiWorkers)] : []),
        ],
        env,
        showLogs,
        API_NODE_FLAGS,
      ),
      startCoordinator('coordinator'),
      ...opts.domainDirs.map((dir) => startBroker(dir)),
    ]);
    processes.set('api', api.child);
    return {
      url: String(api.hello.listening),
      processes,
      startCoordinator,
      startBroker,
      async kill(name) {
        const child = processes.get(name);
        if (child) await stopChild(child, 'SIGKILL');
      },
      async stop() {
        await Promise.all([...processes.values()].map((c) => stopChild(c, 'SIGTERM')));
      },
    };
  } catch (err) {
    await Promise.all([...processes.values()].map((c) => stopChild(c, 'SIGKILL')));
    throw err;
  }
}
