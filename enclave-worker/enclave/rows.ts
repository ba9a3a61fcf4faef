// Builds a job's training and holdout rows inside the enclave: join labels with the domain's
// columns, encode, split deterministically.
import { createHash } from 'node:crypto';
import type { ValidationSpec } from '../../client-sdk/contract/job-spec.ts';
import { type Encoding, encodeRows, type SourceColumn, type SourceRows } from '../../models/encoding.ts';
import type { LocalRows } from '../../models/strategy.ts';
import type { DomainTable } from '../data/columns.ts';
import type { ToEnclave } from '../protocol.ts';

type LoadMessage = Extract<ToEnclave, { type: 'load' }>;

/** Bank-side sources are named `bank.<column>`; everything else is a platform column. */
export const BANK_PREFIX = 'bank.';

/** A request the enclave refuses for good (bad input, policy): the broker must not retry it. */
export class EnclaveRefusal extends Error {}

/** Deterministic holdout membership: depends only on the split rule and the entity. */
export function inHoldout(validation: ValidationSpec, entity: string): boolean {
  if (validation.split === 'none') return false;
  if (validation.split === 'id-mod') {
    const id = Number(entity);
    if (!Number.isInteger(id)) throw new EnclaveRefusal(`id-mod split needs integer ids; got '${entity}'`);
    return id % validation.modulus === validation.remainder;
  }
  const h = createHash('sha256').update(`${validation.seed}:${entity}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < validation.holdoutFraction;
}

/** The platform sources a job's encoding (and label column) needs from this domain's table. */
export function platformSources(msg: LoadMessage): string[] {
  const names = new Set(msg.encoding.inputs.map((i) => i.source).filter((s) => !s.startsWith(BANK_PREFIX)));
  if (msg.labels.source === 'domain') names.add(msg.labels.column);
  return [...names];
}

/**
 * A lookup for `encodeRows`: platform columns through `tableRows`, bank columns in label order.
 *
 * @example
 * const x = encodeRows(enc, n, sourceLookup(table, tableRows, bankColumns));
 */
export function sourceLookup(
  table: DomainTable,
  tableRows: Int32Array,
  bank: ReadonlyMap<string, SourceColumn>,
): (source: string) => SourceRows | undefined {
  const identity = Int32Array.from(tableRows, (_, i) => i);
  return (source) => {
    if (source.startsWith(BANK_PREFIX)) {
      const column = bank.get(source.slice(BANK_PREFIX.length));
      return column ? { column, rows: identity } : undefined;
    }
    const column = table.columns.get(source) as SourceColumn | undefined;
    return column ? { column, rows: tableRows } : undefined;
  };
}

function split(entities: string[], x: Float64Array, y: Float64Array, d: number, validation: ValidationSpec) {
  const train: number[] = [];
  const hold: number[] = [];
  entities.forEach((e, i) => {
    (inHoldout(validation, e) ? hold : train).push(i);
  });
  const take = (keep: number[]): LocalRows => {
    const out = new Float64Array(keep.length * d);
    keep.forEach((r, i) => {
      out.set(x.subarray(r * d, (r + 1) * d), i * d);
    });
    return { x: out, y: Float64Array.from(keep, (r) => y[r]!), n: keep.length, d };
  };
  return { train: take(train), holdout: take(hold) };
}

/**
 * @example
 * const { train, holdout } = jobRows(msg, table);
 */
export function jobRows(msg: LoadMessage, table: DomainTable): { train: LocalRows; holdout: LocalRows } {
  const encoding: Encoding = msg.encoding;
  const d = encoding.inputs.length;
  let entities: string[];
  let tableRows: Int32Array;
  let labels: Float64Array;
  const bank = new Map<string, SourceColumn>();
  if (msg.labels.source === 'bank') {
    const l = msg.labels;
    const rowsOf = l.entities.map((e) => table.index.get(e) ?? -1);
    // Opaque ids reach every domain: keep only the ones this domain holds.
    const keep = l.entities.map((_, i) => i).filter((i) => l.entityKey === 'uscc' || rowsOf[i]! >= 0);
    entities = keep.map((i) => l.entities[i]!);
    tableRows = Int32Array.from(keep, (i) => rowsOf[i]!);
    labels = Float64Array.from(keep, (i) => l.labels[i]!);
    for (const f of msg.bankFeatures) {
      const values = l.bank[f];
      if (!values) throw new EnclaveRefusal(`bank-side feature ${f} missing from the label slice`);
      bank.set(f, { type: 'number', values: Float64Array.from(keep, (i) => values[i] ?? Number.NaN) });
    }
  } else {
    const col = table.columns.get(msg.labels.column);
    if (!col || col.type === 'category')
      throw new EnclaveRefusal(`label column ${msg.labels.column} is not a 0/1 column here`);
    const rows: number[] = [];
    col.values.forEach((v, r) => {
      if (v === 0 || v === 1) rows.push(r);
    });
    entities = rows.map((r) => table.entities[r]!);
    tableRows = Int32Array.from(rows);
    labels = Float64Array.from(rows, (r) => col.values[r]!);
  }
  const x = encodeRows(encoding, entities.length, sourceLookup(table, tableRows, bank));
  const { train, holdout } = split(entities, x, labels, d, msg.validation);
  if (train.n < msg.minCohort) {
    throw new EnclaveRefusal(`training cohort of ${train.n} rows is below the minimum ${msg.minCohort}`);
  }
  const positives = train.y.reduce((s, v) => s + v, 0);
  const smallest = Math.min(positives, train.n - positives);
  if (smallest < msg.minClassCohort) {
    // A class this small lets an aggregate single out its members (e.g. the one defaulter).
    throw new EnclaveRefusal(
      `training cohort has ${positives} positive and ${train.n - positives} negative rows; each class needs at least ${msg.minClassCohort}`,
    );
  }
  return { train, holdout };
}
