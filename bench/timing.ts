// Timing helpers shared by the benchmarks.

/**
 * Median wall time of `fn` in ms over `reps` runs, after one warm-up run.
 *
 * @example
 * const ms = median(11, () => encryptUpdate(ckks, pk, update));
 */
export function median(reps: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}
