// Tests of the dense feature table the enclave builds on top of the columnar loader.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysFromCivil } from './cell-parse.ts';
import { type DomainManifest, loadManifest } from './manifest.ts';
import { gatherRows, loadFeatureTable } from './table.ts';
import { col, testIds, testManifest, writeTestDomain } from './test-domain.ts';

const [A, B, C] = testIds(3) as [string, string, string];
let dir: string;
let manifest: DomainManifest;

beforeAll(async () => {
  const manifestRaw = testManifest([
    {
      name: 'reg',
      file: 'data/reg.csv',
      format: 'csv',
      key: 'entity_id',
      columns: [col('age', 'number'), col('industry', 'category'), col('founded', 'date')],
    },
    { name: 'tax', file: 'data/tax.csv', format: 'csv', key: 'entity_id', columns: [col('vat', 'boolean')] },
  ]);
  dir = await writeTestDomain(manifestRaw, {
    'data/reg.csv': `entity_id,age,industry,founded\n${A},2,it,1970-01-11\n${B},,retail,\n`,
    'data/tax.csv': `entity_id,vat\n${C},yes\n${A},no\n`,
  });
  manifest = await loadManifest(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadFeatureTable', () => {
  it('lays number, date and boolean features out row-major, NaN where missing', async () => {
    const t = await loadFeatureTable(dir, manifest, ['tax.vat', 'reg.age', 'reg.founded']);
    expect(t.features).toEqual(['tax.vat', 'reg.age', 'reg.founded']);
    expect([...t.index.keys()]).toEqual([A, B, C]);
    expect([...t.x]).toEqual([
      0,
      2,
      daysFromCivil(1970, 1, 11),
      Number.NaN,
      Number.NaN,
      Number.NaN,
      1,
      Number.NaN,
      Number.NaN,
    ]);
  });

  it('refuses a category feature and an unknown one with a clear message', async () => {
    await expect(loadFeatureTable(dir, manifest, ['reg.industry'])).rejects.toThrow(
      'feature reg.industry is a category column of domain d-test',
    );
    await expect(loadFeatureTable(dir, manifest, ['reg.nope'])).rejects.toThrow(
      'feature reg.nope is not a column of domain d-test',
    );
  });

  it('gathers rows by entity, NaN rows for entities the domain does not hold', async () => {
    const t = await loadFeatureTable(dir, manifest, ['reg.age', 'tax.vat']);
    expect([...gatherRows(t, [C, 'unknown', A])]).toEqual([Number.NaN, 1, Number.NaN, Number.NaN, 2, 0]);
  });
});
