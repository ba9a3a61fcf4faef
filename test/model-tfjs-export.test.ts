// Weight downloads over real HTTP: a bank loads the served TF.js model and gets the lab's predictions.
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfjsModelJson } from '../client-sdk/contract/model-registry.ts';
import { fitFederated } from '../models/driver.ts';
import { plainOps } from '../models/linalg.ts';
import { defaultLogisticConfig, logisticRegression } from '../models/logistic-regression.ts';
import { defaultMlpConfig, type MlpModel, mlpStrategy } from '../models/mlp.ts';
import { interactionCredit } from '../models/mlp-fixtures.ts';
import type { LocalRows } from '../models/strategy.ts';
import { splitRows } from '../models/testing/synthetic.ts';
import * as tf from '../models/tf.ts';
import { type ApiFixture, apiFixture } from './helpers/api-fixture.ts';
import { auditEntries } from './helpers/audit-entries.ts';
import { storedModel } from './helpers/stored-model.ts';

await tf.setBackend('cpu');

const INPUTS = ['tax.paid', 'tax.staff', 'court.cases', 'court.fines', 'util.kwh', 'util.late'];
const [a, b, holdout] = splitRows(interactionCredit(2400, 17), [1000, 800, 600]) as [
  LocalRows,
  LocalRows,
  LocalRows,
];
const logistic = fitFederated(logisticRegression, defaultLogisticConfig, [a, b], plainOps).model;
const mlp = fitFederated(
  mlpStrategy,
  { ...defaultMlpConfig, hidden: [8, 4], maxRounds: 4, learningRate: 1e-2, batchSize: 64, seed: 3 },
  [a, b],
  plainOps,
).model;

/** The model as the registry stores it, with six encoded value inputs. */
const registered = (id: string, kind: 'logistic' | 'mlp' | 'scorecard', parameters: object) =>
  storedModel({
    tenant: 'bank-a',
    id,
    kind,
    parameters: parameters as Record<string, unknown>,
    inputs: INPUTS,
    encoding: { inputs: INPUTS.map((source) => ({ kind: 'value' as const, source })) },
  });

describe('model downloads', () => {
  let fx: ApiFixture;
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    fx = await apiFixture('registry-tfjs');
    await fx.ctx.models.put(registered('mdl_logistic', 'logistic', logistic));
    await fx.ctx.models.put(registered('mdl_mlp', 'mlp', mlp));
    await fx.ctx.models.put(registered('mdl_scorecard', 'scorecard', { kind: 'scorecard' }));
    server = serve({ fetch: fx.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await fx.close();
  });

  const get = (path: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${fx.keys.scientistA}` } });

  /** Loads the TF.js model from its two HTTP responses, through an in-memory IOHandler. */
  async function loadServed(id: string): Promise<{ net: tf.LayersModel; json: TfjsModelJson }> {
    const jsonRes = await get(`/v1/models/${id}/tfjs/model.json`);
    expect(jsonRes.headers.get('content-type')).toMatch(/^application\/json/);
    const json = TfjsModelJson.parse(await jsonRes.json());
    expect(json.weightsManifest.map((g) => g.paths)).toEqual([['weights.bin']]);
    const binRes = await get(`/v1/models/${id}/tfjs/weights.bin`);
    expect(binRes.headers.get('content-type')).toBe('application/octet-stream');
    const weightData = await binRes.arrayBuffer();
    const net = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData,
        format: json.format,
        userDefinedMetadata: json.userDefinedMetadata,
      }),
    );
    return { net, json };
  }

  function worstDifference(net: tf.LayersModel, rows: Float32Array, want: Float64Array): number {
    const out = net.predict(tf.tensor2d(rows, [holdout.n, holdout.d])) as tf.Tensor;
    const got = out.dataSync();
    out.dispose();
    expect(got.length).toBe(want.length);
    return Math.max(...want.map((w, i) => Math.abs(w - got[i]!)));
  }

  it('a logistic model loads as Dense(1, sigmoid) on raw encoded rows and predicts as the lab does', async () => {
    const { net, json } = await loadServed('mdl_logistic');
    expect(net.layers.map((l) => l.getClassName())).toEqual(['Dense']);
    expect(json.userDefinedMetadata).toMatchObject({
      modelId: 'mdl_logistic',
      version: 1,
      inputs: INPUTS,
      means: logistic.means,
    });
    const { x, d } = holdout;
    expect(x.some(Number.isNaN)).toBe(true);
    // Folded standardisation: raw encoded values, a missing one replaced by its mean.
    const rows = Float32Array.from(x, (v, i) => (Number.isNaN(v) ? logistic.means[i % d]! : v));
    const worst = worstDifference(net, rows, logisticRegression.predict(logistic, x, holdout.n));
    expect(worst).toBeLessThan(1e-6);
    net.dispose();
  });

  it('an MLP loads with its standardisation in the metadata and predicts as the lab does', async () => {
    const { net, json } = await loadServed('mdl_mlp');
    expect(net.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense', 'Activation']);
    const { means, stds } = json.userDefinedMetadata as { means: number[]; stds: number[] };
    expect([means, stds]).toEqual([mlp.means, mlp.stds]);
    const { x, d } = holdout;
    const rows = Float32Array.from(x, (v, i) => (Number.isNaN(v) ? 0 : (v - means[i % d]!) / stds[i % d]!));
    const worst = worstDifference(net, rows, mlpStrategy.predict(mlp as MlpModel, x, holdout.n));
    expect(worst).toBeLessThan(1e-6);
    net.dispose();
  });

  it('serves the float64 parameters as JSON with input names; scorecards have no TF.js model', async () => {
    const weights = await (await get('/v1/models/mdl_logistic/weights')).json();
    expect(weights).toEqual({
      modelId: 'mdl_logistic',
      kind: 'logistic',
      inputs: INPUTS,
      inputFormat: expect.stringContaining('missing value replaced by its training mean'),
      parameters: JSON.parse(JSON.stringify(logistic)),
    });
    const scorecard = await get('/v1/models/mdl_scorecard/tfjs/model.json');
    expect(scorecard.status).toBe(409);
    expect((await scorecard.json()).error.code).toBe('conflict');
    expect((await get('/v1/models/mdl_logistic/tfjs/other.bin')).status).toBe(404);
  });

  it('audits every download', async () => {
    const tfjs = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'model.tfjs.read');
    expect(tfjs.map((e) => [e.subject, e.details?.file])).toEqual([
      ['mdl_logistic', 'model.json'],
      ['mdl_logistic', 'weights.bin'],
      ['mdl_mlp', 'model.json'],
      ['mdl_mlp', 'weights.bin'],
    ]);
    const json = await auditEntries(fx.ctx.redis, fx.ctx.keys.prefix, 'model.weights.read');
    expect(json.map((e) => [e.subject, e.tenant, e.actor.split(':')[0]])).toEqual([
      ['mdl_logistic', 'bank-a', 'bank-scientist'],
    ]);
  });
});
