// Growable typed-array columns that parse CSV cells in place while a domain table is being loaded.
import { parseBoolean, parseDate, parseNumber, trimRange } from './cell-parse.ts';
import type { Column } from './columns.ts';
import type { ColumnType } from './manifest.ts';

const trimmed = new Int32Array(1);

/**
 * One column under construction. Rows are written by index (the table's entity row), so an entity a
 * dataset never mentions keeps the missing marker the array was filled with.
 *
 * @example
 * const b = new ColumnBuilder('tax.annual_tax_paid', 'number', 1024);
 * b.write(0, Buffer.from('12.5'), 0, 4); b.finish(1); // { …, values: Float64Array [12.5] }
 */
export class ColumnBuilder {
  readonly name: string;
  readonly type: ColumnType;
  /** Non-blank cells that did not parse as the column's type (they load as missing). */
  unparsable = 0;
  private values: Float64Array;
  private codes: Int32Array;
  private readonly dictionary: string[] = [];
  private readonly lookup = new Map<string, number>();

  constructor(name: string, type: ColumnType, capacity: number) {
    this.name = name;
    this.type = type;
    this.values = type === 'category' ? new Float64Array(0) : new Float64Array(capacity).fill(Number.NaN);
    this.codes = type === 'category' ? new Int32Array(capacity).fill(-1) : new Int32Array(0);
  }

  /** Grows the backing array to `capacity` rows, the new tail missing. */
  grow(capacity: number): void {
    if (this.type === 'category') {
      const codes = new Int32Array(capacity).fill(-1, this.codes.length);
      codes.set(this.codes);
      this.codes = codes;
    } else {
      const values = new Float64Array(capacity).fill(Number.NaN, this.values.length);
      values.set(this.values);
      this.values = values;
    }
  }

  /** Parses `buf[start, end)` into row `r`; blank cells stay missing. */
  write(r: number, buf: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.type === 'number') {
      // Fast path for the common clean number; spaces, blanks and junk take the slow path below.
      const v = parseNumber(buf, start, end);
      if (!Number.isNaN(v)) {
        this.values[r] = v;
        return;
      }
    }
    this.writeTrimmed(r, buf, start, end);
  }

  private writeTrimmed(r: number, buf: Buffer, start: number, end: number): void {
    const s = trimRange(buf, start, end, trimmed);
    const e = trimmed[0]!;
    if (s === e) return;
    if (this.type === 'category') {
      const text = buf.toString('utf8', s, e);
      let code = this.lookup.get(text);
      if (code === undefined) {
        code = this.dictionary.length;
        this.dictionary.push(text);
        this.lookup.set(text, code);
      }
      this.codes[r] = code;
      return;
    }
    const v =
      this.type === 'number'
        ? parseNumber(buf, s, e)
        : this.type === 'boolean'
          ? parseBoolean(buf, s, e)
          : parseDate(buf, s, e);
    if (Number.isNaN(v)) this.unparsable++;
    this.values[r] = v;
  }

  /** The finished column of exactly `rows` rows. */
  finish(rows: number): Column {
    const capacity = this.type === 'category' ? this.codes.length : this.values.length;
    if (capacity < rows) this.grow(rows);
    if (this.type === 'category') {
      return {
        name: this.name,
        type: 'category',
        codes: trimCapacity(this.codes, rows),
        dictionary: this.dictionary,
      };
    }
    return { name: this.name, type: this.type, values: trimCapacity(this.values, rows) };
  }
}

/** Cuts spare capacity: a view when under a quarter is spare (no copy of hundreds of MiB at the peak). */
function trimCapacity<T extends Float64Array | Int32Array>(a: T, rows: number): T {
  if (a.length === rows) return a;
  return (a.length <= rows * 1.25 ? a.subarray(0, rows) : a.slice(0, rows)) as T;
}
