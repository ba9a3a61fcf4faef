// The broker's handle on one enclave child process: spawn, request/response over IPC, limits, kill.
import type { ChildProcess } from 'node:child_process';
import { FromEnclave, type ToEnclave } from './protocol.ts';
import { launchEnclave } from './sandbox.ts';
import { unsafeWarning } from './sandbox-check.ts';
import { watchRss } from './sandbox-watchdog.ts';

export interface EnclaveLimits {
  /** V8 heap cap of the enclave, MiB. */
  memoryMiB: number;
  /** Wall-clock limit of one request; on breach the enclave is killed and the request fails. */
  requestTimeoutMs: number;
  /** Resident-set cap of the whole enclave (heap, typed arrays, wasm), MiB; default twice `memoryMiB`. */
  rssMiB?: number;
}

export interface EnclaveStartOptions {
  /** false only in the broker's unsafe development mode (`--unsafe-no-sandbox`). Default true. */
  sandboxed?: boolean;
  /**
   * Told why the broker killed the enclave or why it died unasked (time or memory limit, a
   * malformed message, an exit mid-request), so the broker can audit it.
   */
  onIncident?: (reason: string) => void;
  /** What the enclave is for, shown in the process list (default `job`). */
  role?: 'job' | 'scorer';
}

export const defaultLimits: EnclaveLimits = { memoryMiB: 4096, requestTimeoutMs: 10 * 60_000 };

/** The enclave refused a request for good; retrying cannot help. */
export class EnclaveRefusedError extends Error {
  override name = 'EnclaveRefusedError';
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
type Request = ToEnclave extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

/**
 * @example
 * const enclave = await EnclaveProcess.start('/srv/domains/d-bj'); // sandboxed
 * enclave.sandboxed; // true
 * const body = await enclave.request({ type: 'load-scorer', features: ['tax.annual_tax_paid'] });
 * enclave.kill();
 */
export class EnclaveProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Set when the broker kills the enclave itself, so its exit is not reported as an incident. */
  private killed = false;
  lastUsed = Date.now();
  /** Settles when the process has exited, whoever ended it. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly backend: string,
    /** Whether the enclave runs in the sandbox; the broker marks every result with it. */
    readonly sandboxed: boolean,
    private readonly limits: EnclaveLimits,
    private readonly onIncident: (reason: string) => void,
  ) {
    const rssMiB = limits.rssMiB ?? 2 * limits.memoryMiB;
    const stopWatchdog = watchRss(child.pid ?? 0, rssMiB, (rss) => {
      const why = `enclave exceeded its memory limit of ${rssMiB} MiB (resident ${Math.round(rss)} MiB) and was killed`;
      console.error(why);
      this.incident(why);
      this.kill();
      this.failAll(new Error(why));
    });
    child.on('message', (raw) => this.onMessage(raw));
    child.on('error', (err) => this.failAll(new Error(`enclave process: ${err.message}`)));
    let exited: () => void = () => undefined;
    this.exited = new Promise<void>((r) => {
      exited = r;
    });
    child.on('exit', (code, signal) => {
      exited();
      stopWatchdog();
      if (this.pending.size > 0 && !this.killed)
        this.incident(`enclave exited mid-request (${signal ?? code})`);
      this.failAll(new Error(`enclave exited (${signal ?? code})`));
    });
  }

  private incident(reason: string): void {
    try {
      this.onIncident(reason);
    } catch {
      // Reporting must never take the broker down with the enclave.
    }
  }

  static async start(
    domainDir: string,
    limits: EnclaveLimits = defaultLimits,
    { sandboxed = true, onIncident = () => undefined, role = 'job' }: EnclaveStartOptions = {},
  ): Promise<EnclaveProcess> {
    if (!sandboxed) console.error(unsafeWarning(`an enclave of ${domainDir} starts`));
    // The launcher gives the enclave a clean environment and, sandboxed, its namespaces and grants.
    const child = await launchEnclave(domainDir, { sandboxed, memoryMiB: limits.memoryMiB, role });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('enclave did not start within 30 s'));
      }, 30_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`enclave could not be started: ${err.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`enclave exited during start-up (${signal ?? `code ${code}`})`));
      });
      child.once('message', (raw) => {
        clearTimeout(timer);
        const m = FromEnclave.safeParse(raw);
        if (!m.success || m.data.type !== 'ready') {
          child.kill('SIGKILL');
          reject(new Error('enclave sent a malformed ready message'));
          return;
        }
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        resolve(new EnclaveProcess(child, m.data.backend, sandboxed, limits, onIncident));
      });
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  request(message: Request): Promise<unknown> {
    this.lastUsed = Date.now();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(new Error('enclave is not running'));
      const timer = setTimeout(() => {
        const why = `enclave exceeded its time limit of ${this.limits.requestTimeoutMs} ms and was killed`;
        this.incident(why);
        this.kill();
        reject(new Error(why));
      }, this.limits.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send({ ...message, id });
    });
  }

  kill(): void {
    this.killed = true;
    if (this.alive) this.child.kill('SIGKILL');
  }

  private onMessage(raw: unknown): void {
    const m = FromEnclave.safeParse(raw);
    if (!m.success || m.data.type === 'ready') {
      this.incident('enclave sent a malformed message and was killed');
      this.kill();
      this.failAll(new Error('enclave sent a malformed message; killed'));
      return;
    }
    const p = this.pending.get(m.data.id);
    if (!p) return;
    this.pending.delete(m.data.id);
    clearTimeout(p.timer);
    if (m.data.type === 'ok') p.resolve(m.data.body);
    else p.reject(m.data.retryable ? new Error(m.data.message) : new EnclaveRefusedError(m.data.message));
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}
