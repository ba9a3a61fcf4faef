// `npm run bench:score`: scoring through the whole lab on loopback — single-entity requests at a fixed
// concurrency from autocannon in its own process, the same load on a bare Hono handler, and batch scoring.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LabClient } from '../client-sdk/client.ts';
import type { Model } from '../client-sdk/contract/resources.ts';
import { SCORE_STAGES } from '../lab/api/metrics.ts';
import { connectRedis, labKeys } from '../lab/infra/redis.ts';
import { createApiKey } from '../lab/store/api-keys.ts';
import { approveWith } from '../scripts/lib/approval.ts';
import { histogramDelta, histogramQuantile, promHistogram, promSum } from '../scripts/lib/prom-text.ts';
import { dropPrefix, ensureRedis } from '../scripts/lib/redis.ts';
import { waitForDomains } from '../scripts/lib/scenario.ts';
import { startStack } from '../scripts/lib/stack.ts';
import { readAuthorizations, readLabels } from '../scripts/lib/world-files.ts';
import { generateWorld, type WorldSummary } from '../scripts/synth/index.ts';
import { cpuBetween, cpuSnapshot, ownCpuSeconds } from './cpu.ts';
import type { LoadConfig, LoadResult } from './score-load.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    batch: { type: 'string', default: '100000' },
    'batch-concurrency': { type: 'string', default: '2' },
    'api-workers': { type: 'string', default: '1' },
    // Optional: seconds of single-entity requests (at --mixed-concurrency) while 10,000-entity
    // batches run back to back — a risk system's online calls during a portfolio review.
    mixed: { type: 'string', default: '0' },
    'mixed-concurrency': { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const say = (m: string) => {
  if (!values.json) console.log(m);
};
const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs the load generator (score-load.ts) in its own process with `config`; its one JSON line. */
async function load(config: LoadConfig): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'score-load.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const line = new Promise<string | undefined>((r) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', r);
    lines.once('close', () => r(undefined));
  });
  child.stdin!.once('error', () => undefined); // a child that dies early is reported by its exit code
  child.stdin!.end(JSON.stringify(config));
  const [code, out] = await Promise.all([exited, line]);
  if (code !== 0 || !out) throw new Error(`load generator exited ${code}`);
  return JSON.parse(out) as LoadResult;
}

/** Keeps the batch client's connections open, as a risk system's client would. */
const batchAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * POSTs a JSON body and resolves with the answer's text (rejects unless 200), through node:http:
 * fetch's stream-based body reading costs several times the CPU for answers of megabytes.
 */
function postForText(url: string, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: batchAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`score request answered ${res.statusCode}: ${text.slice(0, 500)}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** How often `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * The scored results of one batch answer. `parse`: built as objects and checked one by one, as a
 * risk system would; otherwise counted in the text (`"ok":true` per scored entity, `"entity":` per
 * result), as wrk treats single answers — on this machine the client's CPU is the lab's CPU, and
 * a real risk system parses on its own hosts.
 */
function scoredIn(text: string, asked: number, parse: boolean): number {
  if (parse) {
    const { results } = JSON.parse(text) as { results: { entity: string; ok: boolean }[] };
    if (results.length !== asked) throw new Error(`a batch of ${asked} answered ${results.length} results`);
    return results.filter((r) => r.ok).length;
  }
  const results = occurrences(text, '"entity":');
  if (results !== asked) throw new Error(`a batch of ${asked} answered ${results} results`);
  return occurrences(text, '"ok":true');
}

/** Scores `total` entities in requests of `size`, `inFlight` at a time; how many scored and the wall seconds. */
async function scoreBatches(
  url: string,
  headers: Record<string, string>,
  entities: string[],
  opts: { total: number; size: number; inFlight: number; parse: boolean },
): Promise<{ scored: number; seconds: number; clientCpu: number }> {
  const starts = Array.from({ length: Math.ceil(opts.total / opts.size) }, (_, b) => b * opts.size);
  const started = performance.now();
  const cpuStart = ownCpuSeconds();
  let scored = 0;
  const worker = async () => {
    for (let done = starts.shift(); done !== undefined; done = starts.shift()) {
      const batch = Array.from(
        { length: Math.min(opts.size, opts.total - done) },
        (_, k) => entities[(done + k) % entities.length]!,
      );
      const text = await postForText(url, headers, JSON.stringify({ entities: batch }));
      scored += scoredIn(text, batch.length, opts.parse);
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { scored, seconds, clientCpu: +((ownCpuSeconds() - cpuStart) / seconds).toFixed(3) };
}

/** The lab's /metrics text, read with an operator key. */
async function scrapeMetrics(url: string, operatorKey: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${operatorKey}` } });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** A histogram series of /metrics: what the bench calls it, the metric's name and its labels. */
type Series = [key: string, name: string, labels: Record<string, string>];

/** The score route's histograms: the whole request in the API, then each of its stages. */
const IN_LAB: Series[] = [
  ['request', 'http_request_duration_seconds', { method: 'POST', route: '/v1/models/:id/score' }],
  ...SCORE_STAGES.map((stage): Series => [stage, 'lab_score_stage_seconds', { stage }]),
];

/**
 * Where the single-entity requests' time went inside the API, from its histograms between two
 * scrapes (p50 and p99 in ms, interpolated inside the buckets): what the load generator saw beyond
 * `request` was spent outside the handler — waiting to be read, for a core, for the response.
 */
function inLabMs(before: string, after: string): Record<string, { p50: number | null; p99: number | null }> {
  const ms = (v: number | null) => (v === null ? null : +(v * 1000).toFixed(2));
  return Object.fromEntries(
    IN_LAB.map(([key, name, labels]) => {
      const h = histogramDelta(promHistogram(before, name, labels), promHistogram(after, name, labels));
      return [key, { p50: ms(histogramQuantile(h, 0.5)), p99: ms(histogramQuantile(h, 0.99)) }];
    }),
  );
}

/**
 * Waits until every domain's broker has its warm spare enclave again (it starts one a few seconds
 * after a job ends, loading the whole table): measuring before would count that start-up.
 */
async function domainsQuiet(redisUrl: string, prefix: string, domains: readonly string[]): Promise<void> {
  const conn = connectRedis(redisUrl);
  const keys = labKeys(prefix);
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const states = await Promise.all(domains.map((d) => conn.get(keys.domainStatus(d))));
      if (states.every((s) => s !== null && JSON.parse(s).spareReady === true)) return;
      if (Date.now() > deadline)
        throw new Error('the domains did not warm their spare enclaves within 120 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    conn.disconnect();
  }
}

/** The stack's processes and Redis by CPU group (a broker's enclaves count as `enclave`). */
async function cpuGroups(
  stack: Awaited<ReturnType<typeof startStack>>,
  redisUrl: string,
): Promise<Map<number, string>> {
  const roots = new Map<number, string>();
  for (const [name, child] of stack.processes) {
    if (child.pid) roots.set(child.pid, name.startsWith('broker') ? 'broker' : name.replace(/-\d+$/, ''));
  }
  const conn = connectRedis(redisUrl);
  try {
    const pid = /process_id:(\d+)/.exec(await conn.info('server'))?.[1];
    if (pid) roots.set(Number(pid), 'redis');
  } finally {
    conn.disconnect();
  }
  return roots;
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
  const batchConcurrency = Number(values['batch-concurrency']);
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
      apiWorkers: Number(values['api-workers']),
    });
    const model = await trainPlatformModel(stack.url, keys, worldDir, world);
    await domainsQuiet(
      redis.url,
      prefix,
      world.domains.map((d) => d.id),
    );
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
    await load({ url, headers, entities, connections: 4, seconds: 2 }); // warm-up
    const roots = await cpuGroups(stack, redis.url);
    const enclaveOf = (g: string) => (g === 'broker' ? 'enclave' : g);
    const before = await scrapeMetrics(stack.url, keys.operator);
    const cpuBefore = cpuSnapshot(roots, enclaveOf);
    const single = await load({ url, headers, entities, connections: concurrency, seconds });
    const singleCpu = cpuBetween(cpuBefore, cpuSnapshot(roots, enclaveOf));
    const after = await scrapeMetrics(stack.url, keys.operator);
    const counted = (name: string) => promSum(after, name) - promSum(before, name);
    const requestsPerCall =
      counted('lab_score_call_requests_total') / Math.max(1, counted('lab_score_calls_total'));
    say(`micro-batching: ${requestsPerCall.toFixed(2)} requests per domain call`);
    const inLab = inLabMs(before, after);
    say(`single: in the API (ms, from its histograms) ${JSON.stringify(inLab)}`);
    say(
      `single (${single.tool}): ${single.rps.toFixed(0)} req/s, p50 ${single.p50Ms.toFixed(1)} ms, p99 ${single.p99Ms.toFixed(1)} ms (p90 ${single.tail.p90Ms.toFixed(1)}, p99.9 ${single.tail.p999Ms.toFixed(1)}, max ${single.tail.maxMs.toFixed(1)}), ${single.errors} errors, ${single.non2xx} non-2xx responses`,
    );

    const c = await startCeiling();
    ceiling = c.child;
    const idleBefore = cpuSnapshot(roots, enclaveOf);
    const ceil = await load({ url: `${c.url}/score`, headers, entities, connections: concurrency, seconds });
    const idleCpu = cpuBetween(idleBefore, cpuSnapshot(roots, enclaveOf));
    say(`stack CPU while idle (cores): ${JSON.stringify(idleCpu.groups)}`);
    const perRequest = (n: number) => +(n / (single.rps * singleCpu.seconds)).toFixed(2);
    const singleWrites = Object.fromEntries(
      Object.entries(singleCpu.writes).map(([g, n]) => [g, perRequest(n)]),
    );
    say(
      `single CPU (cores): ${JSON.stringify({ ...singleCpu.groups, loadGenerator: single.cpu })}, machine ${singleCpu.machineBusy}`,
    );
    say(`single: write system calls per request ${JSON.stringify(singleWrites)}`);
    say(`single: waiting for a core (s per s, all threads) ${JSON.stringify(singleCpu.waiting)}`);
    say(`ceiling (bare Hono endpoint): ${ceil.rps.toFixed(0)} req/s`);

    const total = Number(values.batch);
    // Warm-up, as for single requests: the batch path's first large requests run unoptimised code.
    // Its answers are parsed and checked result by result; the timed run's are counted (`scoredIn`).
    await scoreBatches(url, headers, entities, {
      total: 20_000,
      size: 10_000,
      inFlight: batchConcurrency,
      parse: true,
    });
    const batchBefore = cpuSnapshot(roots, enclaveOf);
    const {
      scored,
      seconds: batchSeconds,
      clientCpu,
    } = await scoreBatches(url, headers, entities, {
      total,
      size: 10_000,
      inFlight: batchConcurrency,
      parse: false,
    });
    const entitiesPerSec = total / batchSeconds;
    const batchCpu = cpuBetween(batchBefore, cpuSnapshot(roots, enclaveOf));
    say(
      `batch CPU (cores): ${JSON.stringify({ ...batchCpu.groups, client: clientCpu })}, machine ${batchCpu.machineBusy}`,
    );
    say(
      `batch: ${total} entities in ${batchSeconds.toFixed(2)} s (${entitiesPerSec.toFixed(0)} entities/s, ${scored} scored)`,
    );
    const mixedSeconds = Number(values.mixed);
    let mixed: Record<string, unknown> | undefined;
    if (mixedSeconds > 0) {
      let running = true;
      let batchEntities = 0;
      // A failed batch stops the loop; its error is raised once the single-entity load is done.
      const batches = (async () => {
        while (running) {
          const r = await scoreBatches(url, headers, entities, {
            total: 10_000,
            size: 10_000,
            inFlight: 1,
            parse: false,
          });
          batchEntities += r.scored;
        }
      })().then(
        () => null,
        (err: unknown) => err,
      );
      const startedAt = performance.now();
      const during = await load({
        url,
        headers,
        entities,
        connections: Number(values['mixed-concurrency']),
        seconds: mixedSeconds,
      });
      running = false;
      const failed = await batches;
      if (failed) throw failed;
      const wall = (performance.now() - startedAt) / 1000;
      mixed = {
        single: {
          rps: Math.round(during.rps),
          p50Ms: +during.p50Ms.toFixed(2),
          p99Ms: +during.p99Ms.toFixed(2),
          maxMs: +during.tail.maxMs.toFixed(2),
        },
        batchEntitiesPerSec: Math.round(batchEntities / wall),
      };
      say(
        `single during batches (${values['mixed-concurrency']} connections): ${during.rps.toFixed(0)} req/s, p50 ${during.p50Ms.toFixed(1)} ms, p99 ${during.p99Ms.toFixed(1)} ms, max ${during.tail.maxMs.toFixed(1)} ms; batches ${(batchEntities / wall).toFixed(0)} entities/s`,
      );
    }
    console.log(
      JSON.stringify({
        single: {
          rps: Math.round(single.rps),
          p50Ms: +single.p50Ms.toFixed(2),
          p99Ms: +single.p99Ms.toFixed(2),
          tailMs: {
            p90: +single.tail.p90Ms.toFixed(2),
            p999: +single.tail.p999Ms.toFixed(2),
            max: +single.tail.maxMs.toFixed(2),
          },
          errors: single.errors,
          non2xx: single.non2xx,
          requestsPerCall: +requestsPerCall.toFixed(2),
          inLabMs: inLab,
          cpu: { ...singleCpu.groups, loadGenerator: single.cpu, machine: singleCpu.machineBusy },
          writesPerRequest: singleWrites,
          waitingForCpu: singleCpu.waiting,
        },
        ceiling: { rps: Math.round(ceil.rps) },
        loadGenerator: single.tool,
        batch: {
          entitiesPerSec: Math.round(entitiesPerSec),
          scored,
          cpu: { ...batchCpu.groups, client: clientCpu, machine: batchCpu.machineBusy },
        },
        ...(mixed ? { mixed } : {}),
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
