// A warm spare enclave per broker: started, backend initialised and the domain's table loaded
// before a job needs it, so a job's first round does not pay for process start-up and parsing.
import type { EnclaveProcess } from './enclave-process.ts';

/**
 * Holds at most one spare. `take()` hands it out (or starts one if none is ready); a new spare is
 * warmed only once the broker has been idle for `idleMs`, so warming never competes with a
 * running job's rounds for the domain's CPU.
 *
 * @example
 * const warm = new WarmEnclaves(() => startWarmEnclave(dir), 5000);
 * warm.refillWhenIdle();
 * const enclave = await warm.take();
 */
export class WarmEnclaves {
  private spare: Promise<EnclaveProcess> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private active = 0;

  constructor(
    private readonly start: () => Promise<EnclaveProcess>,
    private readonly idleMs = 5000,
    /** Told whether a warm spare is ready (the broker publishes it as the domain's readiness). */
    private readonly onReady: (ready: boolean) => void = () => undefined,
  ) {}

  take(): Promise<EnclaveProcess> {
    const spare = this.spare;
    this.spare = null;
    this.onReady(false);
    if (!spare) return this.start();
    return spare.then(
      (e) => (e.alive ? e : this.start()),
      () => this.start(),
    );
  }

  /** A task started: no warming while the domain computes. */
  taskStarted(): void {
    this.active++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A task ended: warm a spare once no task has run for `idleMs`. */
  taskEnded(): void {
    this.active = Math.max(0, this.active - 1);
    this.refillWhenIdle();
  }

  /** (Re)arms the idle timer. */
  refillWhenIdle(): void {
    if (this.closed || this.active > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.spare || this.closed || this.active > 0) return;
      const spare = this.start();
      this.spare = spare;
      spare.then(
        () => {
          if (this.spare === spare) this.onReady(true);
        },
        () => {
          if (this.spare === spare) this.spare = null;
        },
      );
    }, this.idleMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    (await this.spare?.catch(() => null))?.kill();
    this.spare = null;
  }
}
