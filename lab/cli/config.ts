// Where the client commands find their lab: a named profile, LAB_URL/LAB_API_KEY, or the default profile.
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CliError, ExitCode } from './exit-codes.ts';

/** One lab and the key to use there. */
export const Profile = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
});
export type Profile = z.infer<typeof Profile>;

/**
 * The profiles file: named labs, and which one to use when nothing else is said.
 *
 * @example
 * ProfilesFile.parse({ default: 'dev', profiles: { dev: { url: 'http://127.0.0.1:8080', apiKey: 'jml_…' } } });
 */
export const ProfilesFile = z.strictObject({
  default: z.string().min(1).optional(),
  profiles: z.record(z.string().min(1), Profile),
});
export type ProfilesFile = z.infer<typeof ProfilesFile>;

/** The lab a command talks to, and where that came from (for messages; never the key). */
export interface ClientConfig extends Profile {
  source: string;
}

/**
 * The profiles file's path: `$LAB_CONFIG`, else `$XDG_CONFIG_HOME/lab/profiles.json`, else
 * `~/.config/lab/profiles.json`.
 *
 * @example
 * profilesPath({ LAB_CONFIG: '/etc/lab/profiles.json' }); // '/etc/lab/profiles.json'
 */
export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAB_CONFIG) return env.LAB_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'lab', 'profiles.json');
}

const configError = (message: string, field?: string) =>
  new CliError('config', message, ExitCode.usage, field);

/** The profiles file, or null when there is none; a file that is there must be valid. */
function readProfiles(file: string, warn: (message: string) => void): ProfilesFile | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw configError(`cannot read ${file}: ${(err as Error).message}`);
  }
  // Keys are secrets: say so when others may read them (as ssh does for its keys).
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0)
    warn(`${file} is readable by other users; chmod 600 it`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw configError(`${file} is not valid JSON`);
  }
  const parsed = ProfilesFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The message only: a value (which may be a key) is never echoed.
    throw configError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, issue.path.join('.'));
  }
  return parsed.data;
}

function fromProfile(profiles: ProfilesFile | null, name: string, file: string, how: string): ClientConfig {
  const profile = profiles?.profiles[name];
  if (!profile)
    throw configError(
      profiles
        ? `no profile "${name}" in ${file} (${how}); profiles: ${Object.keys(profiles.profiles).join(', ') || 'none'}`
        : `no profiles file at ${file} (${how} names profile "${name}")`,
      'profile',
    );
  return { ...profile, source: `profile ${name} (${file})` };
}

/**
 * Resolves the lab to talk to, first match wins, url and key always from the same place:
 * 1. `--profile <name>` or `LAB_PROFILE`: that profile of the profiles file;
 * 2. `LAB_URL` and `LAB_API_KEY`;
 * 3. the profiles file's `default` profile.
 * Throws a `config` CliError (exit 2) naming what is missing; it never contains the key.
 *
 * @example
 * const { url, apiKey } = resolveConfig({ profile: 'ops' });
 */
export function resolveConfig(
  opts: { profile?: string },
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => {},
): ClientConfig {
  const file = profilesPath(env);
  const named = opts.profile ?? env.LAB_PROFILE;
  if (named) {
    const how = opts.profile ? '--profile' : 'LAB_PROFILE';
    return fromProfile(readProfiles(file, warn), named, file, how);
  }
  if (env.LAB_URL) {
    if (!env.LAB_API_KEY) throw configError('LAB_URL is set but LAB_API_KEY is not', 'LAB_API_KEY');
    const parsed = Profile.safeParse({ url: env.LAB_URL, apiKey: env.LAB_API_KEY });
    if (!parsed.success) throw configError('LAB_URL is not an http(s) URL', 'LAB_URL');
    return { ...parsed.data, source: 'LAB_URL and LAB_API_KEY' };
  }
  if (env.LAB_API_KEY) throw configError('LAB_API_KEY is set but LAB_URL is not', 'LAB_URL');
  const profiles = readProfiles(file, warn);
  if (profiles?.default) return fromProfile(profiles, profiles.default, file, 'its "default"');
  throw configError(
    `no lab configured: set LAB_URL and LAB_API_KEY, or add a profile to ${file} and pass --profile <name> (or set its "default")`,
  );
}

/**
 * Whether a lab is configured at all (the rule that sends `lab keys` over HTTP rather than to
 * Redis): a profile is named, LAB_URL is set, or the profiles file has a default.
 *
 * @example
 * if (labConfigured({}, process.env)) … // HTTP
 */
export function labConfigured(opts: { profile?: string }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (opts.profile || env.LAB_PROFILE || env.LAB_URL || env.LAB_API_KEY) return true;
  return readProfiles(profilesPath(env), () => {})?.default !== undefined;
}
