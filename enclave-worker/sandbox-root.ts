// The enclave's filesystem: a fresh root holding only the system, node_modules and the files it may read.
import { lstatSync, mkdtempSync, readlinkSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One entry of the new root: a bind mount (read-only unless a device) or a symlink. */
export type RootEntry =
  | { kind: 'dir' | 'file'; path: string; options: string }
  | { kind: 'link'; path: string; target: string };

// Runs as namespace root inside the new user, mount and PID namespaces, before node: mounts a tmpfs
// over a folder it does not need, makes every mount point with one mkdir, binds each entry at its own path below
// it, adds /proc (this PID namespace's only), pivots into it and detaches the host's root, so nothing
// else, not even a Unix socket such as a database's or Docker's, can be named. Then node starts with
// no capabilities (not even inside its namespaces: the read-only binds cannot be remounted) and
// no_new_privs. Paths arrive as arguments (directories newline-separated), never spliced into the
// code; ~20 small execs in all.
const SCRIPT = `set -euf
PATH="$PATH:/usr/sbin:/sbin"
base=$1; cwd=$2; dirs=$3; shift 3
mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev jml-enclave "$base"
cd "$base"
IFS='
'
mkdir -p -- $dirs
unset IFS
while [ "$1" != -- ]; do
  case $1 in
    link) ln -s "$3" ".$2" ;;
    dir) mount --rbind -o "$3" "$2" ".$2" ;;
    file) : > ".$2"; mount --bind -o "$3" "$2" ".$2" ;;
  esac
  shift 3
done
shift
mount -t proc -o nosuid,nodev,noexec proc proc
pivot_root . .old
umount -l /.old
mount -o remount,bind,ro /
cd "$cwd"
unset PWD OLDPWD
exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs "$@"`;

const READ_ONLY = 'ro,nosuid,nodev,noexec';
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const DEVICES = ['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom'];
/** Read natively (ICU), not through node's fs: the enclave keeps the host's time zone. */
const SYSTEM_FILES = ['/etc/localtime'];

function entryFor(p: string, options: string): RootEntry | null {
  try {
    const stat = lstatSync(p);
    // Top-level links such as /lib -> usr/lib are recreated; any other link is bound where it leads.
    if (stat.isSymbolicLink() && SYSTEM_DIRS.includes(p))
      return { kind: 'link', path: p, target: readlinkSync(p) };
    const kind = (stat.isSymbolicLink() ? statSync(p) : stat).isDirectory() ? 'dir' : 'file';
    return { kind, path: p, options };
  } catch {
    return null; // absent (or a dangling link) here: absent in the enclave too
  }
}

/**
 * The entries of an enclave's root: the system's libraries (executable, for node and the set-up's
 * `mount`), node itself, four devices, and the `reads` read-only and non-executable. A path under
 * another entry is left to it; absent paths are skipped.
 *
 * @example
 * rootEntries(['/srv/jml/node_modules', '/srv/domains/d-bj/manifest.json']);
 */
export function rootEntries(reads: readonly string[]): RootEntry[] {
  const nodeHome = path.dirname(path.dirname(realpathSync(process.execPath)));
  const wanted: Array<[string, string]> = [
    ...SYSTEM_DIRS.map((p): [string, string] => [p, 'ro,nosuid,nodev']),
    [nodeHome, 'ro,nosuid,nodev'],
    ...DEVICES.map((p): [string, string] => [p, 'nosuid,noexec']),
    ...SYSTEM_FILES.map((p): [string, string] => [p, READ_ONLY]),
    ...reads.map((p): [string, string] => [path.resolve(p), READ_ONLY]),
  ];
  const entries: RootEntry[] = [];
  for (const [p, options] of wanted) {
    const covered = entries.some((e) => p === e.path || (e.kind === 'dir' && p.startsWith(`${e.path}/`)));
    if (covered) continue;
    const entry = entryFor(p, options);
    if (entry) entries.push(entry);
  }
  return entries;
}

// Folders the root's tmpfs may cover (in the enclave's mount namespace only, so the host never sees
// it and nothing is created on disk): the first that holds none of the paths the root is built from.
const BASE_CANDIDATES = ['/mnt', '/media', '/srv', '/opt', '/home', '/var/tmp', '/tmp'];
let fallbackBase: string | null = null;

function rootBase(paths: readonly string[]): string {
  const free = BASE_CANDIDATES.find((c) => {
    if (paths.some((p) => p === c || p.startsWith(`${c}/`))) return false;
    try {
      return lstatSync(c).isDirectory();
    } catch {
      return false;
    }
  });
  if (free) return free;
  if (!fallbackBase) {
    const made = mkdtempSync(path.join(os.tmpdir(), 'jml-enclave-root-'));
    process.once('exit', () => {
      try {
        rmdirSync(made);
      } catch {
        // already gone
      }
    });
    fallbackBase = made;
  }
  return fallbackBase;
}

/**
 * `unshare` arguments that run `command` in its own user (mapped to the caller), network (no
 * interface but a downed loopback), mount and PID namespaces, with `entries` as its whole filesystem.
 * `--kill-child` ends the enclave if `unshare` is killed.
 *
 * @example
 * spawn('unshare', isolatedArgs(rootEntries(reads), repoRoot, [process.execPath, '-']));
 */
export function isolatedArgs(
  entries: readonly RootEntry[],
  cwd: string,
  command: readonly string[],
): string[] {
  const paths = [cwd, ...entries.map((e) => e.path)];
  if (paths.some((p) => p.includes('\n'))) throw new Error('a path the enclave needs contains a newline');
  // Mount points (and the folders of files and links), relative to the new root, for one mkdir.
  const dirs = new Set(['./proc', './.old', `.${cwd}`]);
  for (const e of entries) dirs.add(`.${e.kind === 'dir' ? e.path : path.dirname(e.path)}`);
  const specs = entries.flatMap((e) =>
    e.kind === 'link' ? ['link', e.path, e.target] : [e.kind, e.path, e.options],
  );
  return [
    '--user',
    '--map-root-user',
    '--net',
    '--mount',
    '--pid',
    '--fork',
    '--kill-child',
    'sh',
    '-c',
    SCRIPT,
    'jml-enclave',
    rootBase(paths),
    cwd,
    [...dirs].join('\n'),
    ...specs,
    '--',
    ...command,
  ];
}
