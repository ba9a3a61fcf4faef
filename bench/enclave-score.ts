// `npm run bench:enclave-score`: the enclave's scoring compute (`EnclaveScorer.score`) per model kind,
// in process: µs per entity for a large batch and µs per call for a call of a few entities.
import { parseArgs } from 'node:util';
import type { DomainTable } from '../enclave-worker/data/columns.ts';
import { sourceLookup } from '../enclave-worker/enclave/rows.ts';
import { EnclaveScorer } from '../enclave-worker/enclave/score.ts';
import type { ScoreModelWire } from '../lab/infra/score-wire.ts';
import { fitFederated } from '../models/driver.ts';
import { type Encoding, encodeRows, planEncoding, type SourceStats } from '../models/encoding.ts';
import { defaultGbdtConfig } from '../models/gbdt-state.ts';
import { plainOps } from '../models/linalg.ts';
import { defaultLogisticConfig } from '../models/logistic-state.ts';
import { defaultMlpConfig } from '../models/mlp-config.ts';
import { strategyFor } from '../models/registry.ts';
import { defaultScorecardConfig } from '../models/scorecard-state.ts';
import { seededRandom } from '../models/testing/random.ts';
import * as tf from '../models/tf.ts';
import '@tensorflow/tfjs-backend-wasm';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    entities: { type: 'string', default: '40000' },
    batch: { type: 'string', default: '3333' },
    small: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '1.5' },
    kinds: { type: 'string', default: 'logistic,scorecard,mlp,gbdt' },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};
const batch = Number(values.batch);
const small = Number(values.small);
const budgetMs = Number(values.seconds) * 1000;

/** Number, boolean and date sources with their missing rate and a draw; two categories below. */
const numeric: { name: string; type: 'number' | 'boolean' | 'date'; missing: number; draw: () => number }[] =
  [];
const rng = seededRandom(2026);
const poisson = (lambda: number) => {
  let k = 0;
  for (let p = rng.uniform(); p > Math.exp(-lambda); p *= rng.uniform()) k++;
  return k;
};
numeric.push(
  { name: 'tax.annual_tax_paid', type: 'number', missing: 0.08, draw: () => Math.exp(11 + rng.normal()) },
  { name: 'tax.overdue_days', type: 'number', missing: 0.02, draw: () => poisson(1.5) * 7 },
  { name: 'tax.invoice_growth', type: 'number', missing: 0.1, draw: () => 0.3 * rng.normal() },
  { name: 'court.cases', type: 'number', missing: 0, draw: () => poisson(0.3) },
  { name: 'court.enforced', type: 'boolean', missing: 0, draw: () => (rng.uniform() < 0.05 ? 1 : 0) },
  { name: 'reg.capital', type: 'number', missing: 0.01, draw: () => Math.exp(14 + 1.5 * rng.normal()) },
  {
    name: 'reg.established',
    type: 'date',
    missing: 0.01,
    draw: () => 10_000 + Math.floor(9000 * rng.uniform()),
  },
  {
    name: 'reg.employees',
    type: 'number',
    missing: 0.05,
    draw: () => Math.round(Math.exp(3 + rng.normal())),
  },
  { name: 'customs.export_value', type: 'number', missing: 0.4, draw: () => Math.exp(12 + 2 * rng.normal()) },
  { name: 'social.insured_staff', type: 'number', missing: 0.1, draw: () => poisson(20) },
  { name: 'social.arrears', type: 'boolean', missing: 0.1, draw: () => (rng.uniform() < 0.08 ? 1 : 0) },
  { name: 'ip.patents', type: 'number', missing: 0, draw: () => poisson(0.8) },
  { name: 'credit.utilisation', type: 'number', missing: 0.15, draw: () => rng.uniform() },
  { name: 'credit.past_due', type: 'number', missing: 0.15, draw: () => poisson(0.4) },
);
const categories = [
  { name: 'tax.tax_grade', values: ['A', 'B', 'C', 'D', 'M'], missing: 0.05 },
  { name: 'reg.industry', values: ['C13', 'C26', 'E47', 'F51', 'G52', 'K70', 'L72'], missing: 0 },
];

/** A domain table of `n` entities, with every source above. */
function buildTable(n: number): DomainTable {
  const entities = Array.from({ length: n }, (_, i) => `E${String(i).padStart(8, '0')}`);
  const table: DomainTable = {
    entities,
    index: new Map(entities.map((e, i) => [e, i])),
    columns: new Map(),
    invalidKeys: 0,
    duplicateKeys: 0,
  };
  for (const s of numeric) {
    const v = Float64Array.from({ length: n }, () => (rng.uniform() < s.missing ? Number.NaN : s.draw()));
    table.columns.set(s.name, { name: s.name, type: s.type, values: v });
  }
  for (const c of categories) {
    const codes = Int32Array.from({ length: n }, () =>
      rng.uniform() < c.missing ? -1 : Math.floor(c.values.length * rng.uniform() ** 1.5),
    );
    table.columns.set(c.name, { name: c.name, type: 'category', codes, dictionary: [...c.values] });
  }
  return table;
}

const table = buildTable(Number(values.entities));
const stats: SourceStats[] = [
  ...numeric.map((s) => ({ name: s.name, type: s.type, mayBeMissing: s.missing > 0 })),
  ...categories.map((c) => ({
    name: c.name,
    type: 'category' as const,
    mayBeMissing: c.missing > 0,
    categories: c.values.map((value, k) => ({ value, count: 10_000 >> k })),
  })),
];
const encoding: Encoding = planEncoding(stats, { missingIndicators: true, minCategoryCount: 100 });
const d = encoding.inputs.length;

/** Training rows: the first 8,000 entities, labels from a risk index of a few inputs. */
const trainN = 8000;
const trainX = encodeRows(
  encoding,
  trainN,
  sourceLookup(
    table,
    Int32Array.from({ length: trainN }, (_, i) => i),
    new Map(),
  ),
);
const col = (name: string) => encoding.inputs.findIndex((i) => i.kind !== 'missing' && i.source === name);
const risk = [
  [col('court.cases'), 0.6],
  [col('tax.overdue_days'), 0.04],
  [col('credit.utilisation'), 1.5],
  [col('credit.past_due'), 0.5],
  [col('court.enforced'), 1.2],
  [col('ip.patents'), -0.3],
] as const;
const trainY = Float64Array.from({ length: trainN }, (_, i) => {
  let eta = -2.8;
  for (const [j, w] of risk) {
    const v = trainX[i * d + j]!;
    if (!Number.isNaN(v)) eta += w * v;
  }
  return rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
});
const rows = { x: trainX, y: trainY, n: trainN, d };

// The host picks the TF.js backend (the MLP needs one): wasm as in the enclave, else cpu.
if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
await tf.ready();

const configs = {
  logistic: defaultLogisticConfig,
  scorecard: defaultScorecardConfig,
  gbdt: { ...defaultGbdtConfig, trees: 60, maxDepth: 4 },
  mlp: { ...defaultMlpConfig, maxRounds: 3 },
} as const;

/** Median µs of `fn` over repeats within the time budget (at least 3 after a warm-up). */
function medianUs(fn: () => void): number {
  fn();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 || (performance.now() - started < budgetMs && times.length < 2001)) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) * 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

say(`table: ${table.entities.length} entities, ${d} inputs; backend ${tf.getBackend()}`);
const results: Record<string, { inputs: number; usPerEntity: number; usPerSmallCall: number }> = {};
let callId = 0;
const kinds = values.kinds.split(',') as (keyof typeof configs)[];
for (const kind of kinds) {
  const { model: parameters } = fitFederated(strategyFor(kind), configs[kind], [rows], plainOps);
  const model: ScoreModelWire = { id: `mdl_${kind}`, kind, encoding, bankFeatures: [], parameters };
  const scorer = new EnclaveScorer('uscc');
  scorer.score(table, {
    type: 'score',
    id: callId++,
    modelId: model.id,
    model,
    entities: [table.entities[0]!],
  });
  // Calls on entities the model did not train on.
  const call = (from: number, size: number) => {
    const entities = table.entities.slice(trainN + from, trainN + from + size);
    return () => {
      scorer.score(table, { type: 'score', id: callId++, modelId: model.id, entities });
    };
  };
  const large = call(0, batch);
  const usPerEntity = medianUs(large) / batch;
  const smallCall = call(batch, small);
  const usPerSmallCall = medianUs(smallCall);
  results[kind] = {
    inputs: d,
    usPerEntity: Math.round(usPerEntity * 1000) / 1000,
    usPerSmallCall: Math.round(usPerSmallCall * 10) / 10,
  };
  say(
    `${kind.padEnd(9)} ${usPerEntity.toFixed(3).padStart(9)} µs/entity (batch ${batch})` +
      `   ${usPerSmallCall.toFixed(1).padStart(8)} µs/call (${small} entities)`,
  );
}
if (values.json) console.log(JSON.stringify({ batch, small, inputs: d, backend: tf.getBackend(), results }));
