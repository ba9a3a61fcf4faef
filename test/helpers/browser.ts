// Debian's Chromium for browser tests: where it is, whether a test may skip without it, how it starts.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's package puts it here (`.ci/run` installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether a browser test runs: always in CI (where a missing browser is a failure), elsewhere
 * only when Chromium is installed (with a warning naming `what` when it is not).
 *
 * @example
 * describe.skipIf(!browserTestsRun('console e2e'))('…', () => { … });
 */
export function browserTestsRun(what: string): boolean {
  const present = existsSync(CHROMIUM);
  const inCi = process.env.CI === 'true';
  if (!present && !inCi) console.warn(`${what}: skipped, no chromium at ${CHROMIUM} (CI installs it)`);
  return present || inCi;
}

/**
 * Starts headless Chromium; throws when it is not installed (in CI the test must fail, not skip).
 * The flags keep it off the closed network (no background services, no QUIC).
 *
 * @example
 * const browser = await launchChromium();
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: CI must install it (see .ci/run)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
