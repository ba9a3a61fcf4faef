// The world carries the intended signal: platform data clearly beats the bank's own features.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld } from './index.ts';
import { measureSignal } from './signal.ts';

let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('default signal (N=12000, seed 7)', () => {
  it('platform-feature LR reaches AUC 0.78–0.85 and bank-only is ≥ 0.05 worse', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'synth-signal-'));
    await generateWorld({ out: root, enterprises: 12_000, domains: 3, seed: 7 });
    const s = await measureSignal(root);
    console.log(`synth signal: ${JSON.stringify(s)}`);
    expect(s.holdoutRows).toBeGreaterThan(1500);
    expect(s.holdoutPositives).toBeGreaterThan(50);
    expect(s.platformAuc).toBeGreaterThanOrEqual(0.78);
    expect(s.platformAuc).toBeLessThanOrEqual(0.85);
    expect(s.bankAuc).toBeLessThanOrEqual(s.platformAuc - 0.05);
    // The bank's rating is not worthless — it just cannot match the platform.
    expect(s.bankAuc).toBeGreaterThan(0.55);
  });
});
