// Packing layout: where each field's digits sit in the slot space, and checks that two layouts agree.

import type { Update } from '../strategy.ts';
import { readDigits, writeDigits } from './digits.ts';
import { CkksError } from './errors.ts';
import { GRIDS, type GridKind, SLOT_COUNT } from './params.ts';

/**
 * One field's place in the packed slot space: element i's digit j sits at global slot
 * `offset + i·limbs + j` (global slot s is slot s mod slotCount of ciphertext ⌊s / slotCount⌋).
 *
 * @example
 * const f: FieldLayout = { field: 'grad', length: 42, offset: 0, grid: 'real', scaleExp: -56, limbs: 5 };
 */
export interface FieldLayout {
  field: string;
  length: number;
  offset: number;
  grid: GridKind;
  /** Weight exponent of the lowest digit (from the grid; recorded so the envelope is self-describing). */
  scaleExp: number;
  limbs: number;
}

/**
 * Lays out an update's fields in name order (so insertion order never makes layouts differ),
 * fields listed in `counts` on the integer grid, all others on the real grid.
 *
 * @example
 * planLayout({ n: [5], grad: [1, 2] }, []); // grad at 0 (10 slots), n at 10
 */
export function planLayout(update: Update, counts: readonly string[]): FieldLayout[] {
  for (const name of counts) {
    if (!Object.hasOwn(update, name))
      throw new CkksError(`ckks: counts names '${name}', which the update does not have`);
  }
  const layout: FieldLayout[] = [];
  let offset = 0;
  for (const field of Object.keys(update).sort()) {
    const values = update[field];
    if (!Array.isArray(values)) throw new CkksError(`ckks: update field '${field}' is not an array`);
    const grid = GRIDS[counts.includes(field) ? 'count' : 'real'];
    layout.push({
      field,
      length: values.length,
      offset,
      grid: grid.kind,
      scaleExp: grid.scaleExp,
      limbs: grid.limbs,
    });
    offset += values.length * grid.limbs;
  }
  return layout;
}

/**
 * Total slots the layout uses.
 *
 * @example
 * usedSlots(planLayout({ a: [1, 2] }, [])); // 10
 */
export function usedSlots(layout: readonly FieldLayout[]): number {
  const last = layout[layout.length - 1];
  return last ? last.offset + last.length * last.limbs : 0;
}

/**
 * Ciphertexts a layout fills: at least one, so even an empty update gets a fresh random
 * encryption (and a distinct source id).
 *
 * @example
 * ciphertextCount(planLayout({ a: new Array(500).fill(0) }, [])); // 2 (2500 slots)
 */
export function ciphertextCount(layout: readonly FieldLayout[]): number {
  return Math.max(1, Math.ceil(usedSlots(layout) / SLOT_COUNT));
}

/**
 * Digits of every value, in one array padded with zeros to whole ciphertexts.
 *
 * @example
 * const slots = packUpdate(update, layout); // slots.length % SLOT_COUNT === 0
 */
export function packUpdate(update: Update, layout: readonly FieldLayout[]): Float64Array {
  const slots = new Float64Array(ciphertextCount(layout) * SLOT_COUNT);
  for (const f of layout) {
    const values = update[f.field]!;
    const grid = GRIDS[f.grid];
    for (let i = 0; i < f.length; i++) {
      writeDigits(values[i]!, grid, slots, f.offset + i * f.limbs, `${f.field}[${i}]`);
    }
  }
  return slots;
}

/**
 * Reads an update back from rounded digit sums; padding slots must have stayed zero.
 *
 * @example
 * const update = unpackUpdate(roundDigitSums(slots, enc.sources.length), enc.layout);
 */
export function unpackUpdate(slots: Float64Array, layout: readonly FieldLayout[]): Update {
  const out: Update = {};
  for (const f of layout) {
    const values = new Array<number>(f.length);
    for (let i = 0; i < f.length; i++) values[i] = readDigits(slots, f.offset + i * f.limbs, GRIDS[f.grid]);
    out[f.field] = values;
  }
  for (let k = usedSlots(layout); k < slots.length; k++) {
    if (slots[k] !== 0)
      throw new CkksError(`ckks: padding slot ${k} decrypted to ${slots[k]}, not 0: data was altered`);
  }
  return out;
}

/**
 * Throws, naming the first difference, unless two layouts are identical.
 *
 * @example
 * assertSameLayout(a.layout, b.layout); // throws "field 'grad' has length 42 vs 41"
 */
export function assertSameLayout(a: readonly FieldLayout[], b: readonly FieldLayout[]): void {
  const names = (l: readonly FieldLayout[]) => l.map((f) => f.field).join(', ');
  if (a.length !== b.length || a.some((f, i) => f.field !== b[i]!.field)) {
    throw new CkksError(`ckks: layouts differ: fields [${names(a)}] vs [${names(b)}]`);
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (const key of ['length', 'offset', 'grid', 'scaleExp', 'limbs'] as const) {
      if (x[key] !== y[key])
        throw new CkksError(`ckks: layouts differ: field '${x.field}' has ${key} ${x[key]} vs ${y[key]}`);
    }
  }
}
