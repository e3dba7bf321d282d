/**
 * CPU time of one process tree (the running trial: its process, every descendant, all their
 * threads), read from /proc, for attributing a share of the machine's CPU and DRAM energy to it.
 *
 * A live process's `utime + stime` covers all its threads; its `cutime + cstime` covers the
 * children it has already reaped. So the sum over the tree's live processes of all four counts
 * every process once, dead ones included, as long as their parent is in the tree. The root itself
 * is reaped by this process: from then on its time (and everything it reaped) is in our own
 * `cutime + cstime`, which is added as a delta from when tracking began. Between a descendant's
 * exit and its reaping its time is briefly absent; the total is kept monotonic across that dip.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Linux's USER_HZ: /proc times are in 1/100 s on every mainstream kernel. */
export const CLOCK_TICKS_PER_S = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, clock ticks. */
  ticks: number;
  /** cutime + cstime alone, clock ticks. */
  childTicks: number;
  /** Start time since boot, clock ticks: with the pid it identifies a process across pid reuse. */
  startTicks: number;
}

export function readProcStat(pid: number | 'self', procRoot = '/proc'): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(join(procRoot, String(pid), 'stat'), 'utf8');
  } catch {
    return null;
  }
  // the command name may hold spaces and parentheses: fields start after the last ')'
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]) || 0;
  return {
    pid: pid === 'self' ? Number(text.slice(0, text.indexOf(' '))) : pid,
    ppid: n(1),
    ticks: n(11) + n(12) + n(13) + n(14),
    childTicks: n(13) + n(14),
    startTicks: n(19),
  };
}

/** Direct children of a process, from every thread's `children` list (Linux ≥ 3.5). */
function childrenOf(pid: number, procRoot: string): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(join(procRoot, String(pid), 'task'));
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(join(procRoot, String(pid), 'task', tid, 'children'), 'utf8').trim();
      if (text) for (const c of text.split(/\s+/)) out.push(Number(c));
    } catch {
      /* the thread ended between the listing and the read */
    }
  }
  return out;
}

/** Busy and total CPU time of the whole machine, clock ticks (/proc/stat's first line). */
export function readMachineTicks(procRoot = '/proc'): { busy: number; total: number } | null {
  try {
    const line = readFileSync(join(procRoot, 'stat'), 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  /** The tracked tree's CPU time since tracking began, core-seconds (0 when nothing is tracked). */
  treeS: number;
  /** The machine's busy CPU time, core-seconds, cumulative since boot. */
  machineBusyS: number;
  /** Whether /proc could be read at all (not Linux: attribution is unavailable). */
  available: boolean;
}

export class ProcessTreeCpu {
  readonly cores: number;
  private root: number | null = null;
  private baseSelfChildTicks = 0;
  private treeTicks = 0;
  /** The tracked tree's pids at the last sample. */
  pids: ReadonlySet<number> = new Set();

  constructor(private readonly procRoot = '/proc') {
    this.cores = Math.max(1, cpus().length);
  }

  /** Follows the tree rooted at `pid` from now on; null stops following. */
  track(pid: number | null): void {
    this.root = pid;
    this.treeTicks = 0;
    this.pids = new Set(pid === null ? [] : [pid]);
    this.baseSelfChildTicks = readProcStat('self', this.procRoot)?.childTicks ?? 0;
  }

  get tracking(): number | null {
    return this.root;
  }

  /** Reads the tree now. Cheap enough to call on every meter poll for trees of a few processes. */
  sample(): CpuSnapshot {
    const machine = readMachineTicks(this.procRoot);
    if (!machine) return { treeS: 0, machineBusyS: 0, available: false };
    if (this.root !== null) {
      let live = 0;
      const seen = new Set<number>();
      const queue = [this.root];
      while (queue.length) {
        const pid = queue.pop()!;
        if (seen.has(pid)) continue;
        seen.add(pid);
        const st = readProcStat(pid, this.procRoot);
        if (!st) continue;
        live += st.ticks;
        queue.push(...childrenOf(pid, this.procRoot));
      }
      this.pids = seen;
      const reaped = (readProcStat('self', this.procRoot)?.childTicks ?? this.baseSelfChildTicks) - this.baseSelfChildTicks;
      this.treeTicks = Math.max(this.treeTicks, live + Math.max(0, reaped));
    }
    return { treeS: this.treeTicks / CLOCK_TICKS_PER_S, machineBusyS: machine.busy / CLOCK_TICKS_PER_S, available: true };
  }
}
