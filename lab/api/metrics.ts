// Prometheus metrics of one API process: requests by route pattern, their durations, coordinator queue depth.
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LabContext } from '../context.ts';
import { withDeadline } from '../infra/deadline.ts';
import { type AuthEnv, authenticate, requireRole } from './auth.ts';

/** Methods get their own label value; anything else is `OTHER`, so callers cannot grow the label set. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The route label of a request no route matched (a 404 from `notFound`). */
const UNMATCHED_ROUTE = 'unmatched';
/** The coordinator queue's states worth watching: a backlog, work in hand, failures. */
const QUEUE_STATES = ['wait', 'active', 'delayed', 'waiting-children', 'failed'] as const;
/** A scrape waits this long for the queue counts, then reports without them. */
const QUEUE_COUNT_MS = 1000;

/** The stages of a score request that `lab_score_stage_seconds` times. */
export const SCORE_STAGES = ['lookup', 'domains', 'audit'] as const;
export type ScoreStage = (typeof SCORE_STAGES)[number];
/** Records how long one stage of one score request took, in milliseconds. */
export type ScoreStageObserver = (stage: ScoreStage, ms: number) => void;

/**
 * The route pattern (`/v1/jobs/:id`) that answered, never the raw path: raw paths carry ids and
 * would give every job its own time series. Middleware entries (method ALL) are not routes.
 */
function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
  return route?.path ?? UNMATCHED_ROUTE;
}

/**
 * One registry per app (not prom-client's global one), so several labs in one process — tests do
 * this — keep their counts apart.
 *
 * @example
 * const metrics = labMetrics(ctx); app.use('*', metrics.measure); app.route('/', metrics.routes);
 */
export function labMetrics(ctx: LabContext) {
  const registry = new Registry();
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to the response headers (for event streams: until the stream opens), by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [
      0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10, 30,
    ],
    registers: [registry],
  });
  const stages = new Histogram({
    name: 'lab_score_stage_seconds',
    help: 'Time of each stage of a score request: key, rate and authorisation read (lookup), scoring on the domains (domains), audit commit (audit)',
    labelNames: ['stage'] as const,
    buckets: [
      0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1,
      0.25, 1, 5,
    ],
    registers: [registry],
  });
  const stageTimers = Object.fromEntries(
    SCORE_STAGES.map((stage) => [stage, stages.labels({ stage })]),
  ) as Record<ScoreStage, ReturnType<typeof stages.labels>>;
  const scoreStage: ScoreStageObserver = (stage, ms) => stageTimers[stage].observe(ms / 1000);
  // Lab job statuses live in one record per job (counting them is a scan); BullMQ keeps counts per state.
  new Gauge({
    name: 'lab_coordinator_queue_jobs',
    help: "Step jobs in the coordinator's queue, by state",
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await withDeadline(ctx.coordinatorQueue.getJobCounts(...QUEUE_STATES), QUEUE_COUNT_MS);
      if (counts.state !== 'ok') return;
      for (const state of QUEUE_STATES) this.set({ state }, counts.value[state] ?? 0);
    },
  });

  // Scoring calls this process sent to each domain, and the requests and entities they carried.
  for (const [field, name, help] of [
    ['calls', 'lab_score_calls_total', 'Scoring calls sent to domains'],
    [
      'requests',
      'lab_score_call_requests_total',
      'Score requests (or their per-domain parts) those calls carried',
    ],
    ['entities', 'lab_score_call_entities_total', 'Entities those calls carried'],
  ] as const) {
    new Counter({
      name,
      help: `${help}, by domain (this API process)`,
      labelNames: ['domain'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [domain, sent] of ctx.scoring.sent) this.inc({ domain }, sent[field]);
      },
    });
  }

  // The labelled children, kept: finding one from its labels hashes them on every call (the label
  // sets are bounded by the route patterns, methods and statuses).
  const counted = new Map<string, ReturnType<typeof requests.labels>>();
  const timed = new Map<string, ReturnType<typeof duration.labels>>();
  const measure: MiddlewareHandler = async function measureRequest(c, next) {
    const started = performance.now();
    await next();
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    const route = routeLabel(c);
    const status = String(c.res.status);
    const series = `${method} ${route}`;
    let timer = timed.get(series);
    if (!timer) {
      timer = duration.labels({ method, route });
      timed.set(series, timer);
    }
    let counter = counted.get(`${series} ${status}`);
    if (!counter) {
      counter = requests.labels({ method, route, status });
      counted.set(`${series} ${status}`, counter);
    }
    counter.inc();
    timer.observe((performance.now() - started) / 1000);
  };

  // Access: operator or auditor API keys, like every other platform-wide read. Route patterns and
  // counts are not secret, but queue depth and traffic per route tell an outsider how the lab is
  // used, and one auth scheme is simpler to run than a separate scrape token.
  const routes = new Hono<AuthEnv>().get(
    '/metrics',
    authenticate(ctx),
    requireRole('operator', 'auditor'),
    async (c) => {
      c.header('content-type', registry.contentType);
      return c.body(await registry.metrics());
    },
  );
  return { registry, measure, routes, scoreStage };
}
