// Overall memory limit of an enclave: V8's heap cap misses typed arrays and wasm memory, so the broker
// also watches the resident set of the enclave's process tree (Linux /proc).
import { readFileSync } from 'node:fs';

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process is gone (or there is no /proc): it counts as nothing
  }
}

/**
 * Resident set, MiB, of `pid` and its descendants (a sandboxed enclave is `unshare`'s child).
 *
 * @example
 * treeRssMiB(child.pid!); // e.g. 182.4
 */
export function treeRssMiB(pid: number): number {
  let kib = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const p = pending.pop()!;
    kib += Number(/^VmRSS:\s+(\d+)/m.exec(read(`/proc/${p}/status`))?.[1] ?? 0);
    for (const child of read(`/proc/${p}/task/${p}/children`).split(' ')) {
      if (child.trim()) pending.push(Number(child));
    }
  }
  return kib / 1024;
}

/**
 * Calls `onBreach` (once) when the tree's resident set exceeds `limitMiB`; returns a stop function.
 *
 * @example
 * const stop = watchRss(child.pid!, 8192, (rss) => child.kill('SIGKILL'));
 */
export function watchRss(
  pid: number,
  limitMiB: number,
  onBreach: (rssMiB: number) => void,
  everyMs = 1000,
): () => void {
  const timer = setInterval(() => {
    const rss = treeRssMiB(pid);
    if (rss > limitMiB) {
      clearInterval(timer);
      onBreach(rss);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
