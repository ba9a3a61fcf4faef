// End-to-end tests of the generated world: layout, manifests, ids, labels, authorisations, determinism.
import { createPublicKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainUscc, isValidUscc, usccProvince } from '../../client-sdk/contract/uscc.ts';
import { DomainManifest, loadManifest } from '../../enclave-worker/data/manifest.ts';
import { generateWorld, type WorldSummary } from './index.ts';
import { csv, snapshot } from './test-files.ts';

let root: string;
let out: string;
let world: WorldSummary;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'synth-world-'));
  out = path.join(root, 'a');
  world = await generateWorld({ out, enterprises: 12_000, domains: 3, seed: 7 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateWorld', () => {
  it('writes world.json matching the returned summary', async () => {
    expect(JSON.parse(await readFile(path.join(out, 'world.json'), 'utf8'))).toEqual(world);
    expect(world.domains.map((d) => d.id)).toEqual(['d-bj', 'd-sh', 'd-gd']);
    expect(world.domains.map((d) => d.regions)).toEqual([['110000'], ['310000'], ['440000']]);
    expect(world.domains.reduce((s, d) => s + d.enterprises, 0)).toBe(12_000);
    expect(world.domains[0]!.features).toContain('tax.annual_tax_paid');
    expect(world.domains[0]!.features.length).toBeGreaterThanOrEqual(12);
    for (const d of world.domains) expect(d.features).toEqual(expect.arrayContaining(world.commonFeatures));
    expect(world).toMatchObject({
      seed: 7,
      enterprises: 12_000,
      bank: 'bank-a',
      createdWith: 'scripts/synth',
    });
  });

  it('writes manifests that validate, with every declared column in the CSV header', async () => {
    for (const d of world.domains) {
      const dir = path.join(out, 'domains', d.id);
      const raw = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
      expect(DomainManifest.safeParse(raw).success).toBe(true);
      const manifest = await loadManifest(dir);
      expect(manifest).toMatchObject({ id: d.id, name: d.name, regions: d.regions, entityKey: 'uscc' });
      expect(manifest.datasets.map((ds) => ds.name)).toEqual(d.datasets);
      const names = (types: string[]) =>
        manifest.datasets.flatMap((ds) =>
          ds.columns.filter((c) => types.includes(c.type)).map((c) => `${ds.name}.${c.name}`),
        );
      expect(names(['number', 'boolean'])).toEqual(d.features);
      expect(names(['category'])).toEqual(d.categoryFeatures);
      for (const ds of manifest.datasets) {
        const { header, rows } = await csv(path.join(dir, ds.file));
        expect(header).toEqual([ds.key, ...ds.columns.map((c) => c.name)]);
        for (const r of rows) expect(r.length).toBe(header.length);
      }
    }
  });

  it('writes X25519 keys, the private one owner-only', async () => {
    for (const d of world.domains) {
      const dir = path.join(out, 'domains', d.id, 'keys');
      const pub = createPublicKey(await readFile(path.join(dir, 'domain.pub.pem'), 'utf8'));
      expect(pub.asymmetricKeyType).toBe('x25519');
      expect((await stat(path.join(dir, 'domain.key.pem'))).mode & 0o777).toBe(0o600);
    }
  });

  it('uses unique valid USCCs registered inside the domain, with patchy coverage', async () => {
    const all = new Set<string>();
    for (const d of world.domains) {
      const dir = path.join(out, 'domains', d.id, 'data');
      const ids = new Set<string>();
      let cells = 0;
      let blank = 0;
      for (const ds of d.datasets) {
        const { header, rows } = await csv(path.join(dir, `${ds}.csv`));
        const inFile = new Map<string, string>();
        let fileBlank = 0;
        for (const r of rows) {
          const line = r.join(',');
          if (!isValidUscc(r[0]!)) {
            // A deliberate defect (defects.ts): a firm's id with a wrong check character.
            expect(explainUscc(r[0]!), r[0]).toEqual({ ok: false, reason: 'check' });
            continue;
          }
          expect(usccProvince(r[0]!)).toBe(d.regions[0]!.slice(0, 2));
          const first = inFile.get(r[0]!);
          if (first !== undefined) {
            // A deliberate defect: the same row exported twice, byte for byte.
            expect(line).toBe(first);
            continue;
          }
          inFile.set(r[0]!, line);
          ids.add(r[0]!);
          fileBlank += r.slice(1).filter((c) => c === '').length;
        }
        // Some firms are absent from every department file but registration's near-complete roll.
        expect(inFile.size).toBeLessThan(d.enterprises);
        // Customs lists traders only: absence there is the rule, not missing data (see realism.test.ts).
        if (ds === 'customs') continue;
        // Absent rows count as missing cells too.
        cells += d.enterprises * (header.length - 1);
        blank += fileBlank + (d.enterprises - inFile.size) * (header.length - 1);
      }
      expect(ids.size).toBeLessThanOrEqual(d.enterprises);
      expect(ids.size).toBeGreaterThan(d.enterprises * 0.99);
      const missing = blank / cells;
      expect(missing).toBeGreaterThan(0.05);
      expect(missing).toBeLessThan(0.15);
      for (const id of ids) {
        expect(all.has(id)).toBe(false);
        all.add(id);
      }
    }
  });

  it('gives the bank a ~70% loan book with a 3–10% default rate and one authorisation per loan', async () => {
    const bank = path.join(out, 'banks', 'bank-a');
    const labels = await csv(path.join(bank, 'labels.csv'));
    expect(labels.header).toEqual([
      'entity',
      'label',
      'loan_amount',
      'term_months',
      'collateral',
      'internal_rating',
      'relationship_years',
    ]);
    expect(labels.rows.length).toBe(world.labels.rows);
    expect(world.labels.rows / world.enterprises).toBeGreaterThan(0.6);
    expect(world.labels.rows / world.enterprises).toBeLessThan(0.8);
    const rate = world.labels.positives / world.labels.rows;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.1);
    expect(labels.rows.filter((r) => r[1] === '1').length).toBe(world.labels.positives);
    for (const r of labels.rows) {
      expect(isValidUscc(r[0]!)).toBe(true);
      expect(Number(r[5])).toBeGreaterThanOrEqual(1);
      expect(Number(r[5])).toBeLessThanOrEqual(10);
      expect(['0', '1']).toContain(r[4]);
    }
    const provinces = new Set(labels.rows.map((r) => usccProvince(r[0]!)));
    expect(provinces).toEqual(new Set(['11', '31', '44']));

    const auths = await csv(path.join(bank, 'authorizations.csv'));
    expect(auths.header).toEqual(['entity', 'bank', 'purposes', 'granted_at', 'expires_at', 'evidence']);
    expect(auths.rows.map((r) => r[0])).toEqual(labels.rows.map((r) => r[0]));
    let expired = 0;
    for (const [, bankId, purposes, granted, expires, evidence] of auths.rows) {
      expect(bankId).toBe('bank-a');
      expect(purposes).toBe('modelling;scoring');
      expect(granted).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(expires! > granted!).toBe(true);
      expect(evidence).toMatch(/^esign:bank-a\//);
      if (expires! < '2026-11-01') expired++;
      else {
        expect(granted!.slice(0, 4)).toBe('2026');
        expect(expires! >= '2027-12-31').toBe(true);
      }
    }
    expect(expired / auths.rows.length).toBeGreaterThan(0.005);
    expect(expired / auths.rows.length).toBeLessThan(0.04);
  });

  it('is byte-identical for the same seed (keys aside) and differs for another seed', async () => {
    const again = path.join(root, 'b');
    await generateWorld({ out: again, enterprises: 12_000, domains: 3, seed: 7 });
    const a = await snapshot(out);
    const b = await snapshot(again);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [rel, text] of a) expect(b.get(rel) === text, rel).toBe(true);

    const other = path.join(root, 'c');
    await generateWorld({ out: other, enterprises: 12_000, domains: 3, seed: 8 });
    const c = await snapshot(other);
    expect(c.get(path.join('banks', 'bank-a', 'labels.csv'))).not.toBe(
      a.get(path.join('banks', 'bank-a', 'labels.csv')),
    );
  });

  it('clears domains of a previous run over the same folder', async () => {
    const dir = path.join(root, 'd');
    await generateWorld({ out: dir, enterprises: 300, domains: 5, seed: 1 });
    const small = await generateWorld({ out: dir, enterprises: 300, domains: 2, seed: 1 });
    expect((await readdir(path.join(dir, 'domains'))).sort()).toEqual(['d-bj', 'd-sh']);
    expect(small.domains.map((d) => d.regions[0])).toEqual(['110000', '310000']);
  });

  it('rejects bad options', async () => {
    await expect(generateWorld({ out: path.join(root, 'e'), domains: 99 })).rejects.toThrow(/domains/);
    await expect(generateWorld({ out: path.join(root, 'e'), enterprises: 0 })).rejects.toThrow(/enterprises/);
  });
});
