// A broker refuses to start on a broken domain folder, and says which file and field is wrong.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../scripts/synth/index.ts';

describe('broker start-up', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'jml-startup-'));
    await generateWorld({ out: dir, enterprises: 300, domains: 1, seed: 2 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits non-zero naming the manifest file and field of a bad sensitivity', async () => {
    const domain = path.join(dir, 'domains', 'd-bj');
    const file = path.join(domain, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    manifest.datasets[1].columns[0].sensitivity = 'secret';
    await writeFile(file, JSON.stringify(manifest));
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'enclave-worker/main.ts', '--domain', domain, '--prefix', 'test-startup'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('datasets.1.columns.0.sensitivity');
  });
});
