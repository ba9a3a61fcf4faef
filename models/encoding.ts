// Feature encoding shared by every strategy: source columns (numbers, booleans, dates, categories)
// become one numeric input matrix, with missing-value indicators and one-hot categories.

/**
 * One input of the encoded matrix.
 * - `value`: the source's number (booleans 0/1, dates as days since 1970); NaN when missing, so
 *   strategies impute it with a federated mean.
 * - `missing`: 1 when the source is missing, else 0 (lets a model price absence itself).
 * - `category`: 1 when the source equals `value`; `value: null` is the "other" bucket for categories
 *   seen in a domain but too rare across the federation to get their own input.
 *
 * @example
 * const input: EncodedInput = { kind: 'category', source: 'tax.tax_grade', value: 'A' };
 */
export type EncodedInput =
  | { kind: 'value'; source: string }
  | { kind: 'missing'; source: string }
  | { kind: 'category'; source: string; value: string | null };

/**
 * The frozen encoding of a job: decided once from federated catalog statistics, then used by every
 * domain for training and by every scorer for scoring.
 *
 * @example
 * const enc: Encoding = { inputs: [{ kind: 'value', source: 'tax.annual_tax_paid' }] };
 */
export interface Encoding {
  inputs: EncodedInput[];
}

/** A source column as an enclave holds it (structurally the data loader's columns). */
export type SourceColumn =
  | { type: 'number' | 'boolean' | 'date'; values: Float64Array }
  | { type: 'category'; codes: Int32Array; dictionary: string[] };

/**
 * The input's name, as models report it: `src`, `src#missing`, `src=value`, `src=other`.
 *
 * @example
 * inputName({ kind: 'missing', source: 'tax.annual_tax_paid' }); // 'tax.annual_tax_paid#missing'
 */
export function inputName(input: EncodedInput): string {
  if (input.kind === 'value') return input.source;
  if (input.kind === 'missing') return `${input.source}#missing`;
  return `${input.source}=${input.value ?? 'other'}`;
}

/**
 * What the planner knows of each source, from federated catalog statistics.
 *
 * @example
 * const s: SourceStats = { name: 'tax.tax_grade', type: 'category', mayBeMissing: true, categories: [{ value: 'A', count: 900 }] };
 */
export interface SourceStats {
  name: string;
  type: 'number' | 'boolean' | 'date' | 'category';
  /** True when any domain reports missing values for it, does not hold it, or did not publish a rate. */
  mayBeMissing: boolean;
  /** Category counts summed across domains (categories under each domain's k already suppressed). */
  categories?: { value: string; count: number }[];
}

/**
 * Plans the encoding: a category gets one input per value counted at least `minCategoryCount`
 * times across the federation (most frequent first) plus an "other" input; every other type gets
 * its value; sources that may be missing get an indicator when `missingIndicators` is on.
 *
 * @example
 * planEncoding([{ name: 'tax.paid', type: 'number', mayBeMissing: true }], { missingIndicators: true, minCategoryCount: 50 });
 * // { inputs: [{ kind: 'value', source: 'tax.paid' }, { kind: 'missing', source: 'tax.paid' }] }
 */
export function planEncoding(
  sources: readonly SourceStats[],
  opts: { missingIndicators: boolean; minCategoryCount: number },
): Encoding {
  const inputs: EncodedInput[] = [];
  for (const s of sources) {
    if (s.type === 'category') {
      const kept = (s.categories ?? [])
        .filter((c) => c.count >= opts.minCategoryCount)
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      for (const c of kept) inputs.push({ kind: 'category', source: s.name, value: c.value });
      inputs.push({ kind: 'category', source: s.name, value: null });
    } else {
      inputs.push({ kind: 'value', source: s.name });
    }
    if (opts.missingIndicators && s.mayBeMissing) inputs.push({ kind: 'missing', source: s.name });
  }
  return { inputs };
}

/**
 * A source as the encoder reads it: its column and, for each output row, the row of that column
 * (-1 when the entity has no row there: everything missing).
 */
export interface SourceRows {
  column: SourceColumn;
  rows: Int32Array;
}

/**
 * Encodes `n` rows into a row-major n × inputs matrix. A source the domain does not hold at all
 * (`lookup` returns undefined) is missing everywhere. Sources may be indexed differently (platform
 * columns by table row, bank-side columns by label row), hence the per-source row maps.
 *
 * @example
 * const x = encodeRows(enc, 3, (name) => ({ column: table.columns.get(name)!, rows: Int32Array.from([0, 5, -1]) }));
 */
export function encodeRows(
  encoding: Encoding,
  n: number,
  lookup: (source: string) => SourceRows | undefined,
): Float64Array {
  const d = encoding.inputs.length;
  const x = new Float64Array(n * d);
  encoding.inputs.forEach((input, j) => {
    fillInput(encoding, input, lookup(input.source), x, n, d, j);
  });
  return x;
}

/**
 * Writes input j's values into column j of the n × d matrix x. One loop per (input kind, column
 * type), so the row loop itself does not branch on them; a constant column stays as filled.
 */
function fillInput(
  encoding: Encoding,
  input: EncodedInput,
  src: SourceRows | undefined,
  x: Float64Array,
  n: number,
  d: number,
  j: number,
): void {
  // A missing source value: NaN for the value itself, 1 for its indicator, 0 for a category.
  const absent = input.kind === 'value' ? Number.NaN : input.kind === 'missing' ? 1 : 0;
  const col = src?.column;
  const rows = src?.rows;
  if (!col || !rows || (input.kind === 'value' && col.type === 'category')) {
    for (let i = 0; i < n; i++) x[i * d + j] = absent;
  } else if (col.type !== 'category') {
    const values = col.values;
    if (input.kind === 'value') {
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        x[i * d + j] = r < 0 ? absent : values[r]!;
      }
    } else if (input.kind === 'missing') {
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        x[i * d + j] = r < 0 || Number.isNaN(values[r]!) ? 1 : 0;
      }
    }
    // A category input of a numeric column is 0 throughout.
  } else if (input.kind === 'missing') {
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      x[i * d + j] = r < 0 || codes[r]! < 0 ? 1 : 0;
    }
  } else if (input.kind === 'category' && input.value !== null) {
    const codes = col.codes;
    const code = col.dictionary.indexOf(input.value);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      x[i * d + j] = r >= 0 && code >= 0 && codes[r] === code ? 1 : 0;
    }
  } else {
    const codes = col.codes;
    const known = knownCodes(encoding, input.source, col.dictionary);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const c = r < 0 ? -1 : codes[r]!;
      x[i * d + j] = c < 0 || known[c] === 1 ? 0 : 1;
    }
  }
}

/** 1 at the dictionary codes of the values that have their own input (so "other" is the rest). */
function knownCodes(encoding: Encoding, source: string, dictionary: string[]): Uint8Array {
  const out = new Uint8Array(dictionary.length);
  for (const i of encoding.inputs) {
    if (i.kind === 'category' && i.source === source && i.value !== null) {
      const c = dictionary.indexOf(i.value);
      if (c >= 0) out[c] = 1;
    }
  }
  return out;
}

/**
 * Reason codes speak of sources, not of encoded inputs: `tax.tax_grade=C` → `tax.tax_grade`.
 * Each source once, in first-seen order; with `unique: false`, one source per input.
 *
 * @example
 * sourceReasons(['tax.tax_grade=C', 'tax.paid#missing', 'tax.tax_grade=other']); // ['tax.tax_grade', 'tax.paid']
 * sourceReasons(['tax.tax_grade=C', 'tax.tax_grade=other'], { unique: false }); // ['tax.tax_grade', 'tax.tax_grade']
 */
export function sourceReasons(inputNames: readonly string[], opts: { unique?: boolean } = {}): string[] {
  const sources = inputNames.map((n) => n.replace(/(#missing|=.*)$/, ''));
  return opts.unique === false ? sources : [...new Set(sources)];
}
