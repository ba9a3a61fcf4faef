// The world carries the intended signal: platform data clearly beats the bank's own features.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, type WorldSummary } from './index.ts';
import { measureSignal } from './signal.ts';
import { csv } from './test-files.ts';

let root: string;
let world: WorldSummary;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'synth-signal-'));
  world = await generateWorld({ out: root, enterprises: 12_000, domains: 3, seed: 7 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('default signal (N=12000, seed 7)', () => {
  it('platform-feature LR reaches AUC 0.78–0.85 and bank-only is ≥ 0.05 worse', async () => {
    const s = await measureSignal(root);
    console.log(`synth signal: ${JSON.stringify(s)}`);
    expect(s.holdoutRows).toBeGreaterThan(1500);
    expect(s.holdoutPositives).toBeGreaterThan(50);
    expect(s.platformAuc).toBeGreaterThanOrEqual(0.78);
    expect(s.platformAuc).toBeLessThanOrEqual(0.85);
    expect(s.bankAuc).toBeLessThanOrEqual(s.platformAuc - 0.05);
    // The bank's rating is not worthless — it just cannot match the platform.
    expect(s.bankAuc).toBeGreaterThan(0.55);
    // Features only some domains hold still pay when the others are mean-imputed.
    expect(s.commonAuc).toBeGreaterThan(s.bankAuc + 0.05);
    expect(s.commonAuc).toBeLessThanOrEqual(s.platformAuc + 0.01);
  });

  it('customs grade and high-tech certification are protective; a C customs grade is not', async () => {
    const labels = new Map(
      (await csv(path.join(root, 'banks', 'bank-a', 'labels.csv'))).rows.map((r) => [r[0]!, r[1]]),
    );
    const rates = new Map<string, { n: number; bad: number }>();
    const count = (key: string, entity: string): void => {
      const label = labels.get(entity);
      if (label === undefined) return;
      const r = rates.get(key) ?? { n: 0, bad: 0 };
      r.n++;
      r.bad += label === '1' ? 1 : 0;
      rates.set(key, r);
    };
    for (const d of world.domains) {
      const file = (ds: string): string => path.join(root, 'domains', d.id, 'data', `${ds}.csv`);
      for (const r of (await csv(file('qualifications'))).rows) count(`high_tech=${r[1]}`, r[0]!);
      if (!d.datasets.includes('customs')) continue;
      for (const r of (await csv(file('customs'))).rows)
        count(`customs=${r[2] === 'AA' ? 'A' : r[2]}`, r[0]!);
    }
    const rate = (key: string): number => rates.get(key)!.bad / rates.get(key)!.n;
    expect(rates.get('high_tech=true')!.n).toBeGreaterThan(300);
    expect(rate('high_tech=true')).toBeLessThan(0.5 * rate('high_tech=false'));
    expect(rates.get('customs=C')!.n).toBeGreaterThan(30);
    expect(rate('customs=C')).toBeGreaterThan(2 * rate('customs=B'));
    expect(rate('customs=A')).toBeLessThan(0.5 * rate('customs=B'));
  });
});
