// The `lab` client commands against a whole lab on real processes: every command's --json output
// parsed with its schema, a job followed on a terminal and through a pipe, and the exit codes of
// failures the lab reports (401, 403, 404, 409, 400).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { LabClient } from '../client-sdk/client.ts';
import { ModelWeights } from '../client-sdk/contract/model-registry.ts';
import { generateUscc } from '../client-sdk/contract/uscc.ts';
import { CliErrorOutput, CommandOutput, WatchLine } from '../lab/cli/schemas.ts';
import { waitForDomains } from '../scripts/lib/scenario.ts';
import { readAuthorizations, readLabels } from '../scripts/lib/world-files.ts';
import { TEST_REDIS_URL } from './helpers/redis.ts';
import { type StackFixture, stackFixture } from './helpers/stack-fixture.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = ['lab/cli/lab.js'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('lab client commands against a running lab', () => {
  let fx: StackFixture;
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let bankDir = '';
  let labelSetId = '';
  let bankFeatures: string[] = [];
  let features: string[] = [];
  /** The job followed through a pipe, and its model. */
  let jobId = '';
  let modelId = '';

  /** Runs `lab …` to completion with the test's profiles file (and `extra` environment). */
  const lab = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [...BIN, ...args],
        { cwd: repoRoot, env: { ...env, ...extra } },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  /** `lab <args> --profile <profile> --json`. */
  const as = (profile: string, ...args: string[]) => lab([...args, '--profile', profile, '--json']);

  /** A run's --json document, parsed with the command's schema; the run must have succeeded. */
  const json = <K extends keyof typeof CommandOutput>(
    command: K,
    run: Run,
  ): z.output<(typeof CommandOutput)[K]> => {
    expect(run.stderr, run.stderr).toBe('');
    expect(run.code).toBe(0);
    return CommandOutput[command].parse(JSON.parse(run.stdout)) as z.output<(typeof CommandOutput)[K]>;
  };
  const jsonError = (run: Run) => CliErrorOutput.parse(JSON.parse(run.stderr.trim())).error;

  /** `lab …` left running: its output so far, a wait for a pattern in it, its exit code. */
  function live(args: string[], opts: { tty?: boolean } = {}) {
    const quoted = [process.execPath, ...BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // util-linux `script` gives the command a real pseudo-terminal; -e passes its exit code on.
    const child: ChildProcess = opts.tty
      ? spawn('script', ['-qfec', quoted, '/dev/null'], { cwd: repoRoot, env, stdio: 'pipe' })
      : spawn(process.execPath, [...BIN, ...args], { cwd: repoRoot, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    const waiters: (() => void)[] = [];
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const w of waiters.splice(0)) w();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const until = async (re: RegExp): Promise<RegExpMatchArray> => {
      for (;;) {
        const m = stdout.match(re);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stdout}${stderr}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    return { child, until, exited, output: () => ({ stdout, stderr }) };
  }

  /** Approves with as many operators as the job needs, through the CLI. */
  async function approve(id: string) {
    const first = json('jobs approve', await as('operator', 'jobs', 'approve', id, '--note', 'cli test'));
    expect(first.decisions.map((d) => d.note)).toEqual(['cli test']);
    if (first.status !== 'pending_approval') return first;
    expect(first.privacyReport.approvalsRequired).toBe(2);
    return json('jobs approve', await as('operator2', 'jobs', 'approve', id));
  }

  async function writeSpec(name: string): Promise<string> {
    const file = path.join(dir, `${name}.json`);
    const spec = {
      name,
      purpose: 'SME probability of default, from the command line',
      labels: { source: 'bank', labelSetId },
      model: { kind: 'logistic', l2: 1 },
      features,
      bankFeatures,
    };
    await writeFile(file, JSON.stringify(spec));
    return file;
  }

  beforeAll(async () => {
    fx = await stackFixture('cli', { enterprises: 6000 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'jml-cli-'));
    const profiles = path.join(dir, 'profiles.json');
    const profile = (apiKey: string) => ({ url: fx.stack.url, apiKey });
    await writeFile(
      profiles,
      JSON.stringify({
        profiles: {
          operator: profile(fx.keys.operator),
          operator2: profile(fx.keys.operator2),
          scientist: profile(fx.keys.scientist),
          risk: profile(fx.keys.risk),
        },
      }),
    );
    await chmod(profiles, 0o600);
    const { LAB_URL: _u, LAB_API_KEY: _k, LAB_PROFILE: _p, ...base } = process.env;
    env = { ...base, LAB_CONFIG: profiles, REDIS_URL: TEST_REDIS_URL };
    bankDir = path.join(fx.worldDir, 'banks', fx.world.bank);
    features = [...new Set(fx.world.domains.flatMap((d) => [...d.features, ...d.categoryFeatures]))];
    await waitForDomains(new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.operator }), 3);
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('imports the bank’s authorisations and uploads its loan book from the world’s CSV files', async () => {
    const grants = await readAuthorizations(path.join(bankDir, 'authorizations.csv'));
    const imported = json(
      'authorizations import',
      await as('operator', 'authorizations', 'import', path.join(bankDir, 'authorizations.csv')),
    );
    expect(imported.imported).toBe(grants.length);
    const rows = await readLabels(path.join(bankDir, 'labels.csv'));
    const uploaded = json(
      'label-sets upload',
      await as('scientist', 'label-sets', 'upload', path.join(bankDir, 'labels.csv'), '--name', 'book'),
    );
    expect([uploaded.name, uploaded.tenant, uploaded.rows]).toEqual(['book', fx.world.bank, rows.length]);
    expect(uploaded.positives).toBe(rows.filter((r) => r.label === 1).length);
    expect(uploaded.bankFeatures.sort()).toEqual(Object.keys(rows[0]!.features).sort());
    labelSetId = uploaded.id;
    bankFeatures = uploaded.bankFeatures;
  });

  it('submit --watch through a pipe prints a line per round and the outcome; watch --json streams JSON Lines', async () => {
    const spec = await writeSpec('cli-piped');
    const piped = live(['jobs', 'submit', spec, '--watch', '--profile', 'scientist']);
    const [, id] = await piped.until(/^job (job_[\w-]+) cli-piped: pending_approval \(approvals 0\/2\)$/m);
    jobId = id!;
    const watcher = live(['jobs', 'watch', jobId, '--profile', 'operator', '--json']);
    await watcher.until(/\n/);
    const approved = await approve(jobId);
    expect(['approved', 'running']).toContain(approved.status);
    expect(await piped.exited).toBe(0);
    expect(await watcher.exited).toBe(0);

    const lines = piped.output().stdout.trim().split('\n');
    const rounds = lines.flatMap((l) => {
      const m = l.match(/^round (\d+)\/(\d+) loss (\d+\.\d{4}|-) eta (\d+s|\d+m\d\ds|\?)$/);
      return m ? [{ done: Number(m[1]), planned: Number(m[2]), loss: m[3]! }] : [];
    });
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    expect(rounds.map((r) => r.done)).toEqual(rounds.map((_, i) => i + 1));
    // Planned: the statistics round plus maxRounds (25), an upper bound the job stays under.
    expect(rounds[0]!.planned).toBe(26);
    for (const r of rounds) expect(r.done).toBeLessThanOrEqual(r.planned);
    const last = lines.at(-1)!;
    const m = last.match(/^job (job_[\w-]+) succeeded: model (mdl_[\w-]+)$/);
    expect(m?.[1]).toBe(jobId);
    modelId = m![2]!;
    expect(lines).toContain('status running');
    expect(piped.output().stderr).toBe('');

    const events = watcher
      .output()
      .stdout.trim()
      .split('\n')
      .map((l) => WatchLine.parse(JSON.parse(l)));
    expect(events[0]!.type).toBe('job');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.map((p) => p.round)).toEqual(progress.map((_, i) => i));
    expect(progress.map((p) => (p.loss === null ? '-' : p.loss.toFixed(4)))).toEqual(
      rounds.map((r) => r.loss),
    );
    expect(events.at(-1)).toEqual({ type: 'status', status: 'succeeded', modelId, error: null });
  });

  it('submit --watch on a terminal draws one progress bar with round/total, loss and ETA', async () => {
    const spec = await writeSpec('cli-tty');
    const tty = live(['jobs', 'submit', spec, '--watch', '--profile', 'scientist'], { tty: true });
    const [, id] = await tty.until(/job (job_[\w-]+) cli-tty: pending_approval/);
    await approve(id!);
    expect(await tty.exited).toBe(0);
    const raw = tty.output().stdout;
    // Redrawn in place: carriage returns / cursor control, no line per round.
    const csi = `${String.fromCharCode(27)}\\[[0-9;?]*`;
    expect(raw).toMatch(new RegExp(`${csi}G|\r(?!\n)`));
    // Each redraw starts with a cursor move: one line per drawing once the controls are taken out.
    const text = raw.replace(new RegExp(`${csi}[A-Za-z]`, 'g'), '\n').replace(/\r/g, '\n');
    expect(text).not.toMatch(/^round \d+\/\d+ loss /m);
    const bars = [...text.matchAll(/round (\d+)\/(\d+) ([█░]{30}) loss (\d+\.\d{4}) eta (\d+s|\d+m\d\ds)/g)];
    expect(bars.length).toBeGreaterThanOrEqual(2);
    // Drawn as the rounds came: rounds done never go back; planned starts at stats + maxRounds.
    const done = bars.map((b) => Number(b[1]));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(bars[0]![2]).toBe('26');
    // The last drawing is the finished bar: every planned round done, full, nothing left.
    const [, rounds, planned, bar, , eta] = bars.at(-1)!;
    expect(rounds).toBe(planned);
    expect(bar).toBe('█'.repeat(30));
    expect(eta).toBe('0s');
    expect(text).toMatch(new RegExp(`job ${id} succeeded: model mdl_`));
  });

  it('a watched job that is rejected ends the watch with exit 1; deciding twice is a conflict (5)', async () => {
    const spec = await writeSpec('cli-rejected');
    const watch = live(['jobs', 'submit', spec, '--watch', '--json', '--profile', 'scientist']);
    const [first] = await watch.until(/^.*\n/);
    const start = WatchLine.parse(JSON.parse(first!));
    if (start.type !== 'job') throw new Error(`first line ${first}`);
    const id = start.job.id;
    const rejected = json(
      'jobs reject',
      await as('operator', 'jobs', 'reject', id, '--note', 'purpose too broad'),
    );
    expect([rejected.status, rejected.decisions[0]?.note]).toEqual(['rejected', 'purpose too broad']);
    expect(await watch.exited).toBe(1);
    const last = WatchLine.parse(JSON.parse(watch.output().stdout.trim().split('\n').at(-1)!));
    expect(last).toEqual({ type: 'status', status: 'rejected', modelId: null, error: null });
    const again = await as('operator', 'jobs', 'approve', id);
    expect(again.code).toBe(5);
    expect(jsonError(again)).toMatchObject({ code: 'conflict', status: 409, exitCode: 5 });
    const human = await lab(['jobs', 'reject', id, '--profile', 'operator']);
    expect([human.code, human.stderr.trim()]).toEqual([
      5,
      `lab jobs reject: conflict: job ${id} is rejected; only pending jobs can be rejected (HTTP 409)`,
    ]);
  });

  it('cancels a pending job; a cancelled job cannot be cancelled again', async () => {
    const submitted = json(
      'jobs submit',
      await as('scientist', 'jobs', 'submit', await writeSpec('cli-cancel')),
    );
    expect(submitted.status).toBe('pending_approval');
    const cancelled = json(
      'jobs cancel',
      await as('scientist', 'jobs', 'cancel', submitted.id, '--note', 'wrong book'),
    );
    expect([cancelled.id, cancelled.status]).toEqual([submitted.id, 'cancelled']);
    const again = await as('scientist', 'jobs', 'cancel', submitted.id);
    expect(again.code).toBe(5);
    expect(jsonError(again).code).toBe('conflict');
  });

  it('lists and shows jobs', async () => {
    const all = json('jobs list', await as('operator', 'jobs', 'list', '--all'));
    expect(all.nextCursor).toBeNull();
    expect(all.data.map((j) => j.spec.name).sort()).toEqual([
      'cli-cancel',
      'cli-piped',
      'cli-rejected',
      'cli-tty',
    ]);
    const page = json('jobs list', await as('scientist', 'jobs', 'list', '--limit', '1'));
    expect(page.data.map((j) => j.spec.name)).toEqual(['cli-cancel']);
    expect(page.nextCursor).not.toBeNull();
    const shown = json('jobs show', await as('scientist', 'jobs', 'show', jobId));
    expect([shown.id, shown.status, shown.modelId]).toEqual([jobId, 'succeeded', modelId]);
    const human = await lab(['jobs', 'show', jobId, '--profile', 'scientist']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`job ${jobId} cli-piped: succeeded`);
    expect(human.stdout).toContain(`  model ${modelId}`);
  });

  it('lists, shows and downloads models', async () => {
    const list = json('models list', await as('scientist', 'models', 'list'));
    expect(list.data.map((m) => m.name).sort()).toEqual(['cli-piped', 'cli-tty']);
    const model = json('models show', await as('scientist', 'models', 'show', modelId));
    expect([model.id, model.jobId, model.kind]).toEqual([modelId, jobId, 'logistic']);
    expect(model.metrics.auc).toBeGreaterThan(0.6);
    const card = json('models show --card', await as('scientist', 'models', 'show', modelId, '--card'));
    expect([card.model.id, card.lineage.jobId]).toEqual([modelId, jobId]);
    expect(card.evaluation.auc).toBe(model.metrics.auc);

    const file = path.join(dir, 'weights.json');
    const written = json(
      'models download',
      await as('scientist', 'models', 'download', modelId, '--out', file),
    );
    const bytes = await readFile(file);
    expect(written).toEqual({
      modelId,
      kind: 'logistic',
      file,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const weights = ModelWeights.parse(JSON.parse(bytes.toString()));
    expect(weights.inputs).toEqual(model.inputs);
    const stdout = json(
      'models download --out -',
      await as('scientist', 'models', 'download', modelId, '--out', '-'),
    );
    expect(stdout).toEqual(weights);
  });

  it('scores authorised enterprises; an unauthorised one is reported and the exit code is 1', async () => {
    const now = Date.now();
    const grants = await readAuthorizations(path.join(bankDir, 'authorizations.csv'));
    const entities = grants
      .filter(
        (g) =>
          g.purposes.includes('scoring') && Date.parse(g.grantedAt) <= now && now < Date.parse(g.expiresAt),
      )
      .slice(0, 3)
      .map((g) => g.entity);
    const stranger = generateUscc(() => 0.123456, '110105');
    const rows = new Map(
      (await readLabels(path.join(bankDir, 'labels.csv'))).map((r) => [r.entity, r.features]),
    );
    const inputs = Object.fromEntries(
      [...entities, stranger].map((e) => [
        e,
        Object.fromEntries(bankFeatures.map((f) => [f, rows.get(e)?.[f] ?? 0])),
      ]),
    );
    const inputsFile = path.join(dir, 'inputs.json');
    await writeFile(inputsFile, JSON.stringify(inputs));
    const scored = json(
      'models score',
      await as('risk', 'models', 'score', modelId, ...entities, '--inputs', inputsFile),
    );
    expect(scored.modelId).toBe(modelId);
    expect(scored.results.map((r) => [r.entity, r.ok])).toEqual(entities.map((e) => [e, true]));
    for (const r of scored.results) if (r.ok) expect(r.probability).toBeGreaterThan(0);

    const mixed = await lab([
      'models',
      'score',
      modelId,
      entities[0]!,
      stranger,
      '--inputs',
      inputsFile,
      '--profile',
      'risk',
    ]);
    expect(mixed.code).toBe(1);
    const [ok, refused] = mixed.stdout.trim().split('\n');
    expect(ok).toMatch(new RegExp(`^${entities[0]}  PD \\d+\\.\\d\\d%  score \\d+  reasons: `));
    expect(refused).toBe(`${stranger}  not scored: not_authorized`);
  });

  it('verifies the audit chain (operators); a bank scientist may not (3)', async () => {
    const verified = json('audit verify', await as('operator', 'audit', 'verify'));
    if (!verified.ok) throw new Error(`chain broken: ${JSON.stringify(verified)}`);
    expect(verified.entries).toBeGreaterThan(10);
    const anchored = json(
      'audit verify',
      await as(
        'operator',
        'audit',
        'verify',
        '--anchor-id',
        verified.head.id!,
        '--anchor-hash',
        verified.head.hash,
      ),
    );
    expect(anchored.ok).toBe(true);
    const denied = await as('scientist', 'audit', 'verify');
    expect(denied.code).toBe(3);
    expect(jsonError(denied)).toMatchObject({ code: 'forbidden', status: 403, exitCode: 3 });
  });

  it('a bad key exits 3, an unknown id 4, a spec the lab refuses 2 with its field; the key is never printed', async () => {
    const bogus = 'jml_thisKeyIsNotKnownToTheLabAndMustNotBePrinted00';
    const badKey = await lab(['jobs', 'list', '--json'], { LAB_URL: fx.stack.url, LAB_API_KEY: bogus });
    expect([badKey.code, badKey.stdout]).toEqual([3, '']);
    expect(jsonError(badKey)).toMatchObject({ code: 'unauthenticated', status: 401, exitCode: 3 });
    const badKeyText = await lab(['models', 'list'], { LAB_URL: fx.stack.url, LAB_API_KEY: bogus });
    expect(badKeyText.code).toBe(3);
    expect(badKeyText.stderr).toMatch(/^lab models list: unauthenticated: .+ \(HTTP 401\)\n$/);
    for (const run of [badKey, badKeyText]) expect(run.stdout + run.stderr).not.toContain(bogus.slice(4));

    const missingJob = await lab(['jobs', 'show', 'job_doesnotexist', '--profile', 'scientist']);
    expect([missingJob.code, missingJob.stderr.trim()]).toEqual([
      4,
      'lab jobs show: not_found: job not found (HTTP 404)',
    ]);
    const missingModel = await as('scientist', 'models', 'download', 'mdl_none');
    expect(missingModel.code).toBe(4);
    expect(jsonError(missingModel)).toMatchObject({ code: 'not_found', status: 404 });

    const spec = path.join(dir, 'unknown-feature.json');
    await writeFile(
      spec,
      JSON.stringify({
        name: 'x',
        purpose: 'y',
        labels: { source: 'bank', labelSetId },
        model: { kind: 'logistic' },
        features: ['tax.no_such_column'],
      }),
    );
    const refused = await as('scientist', 'jobs', 'submit', spec);
    expect(refused.code).toBe(2);
    expect(jsonError(refused)).toEqual({
      code: 'invalid_request',
      message: "unknown feature 'tax.no_such_column' (not in the catalog)",
      field: 'features.0',
      status: 400,
      exitCode: 2,
    });
    const usage = await lab(['jobs', 'approve', '--profile', 'operator']);
    expect([usage.code, usage.stdout]).toEqual([2, '']);
    expect(usage.stderr).toContain("error: missing required argument 'id'");
  });

  it('keys: over HTTP when a lab is configured, to Redis with --direct or --prefix or when none is', async () => {
    const created = json(
      'keys create',
      await as(
        'operator',
        'keys',
        'create',
        '--role',
        'risk-system',
        '--tenant',
        fx.world.bank,
        '--name',
        'cli',
      ),
    );
    expect([created.record.role, created.record.tenant, created.record.name]).toEqual([
      'risk-system',
      fx.world.bank,
      'cli',
    ]);
    expect(created.record.rateLimit).toBe(6000);
    const asNewKey = { LAB_URL: fx.stack.url, LAB_API_KEY: created.key };
    expect(json('models list', await lab(['models', 'list', '--json'], asNewKey)).data.length).toBe(2);
    const listed = json('keys list', await as('operator', 'keys', 'list', '--tenant', fx.world.bank));
    expect(listed.data.map((k) => k.keyId)).toContain(created.record.keyId);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const revoked = json('keys revoke', await as('operator', 'keys', 'revoke', created.record.keyId));
    expect([revoked.keyId, typeof revoked.revokedAt]).toEqual([created.record.keyId, 'string']);
    expect((await lab(['models', 'list'], asNewKey)).code).toBe(3);
    const twice = await lab(['keys', 'revoke', '--id', created.record.keyId, '--profile', 'operator']);
    expect(twice.code).toBe(5);
    expect(twice.stderr).toContain('lab keys revoke: conflict: ');
    const wrongTenant = await lab([
      'keys',
      'create',
      '--role',
      'operator',
      '--tenant',
      'bank-a',
      '--profile',
      'operator',
    ]);
    expect([wrongTenant.code, wrongTenant.stderr.trim()]).toEqual([
      2,
      'lab keys create: usage: --tenant: operator keys belong to tenant platform',
    ]);

    // Straight to Redis: --direct even with a profile named, --prefix, or no lab configured at all.
    const redis = { LAB_PREFIX: fx.prefix };
    const direct = json(
      'keys create --direct',
      await lab(['keys', 'create', '--direct', '--role', 'auditor', '--tenant', 'platform', '--json'], {
        ...redis,
        LAB_PROFILE: 'operator',
      }),
    );
    const byPrefix = json(
      'keys create --direct',
      await lab([
        'keys',
        'create',
        '--prefix',
        fx.prefix,
        '--role',
        'auditor',
        '--tenant',
        'platform',
        '--json',
      ]),
    );
    const bootstrap = json(
      'keys create --direct',
      await lab(['keys', 'create', '--role', 'auditor', '--tenant', 'platform', '--json'], {
        ...redis,
        LAB_CONFIG: path.join(dir, 'no-profiles.json'),
      }),
    );
    const all = json('keys list', await as('operator', 'keys', 'list', '--tenant', 'platform'));
    for (const k of [direct, byPrefix, bootstrap]) expect(all.data.map((r) => r.keyId)).toContain(k.keyId);
    // A key made in Redis works over HTTP at once.
    const auditor = await lab(['audit', 'verify', '--json'], {
      LAB_URL: fx.stack.url,
      LAB_API_KEY: bootstrap.key,
    });
    expect(json('audit verify', auditor).ok).toBe(true);
  });
});
