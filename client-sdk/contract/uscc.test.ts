// Tests for the USCC helpers: hand-checked real and constructed codes, plus generator properties.
import { describe, expect, it } from 'vitest';
import {
  explainUscc,
  generateUscc,
  isValidOrgCode,
  isValidUscc,
  orgCodeCheckChar,
  USCC_CHARSET,
  Uscc,
  usccCheckChar,
  usccProvince,
  usccRegion,
} from './uscc.ts';

// A tiny seeded PRNG so the property tests are reproducible (mulberry32).
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28; letters A=10 … Y=30 skipping I,O,S,V,Z.
const VALID: Array<[string, string]> = [
  // 9·1+1·3+3·9+5·27+0+1·26+0+0+M(21)·20+0+0+0+1·8+0+0+Y(30)·30+4·28 = 1640; 1640 mod 31 = 28; 31−28 = 3.
  // Org code M000100Y: 22·3+1·5+34·2 = 139; 139 mod 11 = 7; 11−7 = 4 ✓.
  ['91350100M000100Y43', 'the standard’s widely used Fuzhou example'],
  // 9+3+36+108+0+78+0+0+140+29+125+26+48+168+20+180+X(29)·28=812 → 1782; mod 31 = 15; 31−15 = 16 = G.
  // Org 71526726: 21+7+45+20+30+56+8+12 = 199; mod 11 = 1; 11−1 = 10 → X ✓.
  ['9144030071526726XG', 'Shenzhen Tencent Computer Systems (publicly cited)'],
  // 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831; mod 31 = 25; 31−25 = 6.
  ['914403001922038216', 'Huawei Technologies (publicly cited)'],
  // 9·1+1·3+1·9 + 1·20 + 3·24+9·10+6·30+2·28 = 439; mod 31 = 5; 31−5 = 26 = T.
  // Division 100000 is not a province: it marks central-level registration.
  ['91100000100003962T', 'Industrial and Commercial Bank of China (publicly cited)'],
  // 9·1+1·3+1·9 + 1·20 + 1·24+3·10+4·30+2·28 = 271; mod 31 = 23; 31−23 = 8.
  ['911000001000013428', 'Bank of China (publicly cited)'],
  // 9+3+27+81+0+26+0+0+140+261+225+78+40+120+0+150+224 = 1384; mod 31 = 20; 31−20 = 11 = B.
  ['91330100799655058B', 'publicly cited Hangzhou company'],
  // 9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168 = 966; mod 31 = 5; 31−5 = 26 = T.
  ['91440300708461136T', 'publicly cited Shenzhen company'],
  // 9+3+9+27+0+26+0+136+100+145+25+39+64+120+0+240+56 = 999; mod 31 = 7; 31−7 = 24 = Q.
  ['91110108551385082Q', 'publicly cited Haidian company'],
  // Constructed: org 10593925 → 3+0+45+90+15+72+8+10 = 243; mod 11 = 1 → 10 → X.
  // 9+3+9+27+0+26+0+85+20+0+125+117+24+216+20+150+812 = 1643 = 31·53 → 31 → '0'.
  ['9111010510593925X0', 'constructed: org check X, final check 31 → 0'],
  // Constructed: org 10205894 → 3+0+18+0+25+64+36+8 = 154 = 11·14 → 11 → '0'.
  // 9+3+27+27+0+26+16+85+20+0+50+0+40+192+90+120+0 = 705; mod 31 = 23; 31−23 = 8.
  ['913101151020589408', 'constructed: org check 11 → 0, Pudong'],
  // Constructed: 9+3+27+54+0+130+0+85+20+0+75+52+64+96+30+180+812 = 1637; mod 31 = 25; 31−25 = 6.
  ['9132050510348436X6', 'constructed: Suzhou'],
  // Constructed: 9+3+36+108+0+78+0+0+20+0+175+26+64+120+40+240+0 = 919; mod 31 = 20 → 11 = B.
  ['91440300107285480B', 'constructed: Shenzhen'],
  // Constructed with a WRONG org check (7 instead of X): 1643 − 812 + 7·28 = 1027; mod 31 = 4; 31−4 = 27 = U.
  // Accepted on purpose: explainUscc is strict on the final check only (legacy codes).
  ['91110105105939257U', 'constructed: bad org-code check, good final check'],
];

const INVALID: Array<[string, string]> = [
  ['91350100M000100Y44', 'check'], // right shape, check should be 3
  ['91350100M000100Y4X', 'check'],
  ['9144030071526726XH', 'check'], // Tencent with G → H
  ['914403001922038217', 'check'],
  ['91350100M000100Y4', 'length'],
  ['91350100M000100Y433', 'length'],
  ['', 'length'],
  [' 91350100M000100Y4', 'charset'], // leading space, 18 long
  ['91350100M000100I43', 'charset'], // I forbidden
  ['91350100M000100O43', 'charset'], // O forbidden
  ['91350100M000100Z43', 'charset'], // Z forbidden
  ['91350100M000100S43', 'charset'], // S forbidden
  ['91350100M000100V43', 'charset'], // V forbidden
  ['91350100m000100y43', 'charset'], // lowercase
  ['91350100M000100Y4-', 'charset'],
  ['9135A100M000100Y43', 'region'], // letter in the division code
  ['91MA0100M000100Y43', 'region'],
];

describe('USCC validation', () => {
  it.each(VALID)('%s is valid (%s)', (code) => {
    expect(explainUscc(code)).toEqual({ ok: true });
    expect(isValidUscc(code)).toBe(true);
    expect(Uscc.safeParse(code).success).toBe(true);
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it.each(INVALID)('%s is invalid (%s)', (code, reason) => {
    expect(explainUscc(code)).toEqual({ ok: false, reason });
    expect(isValidUscc(code)).toBe(false);
    const parsed = Uscc.safeParse(code);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('GB 32100-2015');
  });

  it('checks organisation codes separately (GB 11714)', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(isValidOrgCode('71526726X')).toBe(true);
    expect(isValidOrgCode('102058940')).toBe(true);
    expect(isValidOrgCode('105939257')).toBe(false);
    expect(isValidOrgCode('71526726')).toBe(false);
  });

  // The rules spelled out plainly (regexes, indexOf), independently of the char-code checks both
  // isValidUscc and explainUscc share.
  const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const referenceValid = (code: string) => {
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code) || !/^\d{6}$/.test(code.slice(2, 8))) return false;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(code[i]!) * WEIGHTS[i]!;
    return USCC_CHARSET[(31 - (sum % 31)) % 31] === code[17];
  };

  it('isValidUscc and explainUscc agree with the plainly written rules on valid codes, their mutations and odd strings', () => {
    const rand = seeded(11);
    const pool = `${USCC_CHARSET}IOZSVaz-é\u0000\u00ff\u4e2d`;
    const pick = () => pool[Math.floor(rand() * pool.length)]!;
    let valid = 0;
    for (let n = 0; n < 20_000; n++) {
      let code = generateUscc(rand, ['110105', '440300', '510100'][n % 3]!);
      const edits = Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const pos = Math.floor(rand() * 19);
        const what = rand();
        if (what < 0.6) code = code.slice(0, pos) + pick() + code.slice(pos + 1);
        else if (what < 0.8) code = code.slice(0, pos) + pick() + code.slice(pos);
        else code = code.slice(0, pos) + code.slice(pos + 1);
      }
      const expected = referenceValid(code);
      if (isValidUscc(code) !== expected) throw new Error(`${JSON.stringify(code)}: expected ${expected}`);
      if (explainUscc(code).ok !== expected)
        throw new Error(`${JSON.stringify(code)}: explainUscc, expected ${expected}`);
      if (expected) valid++;
    }
    // Both outcomes were exercised, and every kind of problem among the invalid ones.
    expect(valid).toBeGreaterThan(5000);
    expect(valid).toBeLessThan(15_000);
    for (const code of ['', '91440300MA5XXXXXX', '9144A300MA5XXXXXX3', '91440300MA5XXXXXXX\u4e2d'])
      expect(isValidUscc(code)).toBe(referenceValid(code));
  });

  it('rejects malformed input to usccCheckChar', () => {
    expect(() => usccCheckChar('123')).toThrow(RangeError);
    expect(() => usccCheckChar('91350100M000100I4')).toThrow(/position 16/);
  });

  it('extracts region and province', () => {
    expect(usccRegion('91350100M000100Y43')).toBe('350100');
    expect(usccProvince('9144030071526726XG')).toBe('44');
    // Structure only: routing may ask about an id whose check char is wrong.
    expect(usccRegion('91440300MA5XXXXXXX')).toBe('440300');
    expect(() => usccRegion('9135A100M000100Y43')).toThrow(RangeError);
    expect(() => usccProvince('short')).toThrow(RangeError);
  });
});

describe('generateUscc', () => {
  const regions = ['110105', '310115', '440300', '330100', '320500', '510100'];

  it('produces 1,000 valid codes in the requested division', () => {
    const rand = seeded(42);
    for (let i = 0; i < 1000; i++) {
      const region = regions[i % regions.length]!;
      const code = generateUscc(rand, region);
      expect(isValidUscc(code), code).toBe(true);
      expect(isValidOrgCode(code.slice(8, 17)), code).toBe(true);
      expect(usccRegion(code)).toBe(region);
      expect(code.slice(0, 2)).toBe('91');
    }
  });

  it('is deterministic for a seed', () => {
    const a = seeded(9);
    const b = seeded(9);
    for (let i = 0; i < 50; i++) expect(generateUscc(a, '440300')).toBe(generateUscc(b, '440300'));
  });

  it('rejects a malformed division code', () => {
    expect(() => generateUscc(seeded(1), '4403')).toThrow(RangeError);
  });

  it('any single-character change of a generated code makes it invalid', () => {
    // 31 is prime and every weight is non-zero mod 31, so one substitution always moves the sum.
    const rand = seeded(7);
    const alphabet = `${USCC_CHARSET}IOZSVabcxyz-`;
    for (let n = 0; n < 200; n++) {
      const code = generateUscc(rand, regions[n % regions.length]!);
      for (let pos = 0; pos < 18; pos++) {
        for (const ch of alphabet) {
          if (ch === code[pos]) continue;
          const flipped = code.slice(0, pos) + ch + code.slice(pos + 1);
          if (isValidUscc(flipped)) throw new Error(`${code} → ${flipped} still valid`);
        }
      }
    }
  });
});
