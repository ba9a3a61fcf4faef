// The lab's side of the scoring channel: micro-batches score requests per (domain, model), pushes
// them to the domain's call list, and matches the replies on this process's own reply channel.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RecentReads } from '../infra/recent-reads.ts';
import type { LabKeys } from '../infra/redis.ts';
import { type ScoreCall, ScoreReply, type ScoreVectors, sliceScores } from '../infra/score-wire.ts';

/** What one request part gets back from a domain. */
export type DomainOutcome =
  | { ok: true; scores: ScoreVectors; sandboxed: boolean }
  | { ok: false; code: 'unavailable' | 'refused'; retryAfterMs: number };

export interface ScoreChannelOptions {
  /** How long a request waits for its domain before its entities come back `unavailable`. */
  timeoutMs?: number;
  /** Calls out at once per (domain, model); requests arriving meanwhile join the next call. */
  maxInFlight?: number;
  /** Entities one call carries at most. */
  maxCallEntities?: number;
  /**
   * Least time between two calls of one lane: under load, requests wait up to this long and go
   * out together (each call costs the domain a fixed overhead); an idle lane sends at once.
   */
  minCallGapMs?: number;
}

/** Retry-After of a domain without a live scorer, or of a call that timed out. */
const RETRY_AFTER_MS = 1000;
/** How long the lab trusts what it read of a domain's scorer liveness. */
const LIVENESS_CACHE_MS = 250;
/** A call list nobody serves does not outlive this (its calls are long past their deadlines). */
const CALL_LIST_TTL_MS = 60_000;

interface Part {
  entities: readonly string[];
  bankInputs: readonly number[][] | undefined;
  resolve(outcome: DomainOutcome): void;
}

interface Lane {
  domain: string;
  modelId: string;
  tenant: string;
  waiting: Part[];
  inFlight: number;
  scheduled: boolean;
  lastSent: number;
}

interface OutCall {
  lane: Lane;
  parts: Part[];
  timer: NodeJS.Timeout;
}

/**
 * One per lab process. `score` never rejects: a domain that is down, slow or refusing gives an
 * outcome saying so, within `timeoutMs`.
 *
 * @example
 * const channel = new ScoreChannel(redis, keys);
 * const out = await channel.score('d-bj', { modelId: 'mdl_x', tenant: 'bank-a' }, ['9111…']);
 * if (out.ok) out.scores[0]?.probability;
 * await channel.close();
 */
export class ScoreChannel {
  readonly labId = randomBytes(9).toString('base64url');
  /**
   * Calls sent per domain since start, with the requests and entities they carried: requests per
   * call is how much micro-batching saves (metrics `lab_score_call*_total`).
   */
  readonly sent = new Map<string, { calls: number; requests: number; entities: number }>();
  /** One lane per (domain, model, tenant) ever scored by this process: few, and kept. */
  private readonly lanes = new Map<string, Lane>();
  private readonly calls = new Map<string, OutCall>();
  private readonly liveness = new RecentReads<string, boolean>(LIVENESS_CACHE_MS);
  private nextCall = 0;
  private readonly renewed = new Map<string, number>();
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private readonly maxCallEntities: number;
  private readonly minCallGapMs: number;

  private readonly replies: Redis;
  /** Subscribed to this process's reply channel: no call goes out before. */
  private readonly subscribed: Promise<unknown>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: LabKeys,
    opts: ScoreChannelOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.maxCallEntities = opts.maxCallEntities ?? 20_000;
    this.minCallGapMs = opts.minCallGapMs ?? 2;
    this.replies = redis.duplicate({ enableAutoPipelining: false });
    this.replies.on('message', (_channel: string, text: string) => this.onReply(text));
    this.subscribed = this.replies.subscribe(keys.scoreReplies(this.labId));
    this.subscribed.catch(() => undefined);
  }

  score(
    domain: string,
    model: { modelId: string; tenant: string },
    entities: readonly string[],
    bankInputs?: readonly number[][],
  ): Promise<DomainOutcome> {
    return new Promise((resolve) => {
      const key = JSON.stringify([domain, model.modelId, model.tenant]);
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = { domain, ...model, waiting: [], inFlight: 0, scheduled: false, lastSent: 0 };
        this.lanes.set(key, lane);
      }
      lane.waiting.push({ entities, bankInputs, resolve });
      this.schedule(lane);
    });
  }

  /** Answers every call out and every request still waiting `unavailable`, and unsubscribes. */
  async close(): Promise<void> {
    const gone: DomainOutcome = { ok: false, code: 'unavailable', retryAfterMs: RETRY_AFTER_MS };
    for (const [id, call] of this.calls) {
      clearTimeout(call.timer);
      this.calls.delete(id);
      for (const p of call.parts) p.resolve(gone);
    }
    for (const lane of this.lanes.values()) for (const p of lane.waiting.splice(0)) p.resolve(gone);
    this.replies.disconnect();
  }

  /**
   * Requests of the same event-loop turn go out together; more wait while the lane is busy, and
   * until `minCallGapMs` has passed since its last call (unless a call's worth is waiting).
   */
  private schedule(lane: Lane): void {
    if (lane.scheduled || lane.inFlight >= this.maxInFlight || lane.waiting.length === 0) return;
    lane.scheduled = true;
    const run = () => {
      lane.scheduled = false;
      void this.flush(lane);
    };
    const wait = lane.lastSent + this.minCallGapMs - performance.now();
    const full = lane.waiting.reduce((n, p) => n + p.entities.length, 0) >= this.maxCallEntities;
    if (wait > 0 && !full) setTimeout(run, wait);
    else setImmediate(run);
  }

  /** Sends one call of what is waiting; the next goes through `schedule` (and its gap). */
  private async flush(lane: Lane): Promise<void> {
    if (lane.inFlight >= this.maxInFlight || lane.waiting.length === 0) return;
    const parts: Part[] = [];
    let size = 0;
    while (lane.waiting.length > 0) {
      const next = lane.waiting[0]!;
      if (parts.length > 0 && size + next.entities.length > this.maxCallEntities) break;
      parts.push(lane.waiting.shift()!);
      size += next.entities.length;
    }
    lane.inFlight++;
    lane.lastSent = performance.now();
    await this.send(lane, parts);
    this.schedule(lane);
  }

  private async send(lane: Lane, parts: Part[]): Promise<void> {
    const id = `${this.labId}.${this.nextCall++}`;
    // The broker drops the call once nobody waits for it: the deadline is the timer's.
    const deadline = Date.now() + this.timeoutMs;
    const timer = setTimeout(
      () => this.settle(id, { ok: false, code: 'unavailable', retryAfterMs: RETRY_AFTER_MS }),
      this.timeoutMs,
    );
    this.calls.set(id, { lane, parts, timer });
    try {
      await this.subscribed;
      if (!(await this.scorerUp(lane.domain))) {
        this.settle(id, { ok: false, code: 'unavailable', retryAfterMs: RETRY_AFTER_MS });
        return;
      }
      const withInputs = parts.some((p) => p.bankInputs !== undefined);
      const call: ScoreCall = {
        id,
        replyTo: this.labId,
        deadline,
        tenant: lane.tenant,
        modelId: lane.modelId,
        entities: parts.flatMap((p) => p.entities),
        ...(withInputs ? { bankInputs: parts.flatMap((p) => p.bankInputs ?? []) } : {}),
      };
      const key = this.keys.scoreCalls(lane.domain);
      await this.redis.lpush(key, JSON.stringify(call));
      const sent = this.sent.get(lane.domain) ?? { calls: 0, requests: 0, entities: 0 };
      sent.calls++;
      sent.requests += parts.length;
      sent.entities += call.entities.length;
      this.sent.set(lane.domain, sent);
      // The list's expiry is renewed now and then, not on every call.
      if (Date.now() - (this.renewed.get(key) ?? 0) > CALL_LIST_TTL_MS / 4) {
        this.renewed.set(key, Date.now());
        await this.redis.pexpire(key, CALL_LIST_TTL_MS);
      }
    } catch (err) {
      console.error(`scoring: could not reach domain ${lane.domain}: ${(err as Error).message}`);
      this.settle(id, { ok: false, code: 'unavailable', retryAfterMs: RETRY_AFTER_MS });
    }
  }

  /** Whether any broker of the domain has a warm scorer (read at most every 250 ms per domain). */
  private scorerUp(domain: string): Promise<boolean> {
    return this.liveness.get(domain, () =>
      this.redis
        .zcount(this.keys.scorerUp(domain), Date.now(), '+inf')
        .then((n) => n > 0)
        .catch(() => false),
    );
  }

  private onReply(text: string): void {
    let reply: ScoreReply;
    try {
      const parsed = ScoreReply.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
      reply = parsed.data;
    } catch (err) {
      console.error(`scoring: malformed reply dropped: ${(err as Error).message}`);
      return;
    }
    const call = this.calls.get(reply.id);
    if (!call) return; // timed out already
    if (!reply.ok) {
      // A refusal or a failing scorer: either way, no scores; a liveness read says more next time.
      if (reply.code === 'unavailable') this.liveness.forget(call.lane.domain);
      this.settle(reply.id, {
        ok: false,
        code: reply.code,
        retryAfterMs: reply.retryAfterMs ?? RETRY_AFTER_MS,
      });
      return;
    }
    const total = call.parts.reduce((n, p) => n + p.entities.length, 0);
    const answered = reply.scores.probability.length;
    if (
      answered !== total ||
      reply.scores.reasons.length !== total ||
      (reply.scores.points && reply.scores.points.length !== total)
    ) {
      console.error(`scoring: domain ${call.lane.domain} answered ${answered} of ${total} scores`);
      this.settle(reply.id, { ok: false, code: 'unavailable', retryAfterMs: RETRY_AFTER_MS });
      return;
    }
    this.settle(reply.id, { ok: true, scores: reply.scores, sandboxed: reply.sandboxed });
  }

  /** Ends a call once: each part gets its slice of the scores (or the failure), the lane moves on. */
  private settle(id: string, outcome: DomainOutcome): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    clearTimeout(call.timer);
    let at = 0;
    for (const p of call.parts) {
      if (outcome.ok) {
        p.resolve({ ...outcome, scores: sliceScores(outcome.scores, at, at + p.entities.length) });
        at += p.entities.length;
      } else p.resolve(outcome);
    }
    call.lane.inFlight--;
    this.schedule(call.lane);
  }
}
