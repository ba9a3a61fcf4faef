// Measures how much default signal a generated world carries: platform-only vs bank-only holdout AUC.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorldSummary } from './index.ts';
import { auc, fitLogistic } from './logit-fit.ts';

/**
 * Holdout AUCs of plain logistic regressions (mean-imputed, standardised, no transforms).
 * `platformAuc` uses every numeric/boolean feature any domain holds (a firm whose domain lacks a
 * dataset gets the mean); `commonAuc` only the features every domain holds.
 *
 * @example
 * const s = await measureSignal('/tmp/world'); // { platformAuc: 0.81, bankAuc: 0.7, … }
 */
export interface SignalReport {
  platformAuc: number;
  commonAuc: number;
  bankAuc: number;
  combinedAuc: number;
  trainRows: number;
  holdoutRows: number;
  holdoutPositives: number;
}

const BANK_COLUMNS = ['loan_amount', 'term_months', 'collateral', 'internal_rating', 'relationship_years'];

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** A CSV cell as a number: booleans as 1/0, blanks (and anything unparsable) as NaN. */
function cell(v: string | undefined): number {
  if (v === undefined || v === '') return Number.NaN;
  if (v === 'true') return 1;
  if (v === 'false') return 0;
  return Number(v);
}

/** Every feature some domain holds, in order of first appearance. */
function unionFeatures(world: WorldSummary): string[] {
  return [...new Set(world.domains.flatMap((d) => d.features))];
}

async function platformVectors(
  out: string,
  world: WorldSummary,
  features: readonly string[],
): Promise<Map<string, Float64Array>> {
  const byEntity = new Map<string, Float64Array>();
  for (const domain of world.domains) {
    for (const dataset of domain.datasets) {
      const { header, rows } = parseCsv(
        await readFile(path.join(out, 'domains', domain.id, 'data', `${dataset}.csv`), 'utf8'),
      );
      const slots = header.map((h) => features.indexOf(`${dataset}.${h}`));
      for (const r of rows) {
        let v = byEntity.get(r[0]!);
        if (!v) {
          v = new Float64Array(features.length).fill(Number.NaN);
          byEntity.set(r[0]!, v);
        }
        for (let c = 1; c < r.length; c++) if (slots[c]! >= 0) v[slots[c]!] = cell(r[c]);
      }
    }
  }
  return byEntity;
}

/** Standardises columns with training statistics and imputes missing as the (training) mean, i.e. 0. */
function prepare(raw: Float64Array[], train: boolean[], d: number): Float64Array {
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    let m = 0;
    raw.forEach((v, i) => {
      const x = v[j]!;
      if (!train[i] || Number.isNaN(x)) return;
      s += x;
      s2 += x * x;
      m++;
    });
    mean[j] = m > 0 ? s / m : 0;
    sd[j] = m > 1 ? Math.sqrt(Math.max(s2 / m - mean[j]! ** 2, 0)) || 1 : 1;
  }
  const x = new Float64Array(raw.length * d);
  raw.forEach((v, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = Number.isNaN(v[j]!) ? 0 : (v[j]! - mean[j]!) / sd[j]!;
  });
  return x;
}

function holdoutAuc(raw: Float64Array[], y: Float64Array, train: boolean[]): number {
  const d = raw[0]!.length;
  const x = prepare(raw, train, d);
  const tr = train.flatMap((t, i) => (t ? [i] : []));
  const te = train.flatMap((t, i) => (t ? [] : [i]));
  const xt = new Float64Array(tr.length * d);
  tr.forEach((i, r) => {
    xt.set(x.subarray(i * d, (i + 1) * d), r * d);
  });
  const w = fitLogistic(
    xt,
    Float64Array.from(tr, (i) => y[i]!),
    tr.length,
    d,
  );
  const scores = te.map((i) => {
    let z = w[0]!;
    for (let j = 0; j < d; j++) z += w[j + 1]! * x[i * d + j]!;
    return z;
  });
  return auc(
    scores,
    te.map((i) => y[i]!),
  );
}

/**
 * Reads a generated world and fits four plain logistic regressions on the bank's labels — platform
 * numeric/boolean features (all, and those common to every domain), bank-side features, all and
 * bank — training on 80% of label rows and scoring the 20% whose SHA-256(entity) is smallest (a
 * split anyone can reproduce without sharing row lists).
 *
 * @example
 * const { platformAuc, bankAuc } = await measureSignal('/tmp/world');
 */
export async function measureSignal(out: string): Promise<SignalReport> {
  const world = JSON.parse(await readFile(path.join(out, 'world.json'), 'utf8')) as WorldSummary;
  const features = unionFeatures(world);
  const platform = await platformVectors(out, world, features);
  const d = features.length;
  const labels = parseCsv(await readFile(path.join(out, 'banks', world.bank, 'labels.csv'), 'utf8'));
  const bankSlots = BANK_COLUMNS.map((c) => labels.header.indexOf(c));
  const labelSlot = labels.header.indexOf('label');

  const hashes = labels.rows.map((r) => createHash('sha256').update(r[0]!).digest('hex'));
  const cut = [...hashes].sort()[Math.floor(hashes.length * 0.2)]!;
  const train = hashes.map((h) => h >= cut);
  const y = Float64Array.from(labels.rows, (r) => cell(r[labelSlot]));
  const platformRaw = labels.rows.map((r) => platform.get(r[0]!) ?? new Float64Array(d).fill(Number.NaN));
  const bankRaw = labels.rows.map((r) => Float64Array.from(bankSlots, (s) => cell(r[s])));
  const bothRaw = platformRaw.map((p, i) => Float64Array.from([...p, ...bankRaw[i]!]));
  const commonSlots = world.commonFeatures.map((f) => features.indexOf(f));
  const commonRaw = platformRaw.map((p) => Float64Array.from(commonSlots, (j) => p[j]!));

  const holdout = train.filter((t) => !t).length;
  return {
    platformAuc: holdoutAuc(platformRaw, y, train),
    commonAuc: holdoutAuc(commonRaw, y, train),
    bankAuc: holdoutAuc(bankRaw, y, train),
    combinedAuc: holdoutAuc(bothRaw, y, train),
    trainRows: labels.rows.length - holdout,
    holdoutRows: holdout,
    holdoutPositives: train.reduce((s, t, i) => s + (t ? 0 : y[i]!), 0),
  };
}
