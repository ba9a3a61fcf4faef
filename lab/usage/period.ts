// A usage report's period: whole UTC days, inclusive, with the defaults and limits the route applies.
import { HttpError } from '../api/http-error.ts';

const DAY_MS = 24 * 3600_000;
/** A report looks back 30 days unless told otherwise. */
export const DEFAULT_DAYS = 30;
/** One leap year at most: longer periods are several reports. */
export const MAX_DAYS = 366;

/** The UTC day of an instant. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

const startMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const shift = (day: string, days: number) => utcDay(new Date(startMs(day) + days * DAY_MS));

export interface Period {
  from: string;
  to: string;
  /** Every day of the period, oldest first. */
  days: string[];
  /** `[startMs, endMs)`: from 00:00 of `from` to 00:00 of the day after `to`. */
  startMs: number;
  endMs: number;
}

/**
 * Resolves `from`/`to` (already checked to be calendar days): `to` defaults to today (UTC), `from`
 * to 29 days before `to`. A `to` before `from` or a span over 366 days is a 400 naming the field.
 *
 * @example
 * resolvePeriod('2026-03-01', '2026-03-03', new Date()).days; // ['2026-03-01', '2026-03-02', '2026-03-03']
 */
export function resolvePeriod(from: string | undefined, to: string | undefined, now: Date): Period {
  const end = to ?? utcDay(now);
  const start = from ?? shift(end, -(DEFAULT_DAYS - 1));
  if (startMs(end) < startMs(start))
    throw new HttpError(400, 'invalid_request', `to (${end}) is before from (${start})`, 'to');
  const count = (startMs(end) - startMs(start)) / DAY_MS + 1;
  if (count > MAX_DAYS)
    throw new HttpError(
      400,
      'invalid_request',
      `the period spans ${count} days; at most ${MAX_DAYS}`,
      'from',
    );
  return {
    from: start,
    to: end,
    days: Array.from({ length: count }, (_, i) => shift(start, i)),
    startMs: startMs(start),
    endMs: startMs(end) + DAY_MS,
  };
}
