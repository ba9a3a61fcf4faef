// Tests of the streaming columnar loader on a hand-made domain and on a generated synthetic world.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidUscc } from '../../client-sdk/contract/uscc.ts';
import { generateWorld } from '../../scripts/synth/index.ts';
import { daysFromCivil } from './cell-parse.ts';
import { type Column, loadDomainTable } from './columns.ts';
import { type DomainManifest, loadManifest } from './manifest.ts';
import { col, testIds, testManifest, writeTestDomain } from './test-domain.ts';

const [A, B, C, D, E] = testIds(5) as [string, string, string, string, string];
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const values = (c: Column | undefined) => (c?.type === 'category' ? [...c.codes] : [...(c?.values ?? [])]);

describe('loadDomainTable on a hand-made domain', () => {
  let dir: string;
  let manifest: DomainManifest;
  beforeAll(async () => {
    // The key is not the first column, lines end in \r\n except the last, and one cell is quoted.
    const reg = [
      'age,entity_id,industry,active,founded',
      `3.5,${A},it,yes,2020-01-15`,
      `,${B},"Retail, wholesale",FALSE,2019-12-31T23:00:00-02:00`,
      `1,NOT-A-USCC,x,1,2020-01-01`,
      `99,${A},dup,no,2000-01-01`,
      `abc,${C},it,maybe,2020-02-30`,
      ` 12 ,${D}`,
    ].join('\r\n');
    const tax = `entity_id,paid\n${B},10\n${E},20\n${A},1e2\n`;
    dir = await writeTestDomain({}, { 'data/reg.csv': reg, 'elsewhere/tax.csv': tax });
    dirs.push(dir);
    const raw = testManifest([
      {
        name: 'reg',
        file: 'data/reg.csv',
        format: 'csv',
        key: 'entity_id',
        columns: [
          col('age', 'number'),
          col('industry', 'category'),
          col('active', 'boolean'),
          col('founded', 'date'),
        ],
      },
      // An absolute path, as the manifest allows.
      {
        name: 'tax',
        file: path.join(dir, 'elsewhere/tax.csv'),
        format: 'csv',
        key: 'entity_id',
        columns: [col('paid', 'number')],
      },
      // Never requested below except once: must not be opened otherwise.
      {
        name: 'gone',
        file: 'data/missing.csv',
        format: 'csv',
        key: 'entity_id',
        columns: [col('v', 'number')],
      },
    ]);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(raw)); // needs the folder's own path
    manifest = await loadManifest(dir);
  });

  it('outer-joins the datasets, parses every type and counts invalid and duplicate keys', async () => {
    const features = ['reg.age', 'reg.industry', 'reg.active', 'reg.founded', 'tax.paid'];
    const t = await loadDomainTable(dir, manifest, features);
    expect(t.entities).toEqual([A, B, C, D, E]);
    expect([...t.index]).toEqual([A, B, C, D, E].map((e, i) => [e, i]));
    expect([...t.columns.keys()]).toEqual(features);
    expect(values(t.columns.get('reg.age'))).toEqual([3.5, Number.NaN, Number.NaN, 12, Number.NaN]);
    const industry = t.columns.get('reg.industry');
    expect(industry).toMatchObject({ type: 'category', dictionary: ['it', 'Retail, wholesale'] });
    expect(values(industry)).toEqual([0, 1, 0, -1, -1]);
    expect(values(t.columns.get('reg.active'))).toEqual([1, 0, Number.NaN, Number.NaN, Number.NaN]);
    // 23:00 at UTC-2 is 01:00 UTC on 1 January 2020.
    expect(values(t.columns.get('reg.founded'))).toEqual([
      daysFromCivil(2020, 1, 15),
      daysFromCivil(2020, 1, 1),
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    expect(values(t.columns.get('tax.paid'))).toEqual([100, 10, Number.NaN, Number.NaN, 20]);
    expect(t.invalidKeys).toBe(1);
    expect(t.duplicateKeys).toBe(1);
    for (const c of t.columns.values()) expect(values(c).length).toBe(5);
  });

  it('reads only the datasets asked for, in the order of their files', async () => {
    const t = await loadDomainTable(dir, manifest, ['tax.paid']);
    expect(t.entities).toEqual([B, E, A]);
    expect(values(t.columns.get('tax.paid'))).toEqual([10, 20, 100]);
    expect(t.invalidKeys).toBe(0);
  });

  it('reads every dataset by default, naming a file it cannot open', async () => {
    await expect(loadDomainTable(dir, manifest)).rejects.toThrow(/data\/missing\.csv/);
  });

  it('refuses unknown features before reading anything', async () => {
    await expect(loadDomainTable(dir, manifest, ['reg.nope'])).rejects.toThrow(
      'feature reg.nope is not a column of domain d-test',
    );
    await expect(loadDomainTable(dir, manifest, ['nodot'])).rejects.toThrow('feature nodot is not a column');
  });

  it('names the file and the columns its header lacks', async () => {
    const m = structuredClone(manifest);
    m.datasets[1]!.columns.push({
      name: 'absent',
      type: 'number',
      category: 'other',
      sensitivity: 'public',
      description: '',
    });
    await expect(loadDomainTable(dir, m, ['tax.absent'])).rejects.toThrow(
      /tax\.csv: header lacks column\(s\) absent/,
    );
  });
});

describe('loadDomainTable on a synthetic world', () => {
  let root: string;
  beforeAll(async () => {
    root = path.join(tmpdir(), `jml-columns-${process.pid}`);
    await generateWorld({ out: root, enterprises: 3000, domains: 2, seed: 11 });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('matches a naive line-by-line reading of every file, column by column', async () => {
    const dir = path.join(root, 'domains', 'd-sh');
    const manifest = await loadManifest(dir);
    const t = await loadDomainTable(dir, manifest);
    const expected = (type: string, cell: string): number | string => {
      if (cell === '') return type === 'category' ? '' : Number.NaN;
      if (type === 'number') return Number(cell);
      if (type === 'boolean') return cell === 'true' ? 1 : cell === 'false' ? 0 : Number.NaN;
      if (type === 'date') return Date.parse(`${cell}T00:00:00Z`) / 86_400_000;
      return cell;
    };
    let invalid = 0;
    let duplicates = 0;
    let checked = 0;
    for (const ds of manifest.datasets) {
      const lines = (await readFile(path.join(dir, ds.file), 'utf8')).trim().split('\n');
      const header = lines[0]!.split(',');
      const seen = new Set<string>();
      for (const line of lines.slice(1)) {
        const cells = line.split(',');
        const id = cells[header.indexOf(ds.key)]!;
        if (!isValidUscc(id)) {
          invalid++;
          expect(t.index.has(id)).toBe(false);
          continue;
        }
        if (seen.has(id)) {
          duplicates++;
          continue;
        }
        seen.add(id);
        const r = t.index.get(id)!;
        expect(t.entities[r]).toBe(id);
        for (const c of ds.columns) {
          const column = t.columns.get(`${ds.name}.${c.name}`)!;
          const got =
            column.type === 'category'
              ? column.codes[r]! < 0
                ? ''
                : column.dictionary[column.codes[r]!]
              : column.values[r];
          expect(got).toBe(expected(c.type, cells[header.indexOf(c.name)]!));
          checked++;
        }
      }
    }
    expect(t.invalidKeys).toBe(invalid);
    expect(t.duplicateKeys).toBe(duplicates);
    expect(invalid).toBeGreaterThan(0); // the generator mistypes a few ids on purpose
    expect(checked).toBeGreaterThan(10_000);
    // An entity missing from a dataset has all of that dataset's columns missing.
    const taxRows = (await readFile(path.join(dir, 'data/tax.csv'), 'utf8'))
      .split('\n')
      .map((l) => l.split(',')[0]);
    const paid = t.columns.get('tax.annual_tax_paid')!;
    const absent = t.entities.filter((e) => !taxRows.includes(e));
    expect(absent.length).toBeGreaterThan(0);
    for (const e of absent) expect(paid.type === 'number' && paid.values[t.index.get(e)!]).toBeNaN();
  });
});
