// The README's SDK examples, run as they stand: the `ts` blocks of its "The SDK" section, in order,
// as one module against a real lab, with `rows` (the bank's loan book) and `uscc` (an enterprise
// that consented to scoring) given, and the keys in the environment.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../client-sdk/client.ts';
import { waitForDomains } from '../scripts/lib/scenario.ts';
import { readAuthorizations, readLabels } from '../scripts/lib/world-files.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

const repo = path.resolve(import.meta.dirname, '..');

/** The `ts` code blocks of the README section headed `heading`, in order. */
function readmeBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`### ${heading}\n`);
  if (start < 0) throw new Error(`README has no section '${heading}'`);
  const rest = readme.slice(start + heading.length + 5);
  const end = rest.search(/^#{2,3} /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Runs a TypeScript module with tsx; its exit code and output. */
function run(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: repo, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('README SDK examples', () => {
  let fx: StackFixture;
  let dir: string;
  beforeAll(async () => {
    fx = await stackFixture('readme', { enterprises: 5000 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'jml-readme-'));
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('run as written: the job is approved by two operators, succeeds, and the consented enterprise is scored', async () => {
    const blocks = readmeBlocks(await readFile(path.join(repo, 'README.md'), 'utf8'), 'The SDK');
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    // The givens: consents imported by an operator, the loan book on disk, one consented enterprise.
    const operator = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.operator });
    await waitForDomains(operator, fx.world.domains.length);
    const bankDir = path.join(fx.worldDir, 'banks', fx.world.bank);
    const grants = await readAuthorizations(path.join(bankDir, 'authorizations.csv'));
    await operator.authorizations.import(grants);
    const now = Date.now();
    const uscc = grants.find(
      (g) =>
        g.purposes.includes('scoring') && Date.parse(g.grantedAt) <= now && now < Date.parse(g.expiresAt),
    )!.entity;
    const rowsFile = path.join(dir, 'rows.json');
    await writeFile(rowsFile, JSON.stringify(await readLabels(path.join(bankDir, 'labels.csv'))));
    const sdk = pathToFileURL(path.join(repo, 'client-sdk', 'index.ts')).href;
    const body = blocks.join('\n').replaceAll("'./client-sdk/index.ts'", `'${sdk}'`);
    const prelude = [
      "import { readFileSync } from 'node:fs';",
      `const rows = JSON.parse(readFileSync(${JSON.stringify(rowsFile)}, 'utf8'));`,
      `const uscc = ${JSON.stringify(uscc)};`,
    ].join('\n');
    const epilogue = 'console.log(JSON.stringify({ jobId: job.id, modelId: model.id, results }));';
    const file = path.join(dir, 'readme-example.mts');
    await writeFile(file, `${prelude}\n${body}\n${epilogue}\n`);
    const { code, out, err } = await run(file, {
      ...process.env,
      LAB_URL: fx.stack.url,
      LAB_API_KEY: fx.keys.scientist,
      LAB_OPERATOR_KEY: fx.keys.operator,
      LAB_OPERATOR2_KEY: fx.keys.operator2,
      LAB_RISK_KEY: fx.keys.risk,
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    // What the comments in the README say each line prints.
    expect(lines[0]).toBe('pending_approval 2');
    expect(lines[1]).toBe('invalid_request features.0');
    expect(lines.some((l) => /^round \d+ \w+ loss /.test(l))).toBe(true);
    expect(lines).toContain('succeeded');
    const summary = JSON.parse(lines.at(-1)!) as {
      jobId: string;
      modelId: string;
      results: { entity: string; ok: boolean; probability?: number; modelVersion?: number }[];
    };
    expect(summary.results).toHaveLength(1);
    expect(summary.results[0]).toMatchObject({ entity: uscc, ok: true, modelVersion: 1 });
    expect(summary.results[0]!.probability).toBeGreaterThan(0);
    expect(summary.results[0]!.probability).toBeLessThan(1);
    const job = await operator.jobs.retrieve(summary.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.decisions.map((d) => d.note)).toEqual(['privacy report reviewed', 'second review']);
    expect(job.modelId).toBe(summary.modelId);
  }, 240_000);
});
