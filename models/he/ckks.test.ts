// Tests for CKKS aggregation: round trips, sums at the precision bar, packing, keyless addition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumUpdates, type Update } from '../strategy.ts';
import {
  addEncrypted,
  type Ckks,
  type CkksKeys,
  createCkks,
  decryptUpdate,
  encryptUpdate,
  sumEncrypted,
} from './ckks.ts';
import { compareUpdates, histogramUpdate, newtonUpdate } from './fixtures.ts';
import { MAX_ADDENDS, PARAMS_ID, SLOT_COUNT } from './params.ts';

let ckks: Ckks;
let keys: CkksKeys;
beforeAll(async () => {
  ckks = await createCkks();
  keys = ckks.generateKeys();
});
afterAll(() => ckks.dispose());

/** Encrypts each update, sums the ciphertexts and decrypts: the lab's path in one call. */
const heSum = (updates: Update[], counts: string[] = []): Update =>
  decryptUpdate(
    ckks,
    keys.secretKey,
    sumEncrypted(
      ckks,
      updates.map((u) => encryptUpdate(ckks, keys.publicKey, u, { counts })),
    ),
  );

describe('encryptUpdate / decryptUpdate', () => {
  it('round-trips an update, negatives and zeros included', () => {
    const update = { n: [3], grad: [-0.125, 0, 1e-3, -4.5e8, 123.456], loss: [-1e-7] };
    const back = decryptUpdate(ckks, keys.secretKey, encryptUpdate(ckks, keys.publicKey, update));
    expect(compareUpdates(back, update).violations).toEqual([]);
    expect(back['grad']!.slice(0, 2)).toEqual([-0.125, 0]);
    expect(back['n']).toEqual([3]);
  });

  it('records the layout in name order and fills as few ciphertexts as the slots allow', () => {
    const enc = encryptUpdate(
      ckks,
      keys.publicKey,
      { z: [1, 2], a: [3], counts: [4, 5, 6] },
      { counts: ['counts'] },
    );
    expect(enc).toMatchObject({ params: PARAMS_ID, sources: [expect.stringMatching(/^[0-9a-f]{32}$/)] });
    expect(enc.layout).toEqual([
      { field: 'a', length: 1, offset: 0, grid: 'real', scaleExp: -56, limbs: 5 },
      { field: 'counts', length: 3, offset: 5, grid: 'count', scaleExp: 0, limbs: 2 },
      { field: 'z', length: 2, offset: 11, grid: 'real', scaleExp: -56, limbs: 5 },
    ]);
    expect(enc.ciphertexts).toHaveLength(1);
  });

  it('spreads a 5,000-value update over several ciphertexts, fields straddling their boundaries', () => {
    const update = {
      a: Array.from({ length: 3001 }, (_, i) => i * 0.37 - 500),
      b: Array.from({ length: 1999 }, (_, i) => 1 - i),
    };
    const enc = encryptUpdate(ckks, keys.publicKey, update);
    expect(enc.ciphertexts).toHaveLength(Math.ceil((5000 * 5) / SLOT_COUNT));
    const back = decryptUpdate(ckks, keys.secretKey, enc);
    expect(compareUpdates(back, update).violations).toEqual([]);
    expect(back['b']).toEqual(update.b);
  });
});

describe('sums', () => {
  it('match sumUpdates per element for 5 mixed-magnitude Newton updates (41 features)', () => {
    const updates = [1, 2, 3, 4, 5].map((seed) => newtonUpdate(42, seed));
    const { worst, violations } = compareUpdates(heSum(updates), sumUpdates(updates));
    expect(violations).toEqual([]);
    // The float64 plain sum itself rounds; the CKKS sum is the correctly rounded exact sum.
    expect(worst).toBeLessThan(1e-13);
  });

  it('sum 1000-bin histograms of counts exactly, on either grid', () => {
    const updates = [7, 8, 9].map((seed) => histogramUpdate(1000, seed));
    expect(heSum(updates, ['neg', 'pos'])).toEqual(sumUpdates(updates));
    expect(heSum(updates)).toEqual(sumUpdates(updates));
  });

  it('handle values that cancel across domains and signs within a field', () => {
    const updates = [{ g: [1e9, -3.25, 1e-3] }, { g: [-1e9, 1.25, -2e-3] }, { g: [0.5, 2, 1e-3] }];
    const got = heSum(updates)['g']!;
    expect(got[0]).toBe(0.5);
    expect(got[1]).toBe(0);
    expect(Math.abs(got[2]!)).toBeLessThanOrEqual(1e-15);
  });

  it('stay exact at the addend limit with extreme digits, and refuse one more', () => {
    const big = { v: [2 ** 77 * 1.5, -(2 ** 77) * 1.5, 2 ** 77 - 2 ** 25] };
    const fresh = Array.from({ length: MAX_ADDENDS + 1 }, () => encryptUpdate(ckks, keys.publicKey, big));
    const total = sumEncrypted(ckks, fresh.slice(0, MAX_ADDENDS));
    expect(total.sources).toHaveLength(MAX_ADDENDS);
    expect(decryptUpdate(ckks, keys.secretKey, total)['v']).toEqual(big.v.map((x) => x * MAX_ADDENDS));
    expect(() => addEncrypted(ckks, total, fresh[MAX_ADDENDS]!)).toThrow(
      /129 addends exceed the limit of 128/,
    );
  });

  it('refuse to count one encryption twice (a wrong sum, and correlated noise)', () => {
    const a = encryptUpdate(ckks, keys.publicKey, { x: [1] });
    const b = encryptUpdate(ckks, keys.publicKey, { x: [2] });
    expect(() => addEncrypted(ckks, a, a)).toThrow(/counted twice/);
    expect(() => addEncrypted(ckks, addEncrypted(ckks, a, b), b)).toThrow(/counted twice/);
  });
});

describe('addEncrypted', () => {
  it('needs no job key: a separate context given only the envelopes adds, the key holder decrypts', async () => {
    const a = newtonUpdate(6, 21);
    const b = newtonUpdate(6, 22);
    const encA = encryptUpdate(ckks, keys.publicKey, a);
    const encB = encryptUpdate(ckks, keys.publicKey, b);
    const lab = await createCkks();
    try {
      const sum = addEncrypted(lab, encA, encB);
      expect(sum.sources).toEqual([...encA.sources, ...encB.sources]);
      expect(compareUpdates(decryptUpdate(ckks, keys.secretKey, sum), sumUpdates([a, b])).violations).toEqual(
        [],
      );
    } finally {
      lab.dispose();
    }
  });

  it('encrypts an empty update to one fresh ciphertext, so empty updates still add', () => {
    const a = encryptUpdate(ckks, keys.publicKey, { none: [] });
    const b = encryptUpdate(ckks, keys.publicKey, { none: [] });
    expect(a.ciphertexts).toHaveLength(1);
    expect(decryptUpdate(ckks, keys.secretKey, addEncrypted(ckks, a, b))).toEqual({ none: [] });
  });

  it('leaves its inputs untouched', () => {
    const encA = encryptUpdate(ckks, keys.publicKey, { x: [1] });
    const encB = encryptUpdate(ckks, keys.publicKey, { x: [2] });
    const before = structuredClone(encA);
    addEncrypted(ckks, encA, encB);
    expect(encA).toEqual(before);
  });
});
