// Redis stream ids (`<ms>-<seq>`): ordering, the id right after one, and the ids bounding a time range.

/** The largest sequence number Redis gives within one millisecond (2^64 − 1). */
const MAX_SEQ = 18446744073709551615n;

const parts = (id: string): [bigint, bigint] => {
  const [ms, seq] = id.split('-');
  return [BigInt(ms ?? '0'), BigInt(seq ?? '0')];
};

/**
 * Orders two stream ids as Redis does (numerically, milliseconds first); ids outgrow doubles.
 *
 * @example
 * compareStreamIds('9-1', '10-0'); // -1
 */
export function compareStreamIds(a: string, b: string): -1 | 0 | 1 {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * The smallest id after `id`, for walking a stream in batches with inclusive XRANGE bounds
 * (Redis's exclusive `(` bounds need 6.2; this works on any version with streams).
 *
 * @example
 * nextStreamId('1712000000000-4'); // '1712000000000-5'
 */
export function nextStreamId(id: string): string {
  const [ms, seq] = parts(id);
  return seq === MAX_SEQ ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}

/**
 * The first (`start`) or last (`end`) possible id of a millisecond: the bounds of a time range.
 *
 * @example
 * streamIdAt(Date.parse('2025-01-01T00:00:00Z'), 'end'); // '1735689600000-18446744073709551615'
 */
export function streamIdAt(ms: number, edge: 'start' | 'end'): string {
  return `${ms}-${edge === 'start' ? 0n : MAX_SEQ}`;
}

/**
 * The later of two stream ids.
 *
 * @example
 * laterStreamId('5-0', '4-9'); // '5-0'
 */
export const laterStreamId = (a: string, b: string) => (compareStreamIds(a, b) >= 0 ? a : b);

/**
 * The earlier of two stream ids.
 *
 * @example
 * earlierStreamId('5-0', '4-9'); // '4-9'
 */
export const earlierStreamId = (a: string, b: string) => (compareStreamIds(a, b) <= 0 ? a : b);
