// Tests of the world's realism: datasets missing by domain, customs traders, types, declared ranges, defects.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidUscc, usccCheckChar } from '../../client-sdk/contract/uscc.ts';
import { loadManifest } from '../../enclave-worker/data/manifest.ts';
import { AS_OF, ageOn } from './cells.ts';
import { COASTAL_DOMAINS } from './datasets.ts';
import { outsideRange } from './defects.ts';
import { generateWorld, type WorldSummary } from './index.ts';
import { csv } from './test-files.ts';

let root: string;
let world: WorldSummary;
const rowsOf = async (file: string): Promise<string[][]> => (await csv(file)).rows;
const data = (d: string, ds: string): string => path.join(root, 'a', 'domains', d, 'data', `${ds}.csv`);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'synth-realism-'));
  world = await generateWorld({ out: path.join(root, 'a'), enterprises: 12_000, domains: 3, seed: 7 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('synthetic world realism', () => {
  it('holds whole datasets only in some domains, and reports common features', async () => {
    const [bj, sh, gd] = world.domains;
    const base = ['registration', 'tax', 'social_insurance'];
    expect(bj!.datasets).toEqual([...base, 'judicial', 'penalties', 'qualifications']);
    for (const d of [sh!, gd!]) {
      expect(d.datasets).toEqual([
        ...base,
        'utilities',
        'judicial',
        'penalties',
        'customs',
        'qualifications',
      ]);
      expect(d.features).toContain('customs.import_export_value');
      expect(d.categoryFeatures).toEqual([
        'registration.industry',
        'tax.tax_grade',
        'customs.customs_credit_grade',
      ]);
    }
    expect(bj!.categoryFeatures).toEqual(['registration.industry', 'tax.tax_grade']);
    expect(bj!.features).toContain('qualifications.high_tech_certified');
    expect(world.commonFeatures).toEqual(bj!.features);
    expect(world.commonFeatures.some((f) => /^(utilities|customs)\./.test(f))).toBe(false);

    const all = await generateWorld({ out: path.join(root, 'b'), enterprises: 1_500, domains: 8, seed: 2 });
    for (const d of all.domains) {
      expect(d.datasets.includes('customs'), d.id).toBe(COASTAL_DOMAINS.includes(d.id));
      expect(d.datasets.includes('utilities'), d.id).toBe(d.id !== 'd-bj');
      expect(d.datasets.includes('qualifications'), d.id).toBe(d.id !== 'd-hb');
      const manifest = await loadManifest(path.join(root, 'b', 'domains', d.id));
      expect(manifest.datasets.map((ds) => ds.name)).toEqual(d.datasets);
      const files = await readdir(path.join(root, 'b', 'domains', d.id, 'data'));
      expect(files.sort()).toEqual(d.datasets.map((n) => `${n}.csv`).sort());
    }
    expect(all.commonFeatures.some((f) => /^(utilities|customs|qualifications)\./.test(f))).toBe(false);
    expect(all.commonFeatures).toContain('tax.annual_tax_paid');
  });

  it('lists only traders in customs: a minority, mostly factories and wholesalers, heavy-tailed', async () => {
    for (const d of world.domains.filter((x) => x.datasets.includes('customs'))) {
      const industry = new Map((await rowsOf(data(d.id, 'registration'))).map((r) => [r[0]!, r[3]!]));
      const customs = (await rowsOf(data(d.id, 'customs'))).filter((r) => isValidUscc(r[0]!));
      const traders = new Set(customs.map((r) => r[0]!));
      expect(traders.size / d.enterprises).toBeGreaterThan(0.1);
      expect(traders.size / d.enterprises).toBeLessThan(0.4);
      const share = (ind: string): number => {
        const firms = [...industry].filter(([, i]) => i === ind).map(([id]) => id);
        return firms.filter((id) => traders.has(id)).length / firms.length;
      };
      expect(share('manufacturing')).toBeGreaterThan(3 * share('catering'));
      expect(share('wholesale_retail')).toBeGreaterThan(3 * share('real_estate'));
      for (const r of customs) expect(['AA', 'A', 'B', 'C', '']).toContain(r[2]);
      const values = customs
        .filter((r) => r[1] !== '' && Number(r[1]) >= 0)
        .map((r) => Number(r[1]))
        .sort((a, b) => a - b);
      const q = (p: number): number => values[Math.floor(p * (values.length - 1))]!;
      expect(q(0.99) / q(0.5)).toBeGreaterThan(20);
    }
  });

  it('writes booleans as true/false and registration dates consistent with age_years', async () => {
    const manifest = await loadManifest(path.join(root, 'a', 'domains', 'd-gd'));
    const registration = manifest.datasets.find((ds) => ds.name === 'registration')!;
    expect(registration.dateColumn).toBe('established_on');
    expect(registration.columns.find((c) => c.name === 'established_on')?.type).toBe('date');
    const flags = (await rowsOf(data('d-gd', 'qualifications'))).map((r) => r[1]!);
    expect(new Set(flags)).toEqual(new Set(['true', 'false', '']));
    expect(flags.filter((f) => f === 'true').length / flags.length).toBeGreaterThan(0.02);
    let checked = 0;
    for (const [, age, , , , date] of await rowsOf(data('d-gd', 'registration'))) {
      if (date === '') continue;
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(date! <= AS_OF).toBe(true);
      if (age === '' || Number(age) < 0 || Number(age) > 100) continue; // blank, or a deliberate defect
      expect(Math.abs(ageOn(date!) - Number(age))).toBeLessThanOrEqual(0.052); // 0.05 from age_years' one decimal, 0.0014 from whole days
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('declares ranges, and breaks them, ids and rows deliberately at small rates', async () => {
    let rows = 0;
    let badIds = 0;
    let duplicates = 0;
    let ranged = 0;
    let outside = 0;
    for (const d of world.domains) {
      const manifest = await loadManifest(path.join(root, 'a', 'domains', d.id));
      for (const ds of manifest.datasets) {
        const numbers = ds.columns.flatMap((c, i) => (c.type === 'number' ? [{ c, i: i + 1 }] : []));
        for (const { c } of numbers) expect(c.range, `${ds.name}.${c.name}`).toBeDefined();
        const seen = new Set<string>();
        for (const r of await rowsOf(data(d.id, ds.name))) {
          rows++;
          const line = r.join(',');
          if (seen.has(line)) duplicates++;
          seen.add(line);
          if (!isValidUscc(r[0]!)) {
            badIds++;
            // The true id is one check character away and registered in this domain.
            const fixed = r[0]!.slice(0, 17) + usccCheckChar(r[0]!.slice(0, 17));
            expect(fixed.slice(2, 4)).toBe(d.regions[0]!.slice(0, 2));
          }
          for (const { c, i } of numbers) {
            ranged++;
            if (r[i] !== '' && outsideRange(Number(r[i]), c.range!)) outside++;
          }
        }
      }
    }
    expect(badIds / rows).toBeGreaterThan(0.001);
    expect(badIds / rows).toBeLessThan(0.003);
    expect(duplicates / rows).toBeGreaterThan(0.0005);
    expect(duplicates / rows).toBeLessThan(0.0016);
    expect(outside / ranged).toBeGreaterThan(0.0005);
    expect(outside / ranged).toBeLessThan(0.0016);
    // Defects stay in the department files: the bank's files carry valid ids only.
    for (const file of ['labels.csv', 'authorizations.csv']) {
      for (const r of await rowsOf(path.join(root, 'a', 'banks', 'bank-a', file))) {
        expect(isValidUscc(r[0]!)).toBe(true);
      }
    }
  });
});
