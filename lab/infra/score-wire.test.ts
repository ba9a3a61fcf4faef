// The channel's array checks are loops, not zod per element: they must still refuse one bad
// element anywhere in a long array, and accept what the scorers send.
import { describe, expect, it } from 'vitest';
import { ScoreCall, ScoreReply, ScoreVectors } from './score-wire.ts';

const n = 10_000;
const ok = {
  probability: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i / n)),
  reasons: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? [] : [i % 5, 7, 0])),
};
const last = <T>(list: T[], value: T) => [...list.slice(0, -1), value];

describe('score wire checks', () => {
  it('accepts full score vectors, with and without points', () => {
    expect(ScoreVectors.safeParse(ok).success).toBe(true);
    const points = ok.probability.map((p) => (p === null ? null : 600 - p * 100));
    expect(ScoreVectors.safeParse({ ...ok, points }).success).toBe(true);
  });

  it.each([
    ['probability', { ...ok, probability: last(ok.probability, 1.0000001) }],
    ['probability', { ...ok, probability: last(ok.probability, Number.NaN) }],
    ['probability', { ...ok, probability: last<unknown>(ok.probability, '0.5') }],
    ['reasons', { ...ok, reasons: last(ok.reasons, [1, -1]) }],
    ['reasons', { ...ok, reasons: last(ok.reasons, [1.5]) }],
    [
      'reasons',
      {
        ...ok,
        reasons: last(
          ok.reasons,
          Array.from({ length: 11 }, () => 0),
        ),
      },
    ],
    ['points', { ...ok, points: last<number | null>(ok.probability, Number.POSITIVE_INFINITY) }],
  ])('refuses one bad %s element at the end of 10,000', (field, value) => {
    const parsed = ScoreVectors.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([field]);
  });

  it('checks calls: ids of 1-64 characters, not empty, bank inputs numbers only', () => {
    const call = { id: 'c1', replyTo: 'lab', deadline: 1, tenant: 'bank-a', modelId: 'mdl_x' };
    const ids = Array.from({ length: n }, (_, i) => `e${i}`);
    expect(ScoreCall.safeParse({ ...call, entities: ids }).success).toBe(true);
    expect(ScoreCall.safeParse({ ...call, entities: [] }).success).toBe(false);
    expect(ScoreCall.safeParse({ ...call, entities: last(ids, '') }).success).toBe(false);
    expect(ScoreCall.safeParse({ ...call, entities: last(ids, 'x'.repeat(65)) }).success).toBe(false);
    expect(ScoreCall.safeParse({ ...call, entities: last<unknown>(ids, 7) }).success).toBe(false);
    expect(ScoreCall.safeParse({ ...call, entities: ['a'], bankInputs: [[1, 2]] }).success).toBe(true);
    expect(ScoreCall.safeParse({ ...call, entities: ['a'], bankInputs: [[1, '2']] }).success).toBe(false);
  });

  it('a reply carries its vectors through the same checks', () => {
    const reply = { id: 'c1', ok: true, sandboxed: true, scores: ok };
    expect(ScoreReply.safeParse(reply).success).toBe(true);
    const bad = { ...reply, scores: { ...ok, probability: last(ok.probability, -0.1) } };
    expect(ScoreReply.safeParse(bad).success).toBe(false);
  });
});
