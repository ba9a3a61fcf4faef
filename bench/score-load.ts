// Load generator of bench:score, in its own process: wrk when installed (C, the lighter load on a
// shared machine), else autocannon; one entity per request, one JSON line out.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';
import { z } from 'zod';
import { ownCpuSeconds } from './cpu.ts';

const Config = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()),
  entities: z.array(z.string().min(1)).min(1),
  connections: z.number().int().positive(),
  seconds: z.number().positive(),
  pipelining: z.literal(1).default(1),
  /** Which generator; by default wrk when it is on the PATH. */
  tool: z.enum(['wrk', 'autocannon']).optional(),
});

/**
 * What the load generator reads as JSON on stdin: where to send, and which entities to rotate through.
 *
 * @example
 * const config: LoadConfig = {
 *   url: 'http://127.0.0.1:8080/v1/models/mdl_1/score',
 *   headers: { authorization: 'Bearer key', 'content-type': 'application/json' },
 *   entities: ['ent_1', 'ent_2'],
 *   connections: 32,
 *   seconds: 20,
 * };
 */
export type LoadConfig = z.input<typeof Config>;

/**
 * The one JSON line the load generator prints: 2xx responses per second, latency quantiles in ms,
 * connection errors plus timeouts, and non-2xx responses.
 *
 * @example
 * const result = JSON.parse(line) as LoadResult;
 * console.log(`${result.rps} req/s, p99 ${result.p99Ms} ms`);
 */
export type LoadResult = {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Where the tail sits: the 90th and 99.9th percentiles and the slowest request. */
  tail: { p90Ms: number; p999Ms: number; maxMs: number };
  errors: number;
  non2xx: number;
  tool: 'wrk' | 'autocannon';
  /** Cores the generator used over its run (its own process and wrk's). */
  cpu: number;
};

/** Request bodies scoring one entity each, in the order they are sent. */
function entityBodies(entities: string[]): string[] {
  return entities.map((entity) => JSON.stringify({ entities: [entity] }));
}

/**
 * wrk's script: each request's body scores the next entity of the file (one id per line), and the
 * summary is printed as one JSON line (latencies in µs).
 */
const WRK_SCRIPT = `
wrk.method = "POST"
local bodies = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = '{"entities":["' .. line .. '"]}' end
end
function request()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"errors":%d,"non2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;

const WrkSummary = z.object({
  requests: z.number(),
  durationUs: z.number(),
  p50Us: z.number(),
  p90Us: z.number(),
  p99Us: z.number(),
  p999Us: z.number(),
  maxUs: z.number(),
  errors: z.number(),
  non2xx: z.number(),
});

/** Whether wrk is installed (Debian: `apt-get install wrk`). */
function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** Runs wrk (one thread, as light as the generator can be) with `config`. */
async function runWrk(config: z.output<typeof Config>): Promise<LoadResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jml-wrk-'));
  try {
    await writeFile(path.join(dir, 'score.lua'), WRK_SCRIPT);
    await writeFile(path.join(dir, 'entities.txt'), `${config.entities.join('\n')}\n`);
    const headers = Object.entries(config.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const args = ['-t1', `-c${config.connections}`, `-d${config.seconds}s`, '--timeout', '10s', ...headers];
    const child = spawn(
      'wrk',
      [...args, '-s', path.join(dir, 'score.lua'), config.url, '--', path.join(dir, 'entities.txt')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const out = await text(child.stdout!);
    const code = await new Promise<number | null>((r) => child.once('close', r));
    const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
    if (code !== 0 || !line) throw new Error(`wrk exited ${code}: ${out}`);
    const s = WrkSummary.parse(JSON.parse(line));
    const seconds = s.durationUs / 1e6;
    return {
      rps: (s.requests - s.non2xx) / seconds,
      p50Ms: s.p50Us / 1000,
      p99Ms: s.p99Us / 1000,
      tail: { p90Ms: s.p90Us / 1000, p999Ms: s.p999Us / 1000, maxMs: s.maxUs / 1000 },
      errors: s.errors,
      non2xx: s.non2xx,
      tool: 'wrk',
      cpu: 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs autocannon with `config`, each request's body the next entity's, wrapping around the list. */
async function runAutocannon(config: z.output<typeof Config>): Promise<LoadResult> {
  const bodies = entityBodies(config.entities);
  let next = 0;
  const result = await autocannon({
    url: config.url,
    method: 'POST',
    headers: config.headers,
    connections: config.connections,
    duration: config.seconds,
    pipelining: config.pipelining,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          request.body = bodies[next++ % bodies.length];
          return request;
        },
      },
    ],
  });
  const seconds = result.duration > 0 ? result.duration : config.seconds;
  return {
    rps: result['2xx'] / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    tail: { p90Ms: result.latency.p90, p999Ms: result.latency.p99_9, maxMs: result.latency.max },
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    tool: 'autocannon',
    cpu: 0,
  };
}

/** The configured generator, or wrk when installed, else autocannon. */
function run(config: z.output<typeof Config>): Promise<LoadResult> {
  const tool = config.tool ?? (hasWrk() ? 'wrk' : 'autocannon');
  return tool === 'wrk' ? runWrk(config) : runAutocannon(config);
}

try {
  const config = Config.parse(JSON.parse(await text(process.stdin)));
  const started = { at: performance.now(), cpu: ownCpuSeconds() };
  const result = await run(config);
  const cpu = (ownCpuSeconds() - started.cpu) / ((performance.now() - started.at) / 1000);
  console.log(JSON.stringify({ ...result, cpu: +cpu.toFixed(3) }));
} catch (err) {
  console.error('score-load failed:', err instanceof Error ? err.message : err);
  process.exit(1);
}
