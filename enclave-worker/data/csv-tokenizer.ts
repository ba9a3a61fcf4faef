// A byte-level, streaming RFC-4180 CSV tokenizer that hands out rows as byte ranges (no per-cell strings).

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

// Scanner states, small integers so the hot loop compares numbers.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // saw `"` inside a quoted cell: either `""` (an escape) or the closing quote
const AFTER_CLOSE = 4; // past the closing quote; stray bytes up to the delimiter are ignored (lenient)

/**
 * One parsed row, reused between calls (copy what you keep). Cell `i` is `buf[starts[i], ends[i])`,
 * already unquoted and unescaped; `line` is the 1-based physical line the record starts on.
 *
 * @example
 * const firstCell = row.buf.toString('utf8', row.starts[0]!, row.ends[0]!);
 */
export interface CsvRow {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
  line: number;
}

/**
 * Push-style tokenizer: feed chunks in order, then call `end()`. Each row goes to `onRow` as soon as
 * it is complete; a row split across chunks is carried into the next one and scanning resumes where
 * it stopped. Handles `\n`, `\r\n` and bare `\r` line ends, a last line without a newline, a UTF-8
 * BOM, blank lines (skipped) and double-quoted cells with commas, newlines and `""` inside.
 *
 * @example
 * const t = new CsvTokenizer((row) => console.log(row.count));
 * t.push(Buffer.from('a,"b,c"\r\n1,2')); t.end(); // logs 2, then 2
 */
export class CsvTokenizer {
  private readonly row: CsvRow;
  private readonly onRow: (row: CsvRow) => void;
  private escaped = new Uint8Array(64); // per cell: holds `""` pairs to collapse at emit time
  private anyEscaped = false;
  private carry: Buffer | null = null;
  private pos = 0; // where scanning resumes in the carried row
  private state = FIELD_START;
  private cellStart = 0;
  private cellEnd = 0;
  private pendingCr = false; // the previous chunk ended on `\r`: a leading `\n` belongs to it
  private line = 1;
  private first = true;

  constructor(onRow: (row: CsvRow) => void) {
    this.onRow = onRow;
    this.row = {
      buf: Buffer.alloc(0),
      starts: new Int32Array(64),
      ends: new Int32Array(64),
      count: 0,
      line: 1,
    };
  }

  /** Feeds the next chunk of the file. */
  push(chunk: Buffer): void {
    let buf = chunk;
    let i = 0;
    let rowStart = 0;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      i = this.pos; // the carried row starts at 0; resume scanning where the last chunk stopped
      this.carry = null;
    } else {
      if (this.first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // UTF-8 BOM
      if (this.pendingCr && chunk[i] === LF) i++;
      rowStart = i;
    }
    this.pendingCr = false;
    this.first = false;
    const row = this.row;
    row.buf = buf;
    let state = this.state;
    const n = buf.length;
    scan: for (; i < n; i++) {
      let b = buf[i]!;
      if (state === FIELD_START) {
        if (b === QUOTE) {
          state = QUOTED;
          this.cellStart = i + 1;
          continue;
        }
        state = UNQUOTED;
        this.cellStart = i;
      }
      if (state === UNQUOTED) {
        // The hot path: most cells are short and unquoted, so run to the delimiter in a tight loop.
        while (b !== COMMA && b !== LF && b !== CR) {
          if (++i === n) break scan;
          b = buf[i]!;
        }
        state = FIELD_START;
        if (b === COMMA) {
          this.cell(this.cellStart, i);
          continue;
        }
        // `a,` ends in an empty cell, but a bare line end is a blank line, not a row of one empty cell.
        if (row.count > 0 || i > this.cellStart) this.cell(this.cellStart, i);
        i = this.endRow(buf, b, i);
        rowStart = i + 1;
      } else if (state === QUOTED) {
        if (b === QUOTE) {
          state = QUOTE_IN_QUOTED;
          this.cellEnd = i;
        } else if (b === LF) this.line++;
      } else if (state === QUOTE_IN_QUOTED && b === QUOTE) {
        state = QUOTED;
        this.markEscaped();
      } else if (b === COMMA) {
        this.cell(this.cellStart, this.cellEnd);
        state = FIELD_START;
      } else if (b === LF || b === CR) {
        this.cell(this.cellStart, this.cellEnd);
        state = FIELD_START;
        i = this.endRow(buf, b, i);
        rowStart = i + 1;
      } else state = AFTER_CLOSE;
    }
    this.state = state;
    if (rowStart < n) this.keepTail(buf, rowStart);
  }

  /** Flushes a last row that has no line end. */
  end(): void {
    const row = this.row;
    if (this.carry) row.buf = this.carry;
    const n = row.buf.length;
    if (this.state === UNQUOTED || this.state === QUOTED) this.cell(this.cellStart, n);
    else if (this.state !== FIELD_START) this.cell(this.cellStart, this.cellEnd);
    else if (row.count > 0) this.cell(n, n);
    if (row.count > 0) this.emit();
    this.carry = null;
    this.state = FIELD_START;
  }

  /** Flags the quoted cell being scanned as holding `""`. Flags are all clear outside `emit`. */
  private markEscaped(): void {
    if (this.row.count >= this.escaped.length) this.grow();
    this.escaped[this.row.count] = 1;
    this.anyEscaped = true;
  }

  private cell(start: number, end: number): void {
    const row = this.row;
    if (row.count >= row.starts.length) this.grow();
    row.starts[row.count] = start;
    row.ends[row.count] = end;
    row.count++;
  }

  private grow(): void {
    const row = this.row;
    const size = row.starts.length * 2;
    const starts = new Int32Array(size);
    starts.set(row.starts);
    const ends = new Int32Array(size);
    ends.set(row.ends);
    const escaped = new Uint8Array(size);
    escaped.set(this.escaped);
    row.starts = starts;
    row.ends = ends;
    this.escaped = escaped;
  }

  /** Ends the row at line-end byte `b` (index `i`); returns the index of the last byte of the line end. */
  private endRow(buf: Buffer, b: number, i: number): number {
    if (this.row.count > 0) this.emit();
    this.line++;
    this.row.line = this.line;
    if (b !== CR) return i;
    if (i + 1 < buf.length) return buf[i + 1] === LF ? i + 1 : i;
    this.pendingCr = true; // decided by the next chunk's first byte
    return i;
  }

  private emit(): void {
    const row = this.row;
    // Collapse `""` in place only now that the row is complete: a carried row is resumed from its
    // recorded offsets, so its bytes must stay as read until then. Unescaping only ever shrinks a cell.
    for (let c = 0; this.anyEscaped && c < row.count; c++) {
      if (this.escaped[c] !== 1) continue;
      const buf = row.buf;
      let w = row.starts[c]!;
      const end = row.ends[c]!;
      for (let r = w; r < end; r++) {
        buf[w++] = buf[r]!;
        if (buf[r] === QUOTE) r++;
      }
      row.ends[c] = w;
      this.escaped[c] = 0;
    }
    this.anyEscaped = false;
    this.onRow(row);
    row.count = 0;
  }

  /** Keeps the unfinished row for the next chunk, rebasing every recorded offset onto it. */
  private keepTail(buf: Buffer, rowStart: number): void {
    const row = this.row;
    this.carry = buf.subarray(rowStart);
    this.pos = buf.length - rowStart;
    for (let c = 0; c < row.count; c++) {
      row.starts[c] = row.starts[c]! - rowStart;
      row.ends[c] = row.ends[c]! - rowStart;
    }
    this.cellStart -= rowStart;
    this.cellEnd -= rowStart;
  }
}
