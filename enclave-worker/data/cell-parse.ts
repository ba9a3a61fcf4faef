// Parses CSV cells straight from bytes into numbers (number, boolean, date) without making strings.

const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;

// Exact powers of ten: 10^k is a double with no rounding for k ≤ 22, which the fast path relies on.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT = 2 ** 53;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const DATETIME_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;
const MS_PER_DAY = 86_400_000;

/**
 * Trims ASCII spaces and tabs around `buf[start, end)`; returns the trimmed start, and the trimmed
 * end through `out[0]` (one call per cell, so no tuple allocation).
 *
 * @example
 * const s = trimRange(buf, 0, buf.length, out); // buf is ' 12 ' → s = 1, out[0] = 3
 */
export function trimRange(buf: Uint8Array, start: number, end: number, out: Int32Array): number {
  let s = start;
  let e = end;
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  out[0] = e;
  return s;
}

/**
 * A decimal number from a trimmed, non-empty byte range; NaN when it is not one. Plain decimals with
 * up to 15–16 significant digits are built from the digits (an exact integer divided by an exact power
 * of ten rounds correctly, so this equals `Number(text)`); exponents and longer mantissas fall back
 * to `Number`. Hex, `Infinity`, `NaN`, thousands separators and other text are unparsable.
 *
 * @example
 * parseNumber(Buffer.from('-12.50'), 0, 6); // -12.5
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const sign = buf[i];
  const negative = sign === DASH;
  if (negative || sign === PLUS) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
  }
  if (i < end && buf[i] === DOT) {
    for (i++; i < end; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      digits++;
      scale++;
    }
  }
  if (i !== end || digits === 0 || mantissa > MAX_EXACT || scale > 22) return slowNumber(buf, start, end);
  const value = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  return negative ? -value : value;
}

function slowNumber(buf: Uint8Array, start: number, end: number): number {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  if (!NUMBER_TEXT.test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * 1/0 from `true/false/yes/no/1/0` in any letter case; NaN otherwise.
 *
 * @example
 * parseBoolean(Buffer.from('Yes'), 0, 3); // 1
 */
export function parseBoolean(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  // ORing 0x20 lowercases ASCII letters and leaves the digits '0'/'1' as they are.
  const c = (k: number) => buf[start + k]! | 0x20;
  if (n === 1) return c(0) === 0x31 ? 1 : c(0) === 0x30 ? 0 : Number.NaN;
  if (n === 2 && c(0) === 0x6e && c(1) === 0x6f) return 0; // no
  if (n === 3 && c(0) === 0x79 && c(1) === 0x65 && c(2) === 0x73) return 1; // yes
  if (n === 4 && c(0) === 0x74 && c(1) === 0x72 && c(2) === 0x75 && c(3) === 0x65) return 1; // true
  if (n === 5 && c(0) === 0x66 && c(1) === 0x61 && c(2) === 0x6c && c(3) === 0x73 && c(4) === 0x65) return 0;
  return Number.NaN;
}

/**
 * Days since 1970-01-01 for a proleptic Gregorian date (no Date object, works for any year).
 *
 * @example
 * daysFromCivil(2024, 3, 1); // 19783
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Count from 1 March so the leap day falls at the end of the (shifted) year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digitsAt(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const d = buf[at + k]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Days since 1970-01-01 UTC from `YYYY-MM-DD` or an ISO date-time; NaN when invalid (e.g. 2023-02-30).
 * A date-time counts on the UTC calendar day of its instant (`…T01:00+08:00` is the day before);
 * one without an offset is read as UTC, never as the host's local time.
 *
 * @example
 * parseDate(Buffer.from('1970-01-02'), 0, 10); // 1
 */
export function parseDate(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 10 || buf[start + 4] !== DASH || buf[start + 7] !== DASH) return Number.NaN;
  const year = digitsAt(buf, start, 4);
  const month = digitsAt(buf, start + 5, 2);
  const day = digitsAt(buf, start + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (end - start === 10) return daysFromCivil(year, month, day);
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  const m = DATETIME_TEXT.exec(text);
  if (!m) return Number.NaN;
  let offset = (m[3] ?? 'Z').toUpperCase();
  if (offset.length === 5) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`; // +0800 → +08:00
  const ms = Date.parse(`${m[1]}T${m[2]}${offset}`);
  return Number.isNaN(ms) ? Number.NaN : Math.floor(ms / MS_PER_DAY);
}
