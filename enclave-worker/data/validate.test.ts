// Tests of domain validation: one broken manifest per case, each error naming the file and the field.
import { chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../scripts/synth/index.ts';
import { col, testManifest, writeTestDomain } from './test-domain.ts';
import { DomainValidationError, validateDomain } from './validate.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const DATA = {
  'data/reg.csv': 'entity_id,age,industry,active,founded\n91350100M000100Y43,3,it,true,2020-01-01\n',
  'data/tax.csv': 'paid,entity_id\n1.5,91350100M000100Y43\n',
};

/** A valid manifest as plain JSON, for each test to break in one place. */
function good(): { datasets: Record<string, unknown>[] } & Record<string, unknown> {
  return testManifest([
    {
      name: 'reg',
      file: 'data/reg.csv',
      format: 'csv',
      key: 'entity_id',
      columns: [
        col('age', 'number', { range: { min: 0, max: 200 } }),
        col('industry', 'category'),
        col('active', 'boolean'),
        col('founded', 'date'),
      ],
      dateColumn: 'founded',
    },
    { name: 'tax', file: 'data/tax.csv', format: 'csv', key: 'entity_id', columns: [col('paid', 'number')] },
  ]) as { datasets: Record<string, unknown>[] } & Record<string, unknown>;
}

async function domain(manifest: unknown, files: Record<string, string> = DATA): Promise<string> {
  const dir = await writeTestDomain(manifest, files);
  dirs.push(dir);
  return dir;
}

/** Validates and returns the error message, failing the test if validation passes. */
async function failure(dir: string): Promise<string> {
  const err = await validateDomain(dir).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(err, 'validation should fail').toBeInstanceOf(Error);
  return err!.message;
}

const columnsOf = (m: ReturnType<typeof good>, i: number) =>
  m.datasets[i]!['columns'] as Record<string, unknown>[];

describe('validateDomain', () => {
  it('returns the manifest of a sound domain, range and dateColumn included', async () => {
    const dir = await domain(good());
    const manifest = await validateDomain(dir);
    expect(manifest.datasets[0]!.dateColumn).toBe('founded');
    expect(manifest.datasets[0]!.columns[0]!.range).toEqual({ min: 0, max: 200 });
  });

  it('unknown column type: names the manifest and datasets.0.columns.3.type', async () => {
    const m = good();
    columnsOf(m, 0)[3]!['type'] = 'timestamp';
    const dir = await domain(m);
    const msg = await failure(dir);
    expect(msg).toContain(path.join(dir, 'manifest.json'));
    expect(msg).toContain("field 'datasets.0.columns.3.type'");
  });

  it('missing data file: names the manifest, datasets.1.file and the missing path', async () => {
    const m = good();
    m.datasets[1]!['file'] = 'data/nope.csv';
    const dir = await domain(m);
    const msg = await failure(dir);
    expect(msg).toContain(`${path.join(dir, 'manifest.json')}: field 'datasets.1.file' data file`);
    expect(msg).toContain(`${path.join(dir, 'data/nope.csv')} does not exist`);
  });

  // Root reads every file whatever its mode, so this case can only be shown as another user.
  it.skipIf(process.getuid?.() === 0)('unreadable data file: says so', async () => {
    const dir = await domain(good());
    await chmod(path.join(dir, 'data/tax.csv'), 0o000);
    expect(await failure(dir)).toMatch(/datasets\.1\.file' data file .*tax\.csv is not readable/);
  });

  it('duplicate column: names the manifest and datasets.0.columns.2.name', async () => {
    const m = good();
    columnsOf(m, 0)[2]!['name'] = 'age';
    const dir = await domain(m);
    const msg = await failure(dir);
    expect(msg).toContain(path.join(dir, 'manifest.json'));
    expect(msg).toContain("field 'datasets.0.columns.2.name' duplicate column age");
  });

  it('duplicate dataset name: names datasets.1.name', async () => {
    const m = good();
    m.datasets[1]!['name'] = 'reg';
    const msg = await failure(await domain(m));
    expect(msg).toContain("field 'datasets.1.name' duplicate dataset reg");
  });

  it('bad sensitivity: names the manifest and datasets.0.columns.1.sensitivity', async () => {
    const m = good();
    columnsOf(m, 0)[1]!['sensitivity'] = 'secret';
    const dir = await domain(m);
    const msg = await failure(dir);
    expect(msg).toContain(path.join(dir, 'manifest.json'));
    expect(msg).toContain("field 'datasets.0.columns.1.sensitivity'");
  });

  it('CSV header disagreeing with the manifest: names the data file, the missing and the extra columns', async () => {
    const dir = await domain(good(), {
      ...DATA,
      'data/reg.csv':
        'entity_id,age,sector,active,founded,notes\n91350100M000100Y43,3,it,true,2020-01-01,x\n',
    });
    const err = await validateDomain(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainValidationError);
    const file = path.join(dir, 'data/reg.csv');
    expect((err as DomainValidationError).problems).toEqual([
      {
        file,
        field: 'datasets.0.columns.1',
        message: 'declared column industry is missing from the CSV header',
      },
      { file, field: 'datasets.0.columns', message: 'CSV header has undeclared column(s) sector, notes' },
    ]);
    expect((err as Error).message).toContain(
      `${file}: field 'datasets.0.columns.1' declared column industry`,
    );
  });

  it('CSV header without the key or with a repeated column: names datasets.N.key and datasets.N.file', async () => {
    const dir = await domain(good(), { ...DATA, 'data/tax.csv': 'paid,id,paid\n1,x,2\n' });
    const msg = await failure(dir);
    const file = path.join(dir, 'data/tax.csv');
    expect(msg).toContain(`${file}: field 'datasets.1.key' CSV header lacks the key column entity_id`);
    expect(msg).toContain(`${file}: field 'datasets.1.file' CSV header repeats column(s) paid`);
  });

  it('invalid JSON: names the manifest, the root field and the complaint of the parser', async () => {
    const dir = await domain('{\n  "id": "d-test",\n  "name": oops\n}');
    const msg = await failure(dir);
    expect(msg).toContain(`${path.join(dir, 'manifest.json')}: field '(root)' is not valid JSON`);
    expect(msg).toContain("Unexpected token 'o'");
    // When the engine reports a position, it is turned into a line and column.
    const trailing = await failure(await domain('{\n  "id": "d-test",\n}'));
    expect(trailing).toContain("field '(root)' is not valid JSON at line 3, column 1");
  });

  it('missing key files: names the manifest and keys.publicKey / keys.privateKey', async () => {
    const m = good();
    m['keys'] = { publicKey: 'keys/none.pub.pem', privateKey: '/nonexistent/domain.key.pem' };
    const dir = await domain(m);
    const msg = await failure(dir);
    const manifestFile = path.join(dir, 'manifest.json');
    expect(msg).toContain(
      `${manifestFile}: field 'keys.publicKey' key file ${path.join(dir, 'keys/none.pub.pem')} does not exist`,
    );
    expect(msg).toContain(
      `${manifestFile}: field 'keys.privateKey' key file /nonexistent/domain.key.pem does not exist`,
    );
  });

  it('key declared as a feature column: allowed only as an identifier', async () => {
    const m = good();
    columnsOf(m, 1).unshift(col('entity_id', 'category'));
    const msg = await failure(await domain(m));
    expect(msg).toContain("field 'datasets.1.columns.0.sensitivity' column entity_id is the dataset's key");
    columnsOf(m, 1)[0]!['sensitivity'] = 'identifier';
    await expect(validateDomain(await domain(m))).resolves.toMatchObject({ id: 'd-test' });
  });

  it('range on a non-number column, and a dateColumn that is not a date column', async () => {
    const m = good();
    columnsOf(m, 0)[1]!['range'] = { min: 0 };
    m.datasets[0]!['dateColumn'] = 'age';
    const msg = await failure(await domain(m));
    expect(msg).toContain("field 'datasets.0.columns.1.range' range applies to number columns only");
    expect(msg).toContain("field 'datasets.0.dateColumn' age is not a declared date column of dataset reg");
  });

  it('lists every problem at once, as one DomainValidationError', async () => {
    const m = good();
    m.datasets[1]!['file'] = 'data/nope.csv';
    m['keys'] = { publicKey: 'keys/none.pem', privateKey: 'keys/domain.key.pem' };
    const dir = await domain(m);
    await writeFile(path.join(dir, 'data/reg.csv'), 'entity_id,age,industry,active\n');
    const err = (await validateDomain(dir).catch((e: unknown) => e)) as DomainValidationError;
    expect(err.problems.map((p) => p.field)).toEqual([
      'datasets.0.columns.3',
      'datasets.1.file',
      'keys.publicKey',
    ]);
  });

  it('passes every domain of a generated world', async () => {
    const out = path.join(tmpdir(), `jml-validate-${process.pid}`);
    dirs.push(out);
    const world = await generateWorld({ out, enterprises: 500, domains: 3, seed: 3 });
    for (const d of world.domains) {
      await expect(validateDomain(path.join(out, 'domains', d.id))).resolves.toMatchObject({ id: d.id });
    }
  });
});
