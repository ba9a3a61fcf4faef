// CPU accounting for the benchmarks on Linux: CPU time of named processes and their descendants
// between two snapshots, read from /proc. Where /proc is missing, snapshots are empty.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ: 100 on Linux everywhere in practice). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
  /** Write system calls so far (/proc/<pid>/io `syscw`; 0 where unreadable). */
  writes: number;
}

/** A process's write system calls so far: on this kind of machine each one that wakes a peer is the dominant cost. */
function readWrites(pid: number): number {
  try {
    const m = /^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Nanoseconds a process's threads have so far spent runnable but waiting for a core (the second
 * field of each /proc/<pid>/task/<tid>/schedstat; 0 where unreadable): on a machine with fewer cores
 * than busy processes, this is where latency goes.
 */
function readRunQueueWait(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1] ?? 0);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    return 0;
  }
  return ns;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after its end.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]), writes: 0 };
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
  return pids.map(readStat).filter((s): s is ProcStat => s !== null);
}

/** Whole-machine busy and total jiffies (all cores), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** CPU ticks so far of each group: a group is its root processes plus their live descendants. */
export interface CpuSnapshot {
  at: number;
  groups: Map<string, number>;
  writes: Map<string, number>;
  /** Nanoseconds spent waiting for a core so far, per group. */
  waits: Map<string, number>;
  machine: { busy: number; total: number };
}

/**
 * Snapshots CPU time per group. `roots` names processes (pid → group); each descendant counts in
 * the group of its nearest named ancestor, unless `childGroup` names it otherwise (e.g. a broker's
 * enclaves as `enclave`).
 *
 * @example
 * const before = cpuSnapshot(new Map([[api.pid!, 'api']]));
 * // … load …
 * console.log(cpuBetween(before, cpuSnapshot(new Map([[api.pid!, 'api']]))));
 */
export function cpuSnapshot(
  roots: ReadonlyMap<number, string>,
  childGroup: (parentGroup: string) => string = (g) => g,
): CpuSnapshot {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const groups = new Map<string, number>();
  const writes = new Map<string, number>();
  const waits = new Map<string, number>();
  const visit = (pid: number, group: string) => {
    const s = byPid.get(pid);
    if (!s) return;
    groups.set(group, (groups.get(group) ?? 0) + s.ticks);
    writes.set(group, (writes.get(group) ?? 0) + readWrites(pid));
    waits.set(group, (waits.get(group) ?? 0) + readRunQueueWait(pid));
    for (const c of children.get(pid) ?? []) visit(c.pid, roots.get(c.pid) ?? childGroup(group));
  };
  for (const [pid, group] of roots) visit(pid, group);
  return { at: performance.now(), groups, writes, waits, machine: machineTicks() };
}

/**
 * Per group, the share of one core used between two snapshots (1 = one core fully busy), the
 * write system calls made, and the time spent runnable but waiting for a core (as a share of the
 * interval: 0.4 = its threads waited 0.4 s per second, summed over them); and the whole machine's
 * busy share of all its cores. Processes that started or ended in between count only for the time
 * they were seen in both.
 *
 * @example
 * cpuBetween(before, after); // { groups: { api: 0.86, broker: 0.7 }, writes: { api: 51234, … }, waiting: { api: 0.41, … }, machineBusy: 0.93 }
 */
export function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
): {
  seconds: number;
  groups: Record<string, number>;
  writes: Record<string, number>;
  waiting: Record<string, number>;
  machineBusy: number;
} {
  const seconds = (after.at - before.at) / 1000;
  const groups: Record<string, number> = {};
  for (const [g, ticks] of after.groups) {
    const used = (ticks - (before.groups.get(g) ?? 0)) / TICKS_PER_SECOND;
    groups[g] = +(used / seconds).toFixed(3);
  }
  const writes: Record<string, number> = {};
  for (const [g, n] of after.writes) writes[g] = n - (before.writes.get(g) ?? 0);
  const waiting: Record<string, number> = {};
  for (const [g, ns] of after.waits)
    waiting[g] = +((ns - (before.waits.get(g) ?? 0)) / 1e9 / seconds).toFixed(3);
  const total = after.machine.total - before.machine.total;
  const machineBusy = total > 0 ? +((after.machine.busy - before.machine.busy) / total).toFixed(3) : 0;
  return { seconds, groups, writes, waiting, machineBusy };
}

/**
 * CPU seconds of this process and of its children it has waited for (e.g. a finished wrk), from
 * /proc/self/stat; `process.cpuUsage` where /proc is missing (children then do not count).
 *
 * @example
 * const cpu = ownCpuSeconds(); // after the child exited
 */
export function ownCpuSeconds(): number {
  try {
    const text = readFileSync('/proc/self/stat', 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime: fields 14–17.
    return (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) / TICKS_PER_SECOND;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}
