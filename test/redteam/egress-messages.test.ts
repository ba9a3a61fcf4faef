// Red team: a compromised enclave tries to smuggle rows out inside its replies. Control: the
// broker's egress guard, which parses every reply strictly, caps its size and compares every
// update with the shape the model kind declares. Each reply below is what such an enclave would
// send over IPC; each is refused with its own code.
import { describe, expect, it } from 'vitest';
import {
  checkInputs,
  checkScores,
  checkUpdate,
  EgressRefusal,
  guardedParse,
} from '../../enclave-worker/egress-guard.ts';
import { RoundResult, ScoreResultBody } from '../../enclave-worker/protocol.ts';
import type { TrainSetup } from '../../lab/infra/task-protocol.ts';
import { evaluationShape } from '../../models/evaluation.ts';
import type { RoundInstruction } from '../../models/strategy.ts';

const d = 3;
const setup: TrainSetup = {
  modelKind: 'logistic',
  encoding: { inputs: ['a', 'b', 'c'].map((c) => ({ kind: 'value' as const, source: `t.${c}` })) },
  bankFeatures: [],
  labels: { source: 'domain', column: 't.y' },
  validation: { split: 'hash', holdoutFraction: 0.2, seed: 1 },
  minCohort: 50,
  minClassCohort: 20,
  egress: { tenant: 'bank-a', grantedPersonal: [], maxPayloadBytes: 1 << 20 },
  dp: false,
  modelConfig: { kind: 'logistic' },
  he: null,
};
const loaded = { train: 800, holdout: 200, positives: 80 };
const newton = { phase: 'newton', params: { beta: [0, 0, 0, 0], means: [0, 0, 0], stds: [1, 1, 1] } };
const honest = () => ({
  update: { grad: [0, 0, 0, 0], hess: new Array((d + 1) ** 2).fill(0), loss: [1], n: [800] },
  rows: { train: 800, holdout: 200 },
  computeMs: 1,
});

/** Runs a reply through the guard the way the broker does; returns the refusal code or 'passed'. */
function guard(
  reply: unknown,
  instruction: RoundInstruction = newton,
  maxBytes = setup.egress.maxPayloadBytes,
): string {
  try {
    const body = guardedParse(RoundResult, reply, maxBytes);
    checkUpdate(body.update, setup, instruction, loaded);
    return 'passed';
  } catch (err) {
    if (err instanceof EgressRefusal) return err.code;
    throw err;
  }
}

describe('red team: enclave replies carrying rows', () => {
  it('an honest Newton reply passes (so the refusals below are not vacuous)', () => {
    expect(guard(honest())).toBe('passed');
    const evaluation = Object.fromEntries(
      Object.entries(evaluationShape()).map(([k, n]) => [k, new Array(n).fill(0)]),
    );
    expect(guard({ ...honest(), update: evaluation }, { phase: 'evaluate', params: {} })).toBe('passed');
  });

  it('attack: an extra top-level field beside the update — control: strict reply schema → unexpected_field', () => {
    expect(guard({ ...honest(), rowsDump: [[1, 2, 3]] })).toBe('unexpected_field');
  });

  it('attack: an extra field inside the update — control: declared update shape → unexpected_field', () => {
    const reply = honest();
    expect(guard({ ...reply, update: { ...reply.update, extra: [1, 2, 3] } })).toBe('unexpected_field');
  });

  it('attack: an update vector with one value per training row — control: declared shape → row_shaped', () => {
    const reply = honest();
    const perRow = Array.from({ length: loaded.train }, (_, i) => i % 7);
    expect(guard({ ...reply, update: { ...reply.update, loss: perRow } })).toBe('row_shaped');
    expect(guard({ ...reply, update: { ...reply.update, rows: new Array(loaded.holdout).fill(1) } })).toBe(
      'row_shaped',
    );
  });

  it('attack: a vector of another length (a few rows packed in) — control: declared shape → shape_mismatch', () => {
    const reply = honest();
    expect(guard({ ...reply, update: { ...reply.update, grad: [0, 0, 0, 0, 41.5, 7] } })).toBe(
      'shape_mismatch',
    );
  });

  it('attack: an oversized payload — control: payload cap → payload_too_large (checked before parsing)', () => {
    const huge = { ...honest(), update: { grad: new Array(400_000).fill(123456.789) } };
    expect(guard(huge)).toBe('payload_too_large');
  });

  it('attack: a non-finite value or wrong type — control: strict schema → shape_mismatch', () => {
    const reply = honest();
    expect(guard({ ...reply, update: { ...reply.update, loss: ['row 17: 91350100M000100Y43'] } })).toBe(
      'shape_mismatch',
    );
  });

  it('attack: more scores than entities asked, an entity id or values in a score, points from a model without a table — control: score guard', () => {
    const asked = (kind: 'logistic' | 'scorecard', entityKey: 'uscc' | 'opaque' = 'uscc') => ({
      entities: ['A1'],
      entityKey,
      model: { id: 'mdl_x', kind, encoding: setup.encoding, bankFeatures: [], parameters: {} },
    });
    const code = (scores: unknown, a = asked('logistic')) => {
      try {
        checkScores(guardedParse(ScoreResultBody, { scores }, 1 << 20).scores, a);
        return 'passed';
      } catch (err) {
        return (err as EgressRefusal).code;
      }
    };
    // The model's three sources are t.a, t.b, t.c: reason codes index them.
    expect(code({ probability: [0.1], reasons: [[0, 2]] })).toBe('passed');
    expect(code({ probability: [0.1], points: [612.5], reasons: [[]] }, asked('scorecard'))).toBe('passed');
    expect(code({ probability: [null], reasons: [[]] }, asked('logistic', 'opaque'))).toBe('passed');
    // A second score rides along for an entity nobody asked about.
    expect(code({ probability: [0.1, 0.2], reasons: [[], []] })).toBe('unrequested_entity');
    expect(code({ probability: [], reasons: [] })).toBe('unrequested_entity');
    // Every requested enterprise of a USCC domain is answered; silence would itself say something.
    expect(code({ probability: [null], reasons: [[]] })).toBe('shape_mismatch');
    expect(code({ probability: [0.1], points: [93000], reasons: [[]] })).toBe('shape_mismatch');
    expect(code({ probability: [0.1], reasons: [[]] }, asked('scorecard'))).toBe('shape_mismatch');
    expect(code({ probability: [1.5], reasons: [[]] })).toBe('shape_mismatch');
    // A value smuggled as a reason index, or as a name, or in an extra field.
    expect(code({ probability: [0.1], reasons: [[93000]] })).toBe('unexpected_field');
    expect(code({ probability: [0.1], reasons: [['t.a=93000']] })).toBe('shape_mismatch');
    expect(code({ probability: [0.1], reasons: [[0.5]] })).toBe('shape_mismatch');
    expect(code({ probability: [0.1], reasons: [[]], tax: [93000] })).toBe('unexpected_field');
    expect(code({ probability: [null], reasons: [[1]] }, asked('logistic', 'opaque'))).toBe(
      'unexpected_field',
    );
  });

  it('attack: a personal column no approval granted, and an identifier — control: input check against the domain manifest', () => {
    const manifest = {
      datasets: [
        {
          name: 't',
          key: 'entity_id',
          columns: [
            { name: 'a', sensitivity: 'public' },
            { name: 'b', sensitivity: 'personal' },
            { name: 'c', sensitivity: 'public' },
            { name: 'y', sensitivity: 'public' },
          ],
        },
      ],
    } as unknown as Parameters<typeof checkInputs>[1];
    const code = (s: TrainSetup) => {
      try {
        checkInputs(s, manifest);
        return 'passed';
      } catch (err) {
        return (err as EgressRefusal).code;
      }
    };
    expect(code(setup)).toBe('personal_feature');
    expect(code({ ...setup, egress: { ...setup.egress, grantedPersonal: ['t.b'] } })).toBe('passed');
    const withKey = {
      ...setup,
      egress: { ...setup.egress, grantedPersonal: ['t.b'] },
      encoding: { inputs: [{ kind: 'value' as const, source: 't.entity_id' }] },
    };
    expect(code(withKey)).toBe('identifier_feature');
  });
});
