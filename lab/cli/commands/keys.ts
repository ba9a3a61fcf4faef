// `lab keys create | list | revoke`: over HTTP when a lab is configured (operators), straight to
// Redis with --direct, --redis or --prefix, or when no lab is configured (the bootstrap of the first key).
import type { Command } from 'commander';
import { ApiKeyRecord, CreatedKey, KeyList } from '../../../client-sdk/contract/keys.ts';
import { Role } from '../../../client-sdk/contract/resources.ts';
import { loadConfig } from '../../infra/config.ts';
import { labConfigured } from '../config.ts';
import { clientFor, type GlobalOptions } from '../context.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { listText } from '../format.ts';
import { createdKeyText, createInput, type KeysOptions, keyLine, revokedText } from '../key-text.ts';
import type { Output } from '../output.ts';

interface DirectOptions {
  direct?: boolean;
  redis?: string;
  prefix?: string;
}

/** The flags that choose Redis over HTTP (see the header). */
function withDirectOptions(cmd: Command): Command {
  return cmd
    .option('--direct', 'straight to Redis (REDIS_URL, LAB_PREFIX), even when a lab is configured')
    .option('--redis <url>', 'Redis URL (implies --direct)')
    .option('--prefix <prefix>', "the lab's key prefix (implies --direct)");
}

function isDirect(cmd: Command, opts: DirectOptions): boolean {
  if (opts.direct || opts.redis || opts.prefix) return true;
  return !labConfigured({ profile: cmd.optsWithGlobals<GlobalOptions>().profile });
}

/** The existing Redis administration (lab/cli/keys.ts), loaded only when used. */
async function direct(sub: 'create' | 'list' | 'revoke', cmd: Command, opts: KeysOptions & DirectOptions) {
  const { keysCommand } = await import('../keys.ts');
  const cfg = loadConfig({ redisUrl: opts.redis, prefix: opts.prefix });
  const { json } = cmd.optsWithGlobals<GlobalOptions>();
  process.exitCode = await keysCommand(sub, { ...opts, json }, cfg);
}

/**
 * @example
 * registerKeys(program, out); // lab keys …
 */
export function registerKeys(program: Command, out: Output): void {
  const keys = program
    .command('keys')
    .summary('API keys: create, list, revoke (operators)')
    .description(
      'API keys (operators). Over HTTP when a lab is configured (LAB_URL or a profile); straight to Redis with --direct, --redis or --prefix, or when none is (the first operator key)',
    );

  withDirectOptions(
    keys
      .command('create')
      .description('issue a key; it is printed once (the lab keeps only its hash)')
      .requiredOption('--role <role>', `one of ${Role.options.join(', ')}`)
      .requiredOption('--tenant <tenant>', 'a bank id, a domain id (data providers), or platform')
      .option('--name <name>', 'what the key is for')
      .option('--rate-limit <n>', 'requests per minute (default: 6000 for risk systems, else 600)')
      .option('--expires-at <time>', 'ISO date-time after which the key stops working'),
  ).action(async (opts: KeysOptions & DirectOptions, cmd: Command) => {
    if (isDirect(cmd, opts)) return direct('create', cmd, opts);
    const input = createInput(opts);
    if (typeof input === 'string') throw new CliError('usage', input, ExitCode.usage);
    const created = await clientFor(cmd, out).keys.create(input);
    out.result(CreatedKey, created, (c) => createdKeyText(c.key, c.record));
  });

  withDirectOptions(
    keys
      .command('list')
      .description('key records, oldest first (never a key or its hash)')
      .option('--tenant <tenant>', "only this tenant's keys"),
  ).action(async (opts: KeysOptions & DirectOptions, cmd: Command) => {
    if (isDirect(cmd, opts)) return direct('list', cmd, opts);
    const list = await clientFor(cmd, out).keys.list(opts.tenant ? { tenant: opts.tenant } : {});
    out.result(KeyList, list, (l) =>
      listText(
        l.data.map((k) => keyLine(k)),
        null,
        'keys',
      ),
    );
  });

  withDirectOptions(
    keys
      .command('revoke')
      .description('revoke a key at once: its next request is refused')
      .argument('[id]', 'the key id (key_…)')
      .option('--id <id>', 'the key id, as a flag'),
  ).action(async (id: string | undefined, opts: KeysOptions & DirectOptions, cmd: Command) => {
    const keyId = id ?? opts.id;
    if (!keyId) throw new CliError('usage', 'the key id is required', ExitCode.usage, 'id');
    if (isDirect(cmd, opts)) return direct('revoke', cmd, { ...opts, id: keyId });
    out.result(ApiKeyRecord, await clientFor(cmd, out).keys.revoke(keyId), revokedText);
  });
}
