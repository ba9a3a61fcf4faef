// Waits for a Redis-bound promise for a bounded time: probes and scrapes must answer, not hang.

/**
 * What became of a promise given a deadline.
 *
 * @example
 * const s: Settled<string> = { state: 'timeout' };
 */
export type Settled<T> =
  | { state: 'ok'; value: T }
  | { state: 'timeout' }
  | { state: 'error'; error: unknown };

/**
 * Settles within `ms`. The lab's Redis client queues commands while it reconnects (it has no
 * per-command retry limit, which BullMQ needs), so a call on a lost connection would otherwise wait
 * forever. A late rejection of `promise` is swallowed: nobody is listening for it any more.
 *
 * @example
 * const ping = await withDeadline(ctx.redis.ping(), 1000); if (ping.state !== 'ok') ...
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ state: 'timeout' }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ state: 'ok', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ state: 'error', error });
      },
    );
  });
}
