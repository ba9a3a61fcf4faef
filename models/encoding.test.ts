import { describe, expect, it } from 'vitest';
import { encodeRows, inputName, planEncoding, sourceReasons } from './encoding.ts';

describe('planEncoding', () => {
  it('keeps frequent categories, adds other and missing indicators', () => {
    const enc = planEncoding(
      [
        {
          name: 't.grade',
          type: 'category',
          mayBeMissing: true,
          categories: [
            { value: 'B', count: 60 },
            { value: 'A', count: 90 },
            { value: 'D', count: 10 },
          ],
        },
        { name: 't.paid', type: 'number', mayBeMissing: false },
        { name: 'q.hi', type: 'boolean', mayBeMissing: true },
      ],
      { missingIndicators: true, minCategoryCount: 50 },
    );
    expect(enc.inputs.map(inputName)).toEqual([
      't.grade=A',
      't.grade=B',
      't.grade=other',
      't.grade#missing',
      't.paid',
      'q.hi',
      'q.hi#missing',
    ]);
    const noInd = planEncoding([{ name: 'q.hi', type: 'boolean', mayBeMissing: true }], {
      missingIndicators: false,
      minCategoryCount: 1,
    });
    expect(noInd.inputs.map(inputName)).toEqual(['q.hi']);
  });
});

describe('encodeRows', () => {
  const enc = planEncoding(
    [
      {
        name: 't.grade',
        type: 'category',
        mayBeMissing: true,
        categories: [
          { value: 'A', count: 90 },
          { value: 'B', count: 60 },
        ],
      },
      { name: 't.paid', type: 'number', mayBeMissing: true },
      { name: 'c.value', type: 'number', mayBeMissing: true },
    ],
    { missingIndicators: true, minCategoryCount: 50 },
  );
  const columns = new Map([
    [
      't.grade',
      { type: 'category' as const, codes: Int32Array.from([0, 1, 2, -1]), dictionary: ['B', 'D', 'A'] },
    ],
    ['t.paid', { type: 'number' as const, values: Float64Array.from([1.5, Number.NaN, 3, 4]) }],
  ]);

  it('one-hot, other, indicators, absent sources and absent entities', () => {
    // inputs: grade=A, grade=B, grade=other, grade#missing, paid, paid#missing, c.value, c.value#missing
    const rows = Int32Array.from([0, 1, 2, 3, -1]);
    const x = encodeRows(enc, 5, (s) => {
      const column = columns.get(s);
      return column ? { column, rows } : undefined;
    });
    const out = Array.from({ length: 5 }, (_, i) => Array.from(x.subarray(i * 8, i * 8 + 8)));
    expect(out[0]).toEqual([0, 1, 0, 0, 1.5, 0, Number.NaN, 1]); // B
    expect(out[1]).toEqual([0, 0, 1, 0, Number.NaN, 1, Number.NaN, 1]); // D → other
    expect(out[2]).toEqual([1, 0, 0, 0, 3, 0, Number.NaN, 1]); // A
    expect(out[3]).toEqual([0, 0, 0, 1, 4, 0, Number.NaN, 1]); // grade missing
    expect(out[4]).toEqual([0, 0, 0, 1, Number.NaN, 1, Number.NaN, 1]); // entity not held
  });

  it('maps encoded inputs back to source names for reason codes', () => {
    expect(sourceReasons(['t.grade=other', 't.paid#missing', 't.grade=A', 'c.value'])).toEqual([
      't.grade',
      't.paid',
      'c.value',
    ]);
  });
});
