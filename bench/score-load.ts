// Load generator of bench:score: autocannon in its own process, one entity per request, one JSON line out.
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';
import { z } from 'zod';

const Config = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()),
  entities: z.array(z.string().min(1)).min(1),
  connections: z.number().int().positive(),
  seconds: z.number().positive(),
  pipelining: z.literal(1).default(1),
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
export type LoadResult = { rps: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number };

/** Request bodies scoring one entity each, in the order they are sent. */
function entityBodies(entities: string[]): string[] {
  return entities.map((entity) => JSON.stringify({ entities: [entity] }));
}

/** Runs autocannon with `config`, each request's body the next entity's, wrapping around the list. */
async function run(config: z.output<typeof Config>): Promise<LoadResult> {
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
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

try {
  const config = Config.parse(JSON.parse(await text(process.stdin)));
  console.log(JSON.stringify(await run(config)));
} catch (err) {
  console.error('score-load failed:', err instanceof Error ? err.message : err);
  process.exit(1);
}
