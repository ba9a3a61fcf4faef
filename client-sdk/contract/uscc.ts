// Unified Social Credit Code (统一社会信用代码, GB 32100-2015): validation, parts and generation; browser-safe.
import { z } from 'zod';

/**
 * The 31 characters a USCC may use: digits and capitals minus I, O, Z, S, V (too easily misread).
 *
 * @example
 * USCC_CHARSET.indexOf('Y'); // 30, the value of Y in the check-character sum
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// Weight of position i (1-based) is 3^(i-1) mod 31; spelled out because the standard prints the table.
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
// GB 11714 organisation-code weights over its first 8 characters.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const REGION_SHAPE = /^\d{6}$/;
/** Each ASCII code's USCC value (its index in `USCC_CHARSET`), -1 for characters outside it. */
const CHAR_VALUE = Int8Array.from({ length: 128 }, (_, c) => USCC_CHARSET.indexOf(String.fromCharCode(c)));

/**
 * Why a string is not a USCC, in the order the checks run.
 *
 * @example
 * const r = explainUscc(code); const why: UsccProblem | null = r.ok ? null : r.reason;
 */
export type UsccProblem = 'length' | 'charset' | 'region' | 'check';

/**
 * Check character (position 18) for the first 17 characters: 31 − (Σ value·weight mod 31), 31 → '0'.
 *
 * @example
 * usccCheckChar('91350100M000100Y4'); // '3'
 */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`usccCheckChar needs 17 characters, got ${first17.length}`);
  const at = firstOutsideCharset(first17, 17);
  if (at >= 0) throw new RangeError(`'${first17[at]}' at position ${at + 1} is not a USCC character`);
  return USCC_CHARSET[checkValue(first17)]!;
}

/** The value of a char code in `USCC_CHARSET`, -1 for a character outside it. */
const charValue = (c: number) => (c < 128 ? CHAR_VALUE[c]! : -1);

/** The position of the first of `code`'s first `n` characters outside the charset, or -1. */
function firstOutsideCharset(code: string, n: number): number {
  for (let i = 0; i < n; i++) if (charValue(code.charCodeAt(i)) < 0) return i;
  return -1;
}

/** The check character's value for the first 17 characters (all in the charset): 31 − (Σ value·weight mod 31), 31 → 0. */
function checkValue(code: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += charValue(code.charCodeAt(i)) * USCC_WEIGHTS[i]!;
  return (31 - (sum % 31)) % 31;
}

/**
 * GB 11714 organisation-code check character for its first 8 characters: 11 − (Σ mod 11), 10 → 'X', 11 → '0'.
 * Letters count as A=10 … Z=35 (the full alphabet, unlike the USCC charset).
 *
 * @example
 * orgCodeCheckChar('M000100Y'); // '4'
 */
export function orgCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new RangeError(`'${first8}' is not 8 digits/capitals`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i]!, 36) * ORG_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * Whether a 9-character organisation code (USCC positions 9–17) carries a correct GB 11714 check character.
 *
 * @example
 * isValidOrgCode('M000100Y4'); // true
 */
export function isValidOrgCode(code9: string): boolean {
  return /^[0-9A-Z]{8}[0-9X]$/.test(code9) && orgCodeCheckChar(code9.slice(0, 8)) === code9[8];
}

/**
 * Explains why a code is (not) valid. Strict on the final check character; deliberately does NOT check
 * the embedded organisation-code check character (positions 9–17), because codes issued while
 * organisation codes were being phased out, and some individual-business codes, carry 9–17 segments
 * that fail GB 11714 yet are legitimate registrations. Use `isValidOrgCode` when you want that too.
 * Lowercase is rejected ('charset'): normalise with `toUpperCase()` first if your source is sloppy.
 *
 * @example
 * explainUscc('91350100M000100Y43'); // { ok: true }
 * explainUscc('91350100M000100Y44'); // { ok: false, reason: 'check' }
 */
export function explainUscc(code: string): { ok: true } | { ok: false; reason: UsccProblem } {
  const reason = usccProblem(code);
  return reason === null ? { ok: true } : { ok: false, reason };
}

/**
 * The first check `code` fails, or null: `explainUscc`'s checks on char codes, allocating nothing
 * (a score batch validates up to 10,000 ids per request).
 */
function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return 'length';
  if (firstOutsideCharset(code, 18) >= 0) return 'charset';
  for (let i = 2; i < 8; i++) if (charValue(code.charCodeAt(i)) > 9) return 'region';
  if (checkValue(code) !== charValue(code.charCodeAt(17))) return 'check';
  return null;
}

/**
 * Whether a string is a well-formed USCC with a correct check character (see `explainUscc`).
 *
 * @example
 * isValidUscc('91350100M000100Y43'); // true
 */
export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/**
 * The 6-digit administrative division code (GB/T 2260) in positions 3–8. Reads the structure only and
 * does not verify the check character, so routing code can ask about partly-trusted ids; validate with
 * `isValidUscc` when it matters. Throws if the code is not 18 characters with six digits there.
 *
 * @example
 * usccRegion('91440300MA5XXXXXXX'); // '440300'
 */
export function usccRegion(code: string): string {
  const region = code.length === 18 ? code.slice(2, 8) : '';
  if (!REGION_SHAPE.test(region)) throw new RangeError(`'${code}' has no division code in positions 3-8`);
  return region;
}

/**
 * The 2-digit province-level prefix of the division code (e.g. `44` for Guangdong).
 *
 * @example
 * usccProvince('91440300MA5XXXXXXX'); // '44'
 */
export function usccProvince(code: string): string {
  return usccRegion(code).slice(0, 2);
}

// Organisation-code bodies: legacy ones are mostly digits; post-2015 ones typically start with "MA".
const ORG_BODY_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function pick(rand: () => number, chars: string): string {
  return chars[Math.min(chars.length - 1, Math.floor(rand() * chars.length))]!;
}

/**
 * A random valid USCC for a division: registration authority '9' (market regulation), entity type '1'
 * (company), a GB 11714-valid organisation code, and the right check character. Deterministic for a
 * deterministic `rand`; does not guarantee uniqueness (callers dedupe).
 *
 * @example
 * const code = generateUscc(Math.random, '440300'); // any () => number in [0, 1); e.g. '91440300MA…'
 */
export function generateUscc(rand: () => number, regionCode: string): string {
  if (!REGION_SHAPE.test(regionCode)) throw new RangeError(`'${regionCode}' is not a 6-digit division code`);
  let body = '';
  if (rand() < 0.5) {
    for (let i = 0; i < 8; i++) body += pick(rand, '0123456789');
  } else {
    body = 'MA';
    for (let i = 0; i < 6; i++) body += pick(rand, ORG_BODY_CHARS);
  }
  const first17 = `91${regionCode}${body}${orgCodeCheckChar(body)}`;
  return first17 + usccCheckChar(first17);
}

/**
 * Zod schema for a USCC string (strict: uppercase, correct check character).
 *
 * @example
 * Uscc.parse('91350100M000100Y43');
 */
export const Uscc = z.string().refine(isValidUscc, 'not a valid Unified Social Credit Code (GB 32100-2015)');
export type Uscc = z.infer<typeof Uscc>;
