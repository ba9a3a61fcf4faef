// Tests of the byte-level CSV tokenizer: quoting, line ends, chunk boundaries and line numbers.
import { describe, expect, it } from 'vitest';
import { rowStrings } from './csv-file.ts';
import { CsvTokenizer } from './csv-tokenizer.ts';

/** Tokenizes `text` cut into the given chunk sizes; returns the cells and start line of every row. */
function tokenize(text: string | Buffer, cut: (i: number) => number = () => Number.MAX_SAFE_INTEGER) {
  const rows: { cells: string[]; line: number }[] = [];
  const t = new CsvTokenizer((row) => {
    // rowStrings trims; compare raw cells here so spaces inside cells are checked too.
    const cells: string[] = [];
    for (let c = 0; c < row.count; c++) cells.push(row.buf.toString('utf8', row.starts[c]!, row.ends[c]!));
    rows.push({ cells, line: row.line });
  });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = Math.max(1, Math.min(cut(k), bytes.length - i));
    t.push(Buffer.from(bytes.subarray(i, i + n))); // a copy, as a stream would hand us
    i += n;
  }
  t.end();
  return rows;
}

const cells = (text: string, cut?: (i: number) => number) => tokenize(text, cut).map((r) => r.cells);

describe('CsvTokenizer', () => {
  it('splits plain rows on commas and newlines, keeping empty cells', () => {
    expect(cells('a,b,c\n1,,3\n,,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', '', ''],
    ]);
  });

  it('handles \\r\\n, bare \\r, a last line without newline and blank lines', () => {
    expect(cells('a,b\r\n1,2\r\n\r\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(cells('a,b\n1,')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
    expect(cells('')).toEqual([]);
    expect(cells('\n\n')).toEqual([]);
  });

  it('unquotes RFC-4180 cells with commas, doubled quotes and newlines inside', () => {
    const text = 'id,name,note\n1,"Acme, Ltd.","say ""hi"""\n2,"two\nlines",x\n3,"",""""\n';
    expect(cells(text)).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Acme, Ltd.', 'say "hi"'],
      ['2', 'two\nlines', 'x'],
      ['3', '', '"'],
    ]);
  });

  it('keeps a quote inside an unquoted cell literally and ignores bytes after a closing quote', () => {
    expect(cells('a"b,"c"x,d\n')).toEqual([['a"b', 'c', 'd']]);
  });

  it('takes an unterminated quoted cell to the end of the file', () => {
    expect(cells('a,"b,c\nd')).toEqual([['a', 'b,c\nd']]);
  });

  it('skips a UTF-8 byte-order mark and decodes multi-byte text', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('键,值\n北京,"上海,广州"\n')]);
    expect(tokenize(bom).map((r) => r.cells)).toEqual([
      ['键', '值'],
      ['北京', '上海,广州'],
    ]);
  });

  it('numbers rows by the physical line they start on', () => {
    const rows = tokenize('h1,h2\r\n1,"a\nb"\n\n2,x\r\n3,y');
    expect(rows.map((r) => [r.cells[0], r.line])).toEqual([
      ['h1', 1],
      ['1', 2],
      ['2', 5],
      ['3', 6],
    ]);
  });

  it('gives the same rows however the bytes are cut into chunks', () => {
    const text =
      'id,"na,me",v\r\n1,"x ""q"" y",2.5\r\n2,"multi\r\nline",\n\n3,plain,"" \r\n4,"end""",9\r\n5,last,1';
    const whole = tokenize(text);
    for (let size = 1; size <= text.length; size++) {
      expect(tokenize(text, () => size)).toEqual(whole);
    }
    // Irregular cuts too, from a fixed pseudo-random sequence.
    let s = 12345;
    const irregular = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return 1 + (s % 7);
    };
    for (let trial = 0; trial < 50; trial++) expect(tokenize(text, irregular)).toEqual(whole);
    expect(whole.map((r) => r.cells)).toEqual([
      ['id', 'na,me', 'v'],
      ['1', 'x "q" y', '2.5'],
      ['2', 'multi\r\nline', ''],
      ['3', 'plain', ''],
      ['4', 'end"', '9'],
      ['5', 'last', '1'],
    ]);
  });

  it('handles rows wider than its initial buffers, with an escaped quote far right', () => {
    const header = Array.from({ length: 150 }, (_, i) => `c${i}`);
    const row = header.map((_, i) => (i === 140 ? '"a""b"' : String(i)));
    const rows = cells(`${header.join(',')}\n${row.join(',')}\n`, () => 100);
    expect(rows[0]).toEqual(header);
    expect(rows[1]![140]).toBe('a"b');
    expect(rows[1]![149]).toBe('149');
    expect(rows[1]!.length).toBe(150);
  });

  it('rowStrings decodes and trims every cell (a quote after a space is literal, as in RFC 4180)', () => {
    let got: string[] = [];
    const t = new CsvTokenizer((row) => {
      got = rowStrings(row);
    });
    t.push(Buffer.from(' a ,"b", "c" '));
    t.end();
    expect(got).toEqual(['a', 'b', '"c"']);
  });
});
