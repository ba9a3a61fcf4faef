// What a client command needs besides its arguments: the lab's client, the output, option parsers.
import { type Command, InvalidArgumentError } from 'commander';
import { LabClient } from '../../client-sdk/client.ts';
import type { Page, PagePromise } from '../../client-sdk/pagination.ts';
import { resolveConfig } from './config.ts';
import type { Output } from './output.ts';

/** The options every command has (`lab --help` lists them). */
export interface GlobalOptions {
  json?: boolean;
  profile?: string;
}

/**
 * The SDK client for the configured lab (see `resolveConfig`); from here on the key is masked in
 * all output.
 *
 * @example
 * const client = clientFor(cmd, out); const job = await client.jobs.retrieve(id);
 */
export function clientFor(cmd: Command, out: Output): LabClient {
  const { profile } = cmd.optsWithGlobals<GlobalOptions>();
  const cfg = resolveConfig({ profile }, process.env, (warning) => out.note(`lab: ${warning}`));
  out.useLab(cfg.url, cfg.apiKey);
  return new LabClient({ baseUrl: cfg.url, apiKey: cfg.apiKey });
}

/**
 * An option parser for whole numbers in [min, max]; anything else is a usage error (exit 2).
 *
 * @example
 * cmd.option('--limit <n>', 'jobs per page', intIn(1, 100));
 */
export function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/**
 * An option parser that collects a repeatable option's values.
 *
 * @example
 * cmd.option('--personal-feature <name>', 'grant a personal feature (repeatable)', collect, []);
 */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * A list call's first page, or (`--all`) every item of every page as one page.
 *
 * @example
 * const page = await firstOrAll(client.jobs.list(), opts.all); // { data, nextCursor }
 */
export async function firstOrAll<T>(list: PagePromise<T>, all = false): Promise<Page<T>> {
  return all ? { data: await list.all(), nextCursor: null } : await list;
}
