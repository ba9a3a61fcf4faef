// The `lab` command line without a lab: help everywhere, configuration, usage errors, unreadable
// input and an unreachable lab — each with its exit code and its message, the real bin in a child process.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../lab/cli/output.ts';
import { buildProgram } from '../lab/cli/program.ts';
import { CliErrorOutput } from '../lab/cli/schemas.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'jml_cliUsageTestKeyThatMustNeverBePrinted0000000';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a run: nothing of the caller's lab configuration, a profiles file of our own. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { LAB_URL: _u, LAB_API_KEY: _k, LAB_PROFILE: _p, LAB_CONFIG: _c, ...env } = process.env;
  return { ...env, ...extra };
}

/** Runs the `lab` bin on plain node (lab/cli/lab.js), as an installed `lab` runs. */
function lab(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['lab/cli/lab.js', ...args],
      { cwd: repoRoot, env: cleanEnv(env) },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The one JSON error line a failed `--json` run writes to stderr. */
const jsonError = (run: Run) => CliErrorOutput.parse(JSON.parse(run.stderr.trim())).error;

/** Every command below `cmd`, with its full name. */
function allCommands(cmd: Command, prefix = 'lab'): { name: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const name = `${prefix} ${c.name()}`;
    return [{ name, cmd: c }, ...allCommands(c, name)];
  });
}

describe('lab command line, no lab needed', () => {
  let dir = '';
  let noProfiles = '';
  /** A port nothing listens on: the lab is down. */
  let closedUrl = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'jml-cli-usage-'));
    noProfiles = path.join(dir, 'absent.json');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    closedUrl = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
    await new Promise((r) => srv.close(r));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('every command and subcommand has a description and a help text', () => {
    const commands = allCommands(buildProgram(new Output({ json: false })));
    const names = commands.map((c) => c.name);
    for (const expected of [
      'lab serve',
      'lab coordinator',
      'lab keys create',
      'lab keys list',
      'lab keys revoke',
      'lab jobs submit',
      'lab jobs watch',
      'lab jobs list',
      'lab jobs show',
      'lab jobs approve',
      'lab jobs reject',
      'lab jobs cancel',
      'lab models list',
      'lab models show',
      'lab models download',
      'lab models score',
      'lab label-sets upload',
      'lab authorizations import',
      'lab audit verify',
    ])
      expect(names).toContain(expected);
    for (const { name, cmd } of commands) {
      expect(cmd.description().length, name).toBeGreaterThan(10);
      const help = cmd.helpInformation();
      expect(help.startsWith(`Usage: ${name}`), name).toBe(true);
      // The global options are listed on every command's help.
      expect(help, name).toContain('--json');
      expect(help, name).toContain('--profile <name>');
    }
  });

  it('--help prints usage and exits 0; no command, or a group without its subcommand, exits 2', async () => {
    const [root, submit, keys, bare, group] = await Promise.all([
      lab(['--help']),
      lab(['jobs', 'submit', '--help']),
      lab(['keys', 'create', '--help']),
      lab([]),
      lab(['models']),
    ]);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('Usage: lab [options] [command]');
    expect(root.stdout).toMatch(/Exit codes: 0 ok; 1 failed/);
    expect(submit.code).toBe(0);
    expect(submit.stdout).toContain('Usage: lab jobs submit [options] <spec>');
    expect(submit.stdout).toContain('--watch');
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain('--direct');
    expect(keys.stdout).toContain('--rate-limit <n>');
    expect([bare.code, bare.stdout]).toEqual([2, '']);
    expect(bare.stderr).toContain('Usage: lab [options] [command]');
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('Usage: lab models [options] [command]');
  });

  it('usage errors exit 2 with the problem on stderr (as JSON under --json)', async () => {
    const env = { LAB_CONFIG: noProfiles };
    const [missingArg, unknownCommand, unknownOption, badLimit, badLimitJson, badStatus] = await Promise.all([
      lab(['jobs', 'show'], env),
      lab(['jobs', 'frobnicate'], env),
      lab(['jobs', 'list', '--frob'], env),
      lab(['jobs', 'list', '--limit', '0'], env),
      lab(['jobs', 'list', '--limit', 'ten', '--json'], env),
      lab(['models', 'list', '--status', 'gone'], { ...env, LAB_URL: closedUrl, LAB_API_KEY: KEY }),
    ]);
    for (const run of [missingArg, unknownCommand, unknownOption, badLimit, badLimitJson, badStatus]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
    }
    expect(missingArg.stderr).toContain("error: missing required argument 'id'");
    expect(unknownCommand.stderr).toContain("error: unknown command 'frobnicate'");
    expect(unknownOption.stderr).toContain("error: unknown option '--frob'");
    expect(badLimit.stderr).toContain('expected a whole number from 1 to 100');
    expect(jsonError(badLimitJson)).toMatchObject({ code: 'usage', exitCode: 2 });
    expect(jsonError(badLimitJson).message).toContain('expected a whole number from 1 to 100');
    expect(badStatus.stderr.trim()).toBe(
      'lab models list: usage: --status: active or retired (field status)',
    );
  });

  it('without a configured lab a client command exits 2 and says what to set', async () => {
    const none = await lab(['jobs', 'list'], { LAB_CONFIG: noProfiles });
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toContain('lab jobs list: config: no lab configured: set LAB_URL and LAB_API_KEY');
    expect(none.stderr).toContain(noProfiles);
    const json = await lab(['models', 'list', '--json'], { LAB_CONFIG: noProfiles });
    expect(json.code).toBe(2);
    expect(jsonError(json)).toMatchObject({ code: 'config', exitCode: 2 });
    const urlOnly = await lab(['jobs', 'list'], { LAB_CONFIG: noProfiles, LAB_URL: closedUrl });
    expect([urlOnly.code, urlOnly.stderr.trim()]).toEqual([
      2,
      'lab jobs list: config: LAB_URL is set but LAB_API_KEY is not (field LAB_API_KEY)',
    ]);
    const keyOnly = await lab(['jobs', 'list'], { LAB_CONFIG: noProfiles, LAB_API_KEY: KEY });
    expect(keyOnly.code).toBe(2);
    expect(keyOnly.stderr).toContain('LAB_API_KEY is set but LAB_URL is not');
    expect(keyOnly.stderr).not.toContain(KEY);
    const notHttp = await lab(['jobs', 'list'], {
      LAB_CONFIG: noProfiles,
      LAB_URL: 'ftp://lab',
      LAB_API_KEY: KEY,
    });
    expect([notHttp.code, notHttp.stderr.trim()]).toEqual([
      2,
      'lab jobs list: config: LAB_URL is not an http(s) URL (field LAB_URL)',
    ]);
  });

  it('profiles: named, default, missing, invalid; a readable profiles file is warned about', async () => {
    const file = path.join(dir, 'profiles.json');
    await writeFile(
      file,
      JSON.stringify({ default: 'down', profiles: { down: { url: closedUrl, apiKey: KEY } } }),
    );
    await chmod(file, 0o600);
    const byDefault = await lab(['jobs', 'list'], { LAB_CONFIG: file });
    // The default profile was used: its lab was tried (and is down: exit 6).
    expect(byDefault.code).toBe(6);
    expect(byDefault.stderr.trim()).toBe(
      `lab jobs list: unreachable: cannot reach the lab at ${closedUrl}: ECONNREFUSED`,
    );
    const named = await lab(['audit', 'verify', '--profile', 'down', '--json'], { LAB_CONFIG: file });
    expect(named.code).toBe(6);
    expect(jsonError(named)).toMatchObject({ code: 'unreachable', exitCode: 6 });
    const missing = await lab(['jobs', 'list', '--profile', 'prod'], { LAB_CONFIG: file });
    expect([missing.code, missing.stderr.trim()]).toEqual([
      2,
      `lab jobs list: config: no profile "prod" in ${file} (--profile); profiles: down (field profile)`,
    ]);
    const viaEnv = await lab(['jobs', 'list'], { LAB_CONFIG: file, LAB_PROFILE: 'prod' });
    expect(viaEnv.stderr).toContain('(LAB_PROFILE)');

    await chmod(file, 0o644);
    const readable = await lab(['jobs', 'list'], { LAB_CONFIG: file });
    expect(readable.stderr).toContain(`lab: ${file} is readable by other users; chmod 600 it`);

    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ profiles: { x: { url: 'not a url', apiKey: KEY } } }));
    const invalid = await lab(['jobs', 'list', '--profile', 'x'], { LAB_CONFIG: broken });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`${broken}: profiles.x.url:`);
    for (const run of [byDefault, named, missing, viaEnv, readable, invalid])
      expect(run.stderr + run.stdout).not.toContain(KEY);
  });

  it('an unreachable lab exits 6', async () => {
    const down = await lab(['models', 'show', 'mdl_x', '--json'], {
      LAB_CONFIG: noProfiles,
      LAB_URL: closedUrl,
      LAB_API_KEY: KEY,
    });
    expect([down.code, down.stdout]).toEqual([6, '']);
    expect(jsonError(down)).toEqual({
      code: 'unreachable',
      message: `cannot reach the lab at ${closedUrl}: ECONNREFUSED`,
      exitCode: 6,
    });
  });

  it('input files are checked before anything is sent: the line and column of the first problem, exit 2', async () => {
    const env = { LAB_CONFIG: noProfiles, LAB_URL: closedUrl, LAB_API_KEY: KEY };
    const labels = path.join(dir, 'labels.csv');
    await writeFile(
      labels,
      'entity,label,tenure_months\n91350100M000100Y43,0,14\n\n91350100M000100Y43,0,3\n',
    );
    const duplicate = await lab(['label-sets', 'upload', labels], env);
    expect([duplicate.code, duplicate.stderr.trim()]).toEqual([
      2,
      `lab label-sets upload: invalid_file: ${labels}:4: entity: duplicate entity 91350100M000100Y43 (field rows.1.entity)`,
    ]);
    await writeFile(labels, 'entity,label\n91350100M000100Y43,yes\n');
    const badLabel = await lab(['label-sets', 'upload', labels, '--json'], env);
    expect(jsonError(badLabel)).toEqual({
      code: 'invalid_file',
      message: `${labels}:2: label: expected 0 or 1, got "yes"`,
      field: 'rows.0.label',
      exitCode: 2,
    });
    await writeFile(labels, 'id,default\n1,0\n');
    const header = await lab(['label-sets', 'upload', labels], env);
    expect(header.stderr).toContain('the header must name entity and label');

    const grants = path.join(dir, 'grants.csv');
    await writeFile(
      grants,
      'entity,bank,purposes,granted_at,expires_at\n91350100M000100Y43,bank-a,scoring,2026-01-01,2025-01-01\n',
    );
    const backwards = await lab(['authorizations', 'import', grants], env);
    expect([backwards.code, backwards.stderr.trim()]).toEqual([
      2,
      `lab authorizations import: invalid_file: ${grants}:2: expiresAt: must be after grantedAt (field grants.0.expiresAt)`,
    ]);
    const spec = path.join(dir, 'spec.json');
    await writeFile(spec, '{"name": "pd", "purpose": "x", "model": {"kind": "forest"}}');
    const badSpec = await lab(['jobs', 'submit', spec], env);
    expect(badSpec.code).toBe(2);
    expect(badSpec.stderr).toMatch(new RegExp(`invalid_file: ${spec}: model.kind: `));
    const absent = await lab(['jobs', 'submit', path.join(dir, 'none.json')], env);
    expect([absent.code, absent.stderr]).toEqual([2, expect.stringContaining('ENOENT')]);
    for (const run of [duplicate, badLabel, header, backwards, badSpec, absent])
      expect(run.stderr).not.toContain(KEY);
  });

  it('npm run lab (tsx on main.ts) still runs the same program', async () => {
    const run = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'lab/cli/main.ts', 'keys', '--help'],
        { cwd: repoRoot, env: cleanEnv({}) },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: lab keys [options] [command]');
  });
});
