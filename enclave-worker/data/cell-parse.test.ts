// Tests of the byte-level cell parsers against JavaScript's own Number and Date.
import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseBoolean, parseDate, parseNumber, trimRange } from './cell-parse.ts';

const num = (s: string) => parseNumber(Buffer.from(s), 0, Buffer.byteLength(s));
const bool = (s: string) => parseBoolean(Buffer.from(s), 0, s.length);
const date = (s: string) => parseDate(Buffer.from(s), 0, s.length);

describe('parseNumber', () => {
  it('reads plain decimals exactly as Number() does', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 20_000; i++) {
      const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 12);
      for (const text of [v.toFixed(2), v.toFixed(6), String(Math.round(v)), String(v)]) {
        expect(num(text)).toBe(Number(text));
      }
    }
    expect(num('0.1')).toBe(0.1);
    expect(num('123456789012.345')).toBe(123456789012.345);
  });

  it('accepts signs, leading dots, trailing dots and exponents', () => {
    expect(num('+7')).toBe(7);
    expect(num('-0.5')).toBe(-0.5);
    expect(num('.25')).toBe(0.25);
    expect(num('5.')).toBe(5);
    expect(num('1e3')).toBe(1000);
    expect(num('-2.5E-3')).toBe(-0.0025);
    // Too many digits for the exact fast path: these go through Number() and must agree with it.
    expect(num('12345678901234567890')).toBe(Number('12345678901234567890'));
    expect(num('0.1234567890123456789012345')).toBe(Number('0.1234567890123456789012345'));
  });

  it('returns NaN for anything that is not a plain decimal', () => {
    for (const bad of [
      'abc',
      '-',
      '.',
      '1,234',
      '0x1A',
      'Infinity',
      'NaN',
      '1e',
      '1.2.3',
      '12abc',
      '1e999',
      '--1',
    ]) {
      expect(num(bad), bad).toBeNaN();
    }
  });
});

describe('trimRange', () => {
  it('drops spaces and tabs on both sides', () => {
    const out = new Int32Array(1);
    const buf = Buffer.from(' \t12 ');
    expect(trimRange(buf, 0, buf.length, out)).toBe(2);
    expect(out[0]).toBe(4);
    expect(trimRange(buf, 0, 2, out)).toBe(2);
    expect(out[0]).toBe(2);
  });
});

describe('parseBoolean', () => {
  it('reads true/false/yes/no/1/0 in any case', () => {
    expect(['true', 'TRUE', 'Yes', '1'].map(bool)).toEqual([1, 1, 1, 1]);
    expect(['false', 'False', 'NO', '0'].map(bool)).toEqual([0, 0, 0, 0]);
    for (const bad of ['t', 'f', 'yes!', '2', 'nope', 'truth']) expect(bool(bad), bad).toBeNaN();
  });
});

describe('daysFromCivil and parseDate', () => {
  it('agrees with Date.UTC for every day from 1900 to 2100', () => {
    for (let t = Date.UTC(1900, 0, 1); t <= Date.UTC(2100, 11, 31); t += 86_400_000) {
      const d = new Date(t);
      expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(t / 86_400_000);
    }
  });

  it('reads YYYY-MM-DD and rejects impossible dates', () => {
    expect(date('1970-01-01')).toBe(0);
    expect(date('2024-02-29')).toBe(19782);
    expect(date('1969-12-31')).toBe(-1);
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024/01/01',
      '24-01-01',
      'x',
    ]) {
      expect(date(bad), bad).toBeNaN();
    }
  });

  it('reads ISO date-times on the UTC day of their instant, as UTC when no offset is given', () => {
    expect(date('2024-03-01T00:00:00Z')).toBe(19783);
    expect(date('2024-03-01T23:59:59.999')).toBe(19783);
    expect(date('2024-03-01 12:00')).toBe(19783);
    expect(date('2024-03-01T01:00:00+08:00')).toBe(19782);
    expect(date('2024-03-01T20:00:00-0500')).toBe(19784);
    expect(date('2024-03-01Tnoon')).toBeNaN();
  });
});
