// The broker's side of the scoring channel: takes its domain's score calls off Redis, merges them per
// model into few enclave requests, and publishes each call's reply to the lab process that asked.
import type { Redis } from 'ioredis';
import type { LabKeys } from '../lab/infra/redis.ts';
import {
  SCORER_HEARTBEAT_MS,
  SCORER_LIVENESS_TTL_MS,
  ScoreCall,
  type ScoreReply,
  type ScoreVectors,
  sliceScores,
} from '../lab/infra/score-wire.ts';
import { MAX_SCORER_ENTITIES } from './protocol.ts';

/** The call can never succeed (egress guard, enclave or model refusal): the lab does not retry it. */
export class ScoreRefused extends Error {
  override name = 'ScoreRefused';
}

/** How long the lab should wait before asking again while a scorer (re)starts. */
export const RETRY_AFTER_MS = 1000;
/** Calls taken off the list at once. */
const CALLS_PER_POP = 256;

/** Scores one merged batch of the domain's entities, in order (`null`: an opaque id not held here). */
export type ScoreBatch = (batch: {
  modelId: string;
  tenant: string;
  entities: string[];
  bankInputs: number[][] | undefined;
}) => Promise<ScoreVectors>;

export interface ScoreServerOptions {
  /** For commands; the server opens its own connection for the blocking pops. */
  redis: Redis;
  keys: LabKeys;
  domain: string;
  /** This broker process, as a member of the domain's liveness set. */
  brokerId: string;
  sandboxed: boolean;
  score: ScoreBatch;
  /** Whether the scorer is warm. While it is not, calls are answered `unavailable` at once. */
  ready(): boolean;
}

export interface ScoreServer {
  /** Re-reads `ready()` now (the scorer started or died) instead of at the next heartbeat. */
  readinessChanged(): void;
  close(): Promise<void>;
}

/** A call off the list, or why it is not one. */
function parseCall(text: string): ScoreCall | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const parsed = ScoreCall.safeParse(json);
  return parsed.success ? parsed.data : (parsed.error.issues[0]?.message ?? 'invalid');
}

interface Group {
  modelId: string;
  tenant: string;
  calls: ScoreCall[];
  entities: number;
}

/** Calls of one model and tenant (and input shape), in order, cut at the enclave's request size. */
function groupCalls(calls: readonly ScoreCall[]): Group[] {
  const open = new Map<string, Group>();
  const groups: Group[] = [];
  for (const call of calls) {
    const key = JSON.stringify([call.modelId, call.tenant, call.bankInputs !== undefined]);
    let g = open.get(key);
    if (!g || g.entities + call.entities.length > MAX_SCORER_ENTITIES) {
      g = { modelId: call.modelId, tenant: call.tenant, calls: [], entities: 0 };
      open.set(key, g);
      groups.push(g);
    }
    g.calls.push(call);
    g.entities += call.entities.length;
  }
  return groups;
}

/**
 * Serves score calls until closed. A call past its deadline is dropped unanswered (nobody waits for
 * it); a scorer that is not ready, or fails mid-batch, answers `unavailable` with `retryAfterMs`.
 *
 * @example
 * const server = serveScores({ redis, keys, domain: 'd-bj', brokerId, sandboxed: true, score, ready: () => warm });
 * await server.close();
 */
export function serveScores(opts: ScoreServerOptions): ScoreServer {
  const { redis, keys, domain, brokerId } = opts;
  const pops = redis.duplicate();
  let closed = false;

  type Outgoing = { call: ScoreCall; reply: ScoreReply }[];

  async function serveGroup(g: Group): Promise<Outgoing> {
    const withInputs = g.calls[0]!.bankInputs !== undefined;
    try {
      const scores = await opts.score({
        modelId: g.modelId,
        tenant: g.tenant,
        entities: g.calls.flatMap((c) => c.entities),
        bankInputs: withInputs ? g.calls.flatMap((c) => c.bankInputs!) : undefined,
      });
      let at = 0;
      return g.calls.map((call) => {
        const mine = sliceScores(scores, at, at + call.entities.length);
        at += call.entities.length;
        return { call, reply: { id: call.id, ok: true, scores: mine, sandboxed: opts.sandboxed } };
      });
    } catch (err) {
      const refused = err instanceof ScoreRefused;
      if (!refused) console.error(`broker ${domain}: scoring failed: ${(err as Error).message}`);
      return g.calls.map((call) => ({
        call,
        reply: refused
          ? { id: call.id, ok: false, code: 'refused', message: (err as Error).message }
          : {
              id: call.id,
              ok: false,
              code: 'unavailable',
              message: 'the domain scorer failed; try again',
              retryAfterMs: RETRY_AFTER_MS,
            },
      }));
    }
  }

  /** The replies to the popped calls (calls past their deadline get none: nobody waits for them). */
  async function serve(raw: string[]): Promise<Outgoing> {
    const now = Date.now();
    const calls: ScoreCall[] = [];
    for (const text of raw) {
      const call = parseCall(text);
      if (typeof call === 'string') console.error(`broker ${domain}: malformed score call dropped: ${call}`);
      else if (call.deadline >= now) calls.push(call);
    }
    if (!opts.ready()) {
      return calls.map((call) => ({
        call,
        reply: {
          id: call.id,
          ok: false,
          code: 'unavailable',
          message: 'the domain scorer is starting; try again',
          retryAfterMs: RETRY_AFTER_MS,
        },
      }));
    }
    const out: Outgoing = [];
    for (const g of groupCalls(calls)) out.push(...(await serveGroup(g)));
    return out;
  }

  // One write per turn: the last calls' replies, then the blocking pop of the next calls.
  const loop = (async () => {
    let outgoing: Outgoing = [];
    while (!closed) {
      try {
        const turn = pops.pipeline();
        for (const { call, reply } of outgoing)
          turn.publish(keys.scoreReplies(call.replyTo), JSON.stringify(reply));
        turn.blmpop(1, 1, keys.scoreCalls(domain), 'RIGHT', 'COUNT', CALLS_PER_POP);
        const results = (await turn.exec()) ?? [];
        outgoing = [];
        const [err, popped] = results.at(-1) ?? [null, null];
        if (err) throw err;
        if (popped) outgoing = await serve((popped as [string, string[]])[1]);
      } catch (err) {
        outgoing = [];
        if (closed) break;
        console.error(`broker ${domain}: score calls: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();

  // The lab sends calls only to domains with a live scorer: a member scored by its expiry time.
  const up = keys.scorerUp(domain);
  const heartbeat = async () => {
    const now = Date.now();
    const tx = redis.multi().zremrangebyscore(up, '-inf', now);
    if (opts.ready() && !closed) tx.zadd(up, now + SCORER_LIVENESS_TTL_MS, brokerId);
    else tx.zrem(up, brokerId);
    await tx.exec().catch((err: Error) => console.error(`broker ${domain}: scorer liveness: ${err.message}`));
  };
  const timer = setInterval(() => void heartbeat(), SCORER_HEARTBEAT_MS);
  void heartbeat();

  return {
    readinessChanged: () => void heartbeat(),
    async close() {
      closed = true;
      clearInterval(timer);
      await heartbeat();
      pops.disconnect();
      await loop;
    },
  };
}
