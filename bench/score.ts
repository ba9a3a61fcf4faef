// `npm run bench:score`: scoring through the whole lab on loopback — single-entity requests at a
// fixed concurrency, the same HTTP stack with a bare handler as the ceiling, and batch scoring.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LabClient } from '../client-sdk/client.ts';
import type { Model } from '../client-sdk/contract/resources.ts';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { approveWith } from '../scripts/lib/approval.ts';
import { dropPrefix, ensureRedis } from '../scripts/lib/redis.ts';
import { waitForDomains } from '../scripts/lib/scenario.ts';
import { startStack } from '../scripts/lib/stack.ts';
import { readAuthorizations, readLabels } from '../scripts/lib/world-files.ts';
import { generateWorld, type WorldSummary } from '../scripts/synth/index.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    batch: { type: 'string', default: '100000' },
    json: { type: 'boolean', default: false },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};
const here = path.dirname(fileURLToPath(import.meta.url));

/** Sends `next()`'s requests from `concurrency` loops for `seconds`; request rate and latency quantiles. */
async function load(concurrency: number, seconds: number, send: () => Promise<number>) {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        if ((await send()) !== 200) errors++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { rps: latencies.length / seconds, p50Ms: q(0.5), p99Ms: q(0.99), errors };
}

/** The ceiling: the same HTTP stack (@hono/node-server) answering a fixed score, in its own process. */
async function startCeiling(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'score-ceiling.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
  return { url: String(JSON.parse(line).listening), child };
}

/** A logistic model on the platform's features only, so a score needs nothing but the enterprise's id. */
async function trainPlatformModel(
  url: string,
  keys: { operator: string; operator2: string; scientist: string },
  worldDir: string,
  world: WorldSummary,
): Promise<Model> {
  const [operator, operator2, scientist] = [keys.operator, keys.operator2, keys.scientist].map(
    (apiKey) => new LabClient({ baseUrl: url, apiKey }),
  ) as [LabClient, LabClient, LabClient];
  await waitForDomains(operator, world.domains.length);
  const bankDir = path.join(worldDir, 'banks', world.bank);
  await operator.authorizations.import(await readAuthorizations(path.join(bankDir, 'authorizations.csv')));
  const labelSet = await scientist.labelSets.upload({
    name: 'book',
    rows: await readLabels(path.join(bankDir, 'labels.csv')),
  });
  const submitted = await scientist.jobs.submit({
    name: 'bench-score',
    purpose: 'scoring benchmark',
    labels: { source: 'bank', labelSetId: labelSet.id },
    model: { kind: 'logistic', l2: 1 },
    features: [...new Set(world.domains.flatMap((d) => [...d.features, ...d.categoryFeatures]))],
  });
  await approveWith([operator, operator2], submitted.id, 'benchmark');
  const job = await scientist.jobs.wait(submitted.id, { timeoutMs: 5 * 60_000 });
  if (!job.modelId) throw new Error(`job ${job.id} ended ${job.status}: ${job.error}`);
  return scientist.models.get(job.modelId);
}

async function main() {
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const redis = await ensureRedis();
  const prefix = `bench-score-${randomBytes(4).toString('hex')}`;
  const worldDir = await mkdtemp(path.join(os.tmpdir(), 'jml-bench-score-'));
  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  let ceiling: ChildProcess | null = null;
  try {
    const world = await generateWorld({ out: worldDir, enterprises: 12_000, domains: 3, seed: 7 });
    const conn = connectRedis(redis.url);
    const mk = async (
      role: 'operator' | 'bank-scientist' | 'risk-system',
      tenant: string,
      rateLimit?: number,
    ) =>
      (
        await createApiKey(conn, labKeys(prefix), {
          role,
          tenant,
          name: 'bench',
          ...(rateLimit ? { rateLimit } : {}),
        })
      ).key;
    const keys = {
      operator: await mk('operator', 'platform'),
      operator2: await mk('operator', 'platform'),
      scientist: await mk('bank-scientist', world.bank),
      risk: await mk('risk-system', world.bank, 100_000_000),
    };
    conn.disconnect();
    stack = await startStack({
      redisUrl: redis.url,
      prefix,
      masterKey: randomBytes(32).toString('base64'),
      domainDirs: world.domains.map((d) => path.join(worldDir, 'domains', d.id)),
      showLogs: !values.json,
    });
    const model = await trainPlatformModel(stack.url, keys, worldDir, world);
    const now = Date.now();
    const grants = await readAuthorizations(path.join(worldDir, 'banks', world.bank, 'authorizations.csv'));
    const entities = grants
      .filter(
        (g) =>
          g.purposes.includes('scoring') && Date.parse(g.grantedAt) <= now && now < Date.parse(g.expiresAt),
      )
      .map((g) => g.entity);
    say(`model ${model.id}; ${entities.length} enterprises authorised for scoring`);
    const url = `${stack.url}/v1/models/${model.id}/score`;
    const headers = { authorization: `Bearer ${keys.risk}`, 'content-type': 'application/json' };
    let i = 0;
    const one = async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ entities: [entities[i++ % entities.length]] }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    await load(4, 2, one); // warm-up
    const single = await load(concurrency, seconds, one);
    say(
      `single: ${single.rps.toFixed(0)} req/s, p50 ${single.p50Ms.toFixed(1)} ms, p99 ${single.p99Ms.toFixed(1)} ms, ${single.errors} errors`,
    );

    const c = await startCeiling();
    ceiling = c.child;
    const bare = async () => {
      const res = await fetch(`${c.url}/score`, { method: 'POST', headers, body: '{"entities":["x"]}' });
      await res.arrayBuffer();
      return res.status;
    };
    const ceil = await load(concurrency, seconds, bare);
    say(`ceiling (bare Hono endpoint): ${ceil.rps.toFixed(0)} req/s`);

    const total = Number(values.batch);
    const started = performance.now();
    let scored = 0;
    for (let done = 0; done < total; done += 10_000) {
      const batch = Array.from(
        { length: Math.min(10_000, total - done) },
        (_, k) => entities[(done + k) % entities.length]!,
      );
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ entities: batch }) });
      const body = (await res.json()) as { results: { ok: boolean }[] };
      scored += body.results.filter((r) => r.ok).length;
    }
    const batchSeconds = (performance.now() - started) / 1000;
    const entitiesPerSec = total / batchSeconds;
    say(
      `batch: ${total} entities in ${batchSeconds.toFixed(2)} s (${entitiesPerSec.toFixed(0)} entities/s, ${scored} scored)`,
    );
    console.log(
      JSON.stringify({
        single: {
          rps: Math.round(single.rps),
          p50Ms: +single.p50Ms.toFixed(2),
          p99Ms: +single.p99Ms.toFixed(2),
          errors: single.errors,
        },
        ceiling: { rps: Math.round(ceil.rps) },
        batch: { entitiesPerSec: Math.round(entitiesPerSec), scored },
      }),
    );
  } finally {
    ceiling?.kill('SIGKILL');
    await stack?.stop();
    await dropPrefix(redis.url, prefix).catch(() => undefined);
    await redis.stop();
    await rm(worldDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('bench:score failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
