// Deliberate data-quality defects in the department files, so a data-quality report has work to do.
//
// The defects are on purpose, not bugs: real department extracts carry a few values outside their
// declared ranges (sign slips, percentages typed as ratios), mistyped entity ids (a wrong check
// character) and rows exported twice. They touch department files only; the bank's labels and
// authorisations always carry the firm's valid id.
import { USCC_CHARSET } from '../../client-sdk/contract/uscc.ts';
import type { Column, ValueRange } from './columns.ts';
import type { Rng } from './prng.ts';

/** Share of ranged numeric values replaced by an out-of-range value (drawn once per row). */
export const OUT_OF_RANGE_RATE = 0.001;
/** Share of department rows whose entity id has a wrong check character. */
export const BAD_ID_RATE = 0.002;
/** Share of department rows written twice. */
export const DUPLICATE_RATE = 0.001;

/**
 * Whether a numeric value lies outside the declared range.
 *
 * @example
 * outsideRange(-1, { min: 0 }); // true
 */
export function outsideRange(value: number, range: ValueRange): boolean {
  return (range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max);
}

/** An out-of-range value formatted with the template cell's decimals: below min or above max. */
function outOfRange(rng: Rng, range: ValueRange, template: string): string {
  const dot = template.indexOf('.');
  const decimals = dot < 0 ? 0 : template.length - dot - 1;
  const above = range.max !== undefined && (range.min === undefined || rng.chance(0.5));
  const value = above
    ? range.max! + 1 + rng.next() * Math.max(10, range.max!)
    : (range.min ?? 0) - 1 - rng.next() * 9;
  return value.toFixed(decimals);
}

/**
 * The id with its check character (position 18) replaced by another valid-looking character.
 *
 * @example
 * wrongCheckChar(rng, '91350100M000100Y43'); // e.g. '91350100M000100Y4K'
 */
export function wrongCheckChar(rng: Rng, id: string): string {
  const k = USCC_CHARSET.indexOf(id[17]!);
  const other =
    USCC_CHARSET[(k + 1 + Math.floor(rng.next() * (USCC_CHARSET.length - 1))) % USCC_CHARSET.length]!;
  return id.slice(0, 17) + other;
}

// Indices of each column list's ranged number columns, computed once per dataset.
const rangedCache = new WeakMap<readonly Column[], number[]>();

function rangedColumns(columns: readonly Column[]): number[] {
  let ranged = rangedCache.get(columns);
  if (!ranged) {
    ranged = columns.flatMap((c, i) => (c.type === 'number' && c.range ? [i] : []));
    rangedCache.set(columns, ranged);
  }
  return ranged;
}

/**
 * Writes the CSV line(s) for one department row to `out`, with defects injected at the rates above:
 * usually one line keyed by `id`; rarely a ranged cell pushed out of its range, the key mistyped, or
 * the line written twice in a row. `cells` follow `columns` and may be modified.
 *
 * @example
 * writeRow(rng, file, firm.id, cells, dataset.columns); // file gets '9111…,3.2,…'
 */
export function writeRow(
  rng: Rng,
  out: { line(text: string): void },
  id: string,
  cells: string[],
  columns: readonly Column[],
): void {
  const ranged = rangedColumns(columns);
  if (ranged.length > 0 && rng.chance(OUT_OF_RANGE_RATE * ranged.length)) {
    const i = ranged[Math.floor(rng.next() * ranged.length)]!;
    cells[i] = outOfRange(rng, columns[i]!.range!, cells[i]!);
  }
  const key = rng.chance(BAD_ID_RATE) ? wrongCheckChar(rng, id) : id;
  const line = `${key},${cells.join(',')}`;
  out.line(line);
  if (rng.chance(DUPLICATE_RATE)) out.line(line);
}
