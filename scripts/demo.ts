// `npm run demo`: the whole lab end to end on one machine — a synthetic world, the lab, a
// coordinator, one broker per domain; a bank trains a joint model and a risk system scores.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { dropPrefix, ensureRedis, RedisUnavailableError } from './lib/redis.ts';
import { runScenario, type ScenarioKeys } from './lib/scenario.ts';
import { startStack } from './lib/stack.ts';
import { generateWorld } from './synth/index.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    enterprises: { type: 'string', default: '12000' },
    seed: { type: 'string', default: '7' },
  },
});
const say = (msg: string) => {
  if (!values.json) console.log(msg);
};

async function createKeys(redisUrl: string, prefix: string, bank: string): Promise<ScenarioKeys> {
  const redis = connectRedis(redisUrl);
  const keys = labKeys(prefix);
  try {
    const make = async (role: 'operator' | 'bank-scientist' | 'risk-system', tenant: string) =>
      (await createApiKey(redis, keys, { role, tenant, name: `demo ${role}` })).key;
    return {
      operator: await make('operator', 'platform'),
      operator2: await make('operator', 'platform'),
      scientist: await make('bank-scientist', bank),
      risk: await make('risk-system', bank),
    };
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  let redis: Awaited<ReturnType<typeof ensureRedis>>;
  try {
    redis = await ensureRedis();
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const prefix = `demo-${randomBytes(4).toString('hex')}`;
  const worldDir = await mkdtemp(path.join(os.tmpdir(), 'jml-world-'));
  const cleanups: (() => Promise<unknown>)[] = [
    () => rm(worldDir, { recursive: true, force: true }),
    () => dropPrefix(redis.url, prefix),
    () => redis.stop(),
  ];
  try {
    say(`Redis: ${redis.url} (key prefix ${prefix})`);
    const world = await generateWorld({
      out: worldDir,
      enterprises: Number(values.enterprises),
      domains: 3,
      seed: Number(values.seed),
    });
    say(
      `World: ${world.enterprises} enterprises in ${world.domains.map((d) => d.id).join(', ')}; ` +
        `${world.bank} loan book ${world.labels.rows} rows, ${world.labels.positives} defaults`,
    );
    const keys = await createKeys(redis.url, prefix, world.bank);
    const stack = await startStack({
      redisUrl: redis.url,
      prefix,
      masterKey: randomBytes(32).toString('base64'),
      domainDirs: world.domains.map((d) => path.join(worldDir, 'domains', d.id)),
      showLogs: !values.json,
    });
    cleanups.unshift(() => stack.stop());
    say(`Lab API at ${stack.url}; coordinator and ${world.domains.length} domain brokers running`);

    const result = await runScenario(stack.url, keys, worldDir, world, {
      onProgress: (p) =>
        say(
          `  round ${String(p.round).padStart(2)} ${p.phase.padEnd(7)} loss ${p.loss === null ? '—' : p.loss.toFixed(4)}  rows ${p.rows}  ${(p.elapsedMs / 1000).toFixed(1)} s`,
        ),
    });
    const { model, bankOnly, scored } = result;
    say(
      `Model ${model.id}: holdout AUC ${model.metrics.auc.toFixed(4)}, KS ${model.metrics.ks.toFixed(4)} ` +
        `(${model.metrics.rows} holdout rows, ${model.metrics.positives} defaults; backend ${model.backend})`,
    );
    say(
      `Bank-only model (the bank's own ${model.bankFeatures.length} features): holdout AUC ${bankOnly.metrics.auc.toFixed(4)} ` +
        `— the joint model adds ${(model.metrics.auc - bankOnly.metrics.auc).toFixed(4)} AUC`,
    );
    for (const r of scored.results) {
      say(
        r.ok
          ? `  ${r.entity}  PD ${(r.probability * 100).toFixed(2)}%  score ${r.score.toFixed(0)}  reasons: ${r.reasons.join(', ')}`
          : `  ${r.entity}  ${r.error}`,
      );
    }
    const scoredCount = scored.results.filter((r) => r.ok).length;
    if (values.serve) {
      console.log(JSON.stringify({ url: stack.url, keys, modelId: model.id, entities: result.entities }));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      return 0;
    }
    say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (values.json) {
      console.log(
        JSON.stringify({
          auc: model.metrics.auc,
          ks: model.metrics.ks,
          bankOnlyAuc: bankOnly.metrics.auc,
          domains: model.domains.length,
          aggregation: result.job.spec.aggregation,
          backend: model.backend,
          scored: scoredCount,
        }),
      );
    }
    return scoredCount === result.entities.length ? 0 : 1;
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('demo failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
