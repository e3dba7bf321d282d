/**
 * What the study loop and the trial runner measure with: measurement windows over every meter,
 * plus the CPU time of the running trial's process tree over each window (for attribution).
 * Two implementations: `LocalMeters` polls in the caller's thread (tests with scripted clocks),
 * `MeterThread` (meter-thread.ts) polls in a thread of its own, which a blocked event loop cannot
 * delay.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnergyWindow, MeterFlag, MeterInfo, Phase } from '../../shared/types';
import { attributeWindow, windowAttributedJ } from './attribution';
import type { MeterSet, PowerSample } from './meter-set';
import { ProcessTreeCpu, type CpuSnapshot } from './proc-tree';

export interface WindowMeters {
  /** How often counters are read, ms. */
  readonly pollMs: number;
  readonly domains: string[];
  inventory(): MeterInfo[];
  start(): void;
  stop(): void;
  /** Opens a window; `end` closes it and returns every domain's energy over it. */
  begin(key: string): void;
  end(key: string, phase: Phase): EnergyWindow;
  /** Joules (all domains) of an open window so far. */
  peek(key: string): number;
  /**
   * The tracked trial's own joules in an open window so far (attributed as a closed window is,
   * without an idle baseline); null when no trial is tracked or CPU time cannot be read.
   */
  peekOwn?(key: string): number | null;
  /** Power samples taken since the last call. */
  drainSamples(): PowerSample[];
  /**
   * Follows this process tree's CPU time from now on (null: none). Windows opened while a tree
   * is tracked carry `cpu`. Optional so a bare MeterSet still measures, unattributed.
   */
  track?(pid: number | null): void;
}

/** How often the GPUs' process lists are read while a trial is tracked, ms. */
const GPU_PROCESS_CHECK_MS = 500;

/** A MeterSet plus process-tree CPU accounting, in the caller's thread. */
export class LocalMeters implements WindowMeters {
  private readonly cpu: ProcessTreeCpu;
  private readonly marks = new Map<string, CpuSnapshot>();
  /** Per open window, per GPU domain, processes outside the trial's tree seen computing on it. */
  private readonly sharers = new Map<string, Map<string, Set<number>>>();
  private lastGpuCheckMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly set: MeterSet,
    private readonly procRoot = '/proc',
  ) {
    this.cpu = new ProcessTreeCpu(procRoot);
  }

  get pollMs(): number {
    return this.set.pollMs;
  }

  get domains(): string[] {
    return this.set.domains;
  }

  inventory(): MeterInfo[] {
    return this.set.inventory();
  }

  start(): void {
    this.set.start();
  }

  stop(): void {
    this.set.stop();
  }

  /** Called on every poll by the meter thread so short-lived descendants are seen. */
  sampleCpu(): void {
    if (this.cpu.tracking === null) return;
    this.cpu.sample();
    if (Date.now() - this.lastGpuCheckMs >= GPU_PROCESS_CHECK_MS) this.checkGpuSharing();
  }

  /**
   * A GPU's whole energy is the trial's (it holds the GPU); when NVML lists other processes
   * computing on it, each window open then records them, so the figure can say it was shared.
   */
  private checkGpuSharing(): void {
    this.lastGpuCheckMs = Date.now();
    if (this.cpu.tracking === null || this.sharers.size === 0) return;
    const tree = this.cpu.pids;
    for (const [domain, pids] of Object.entries(this.set.gpuProcesses())) {
      const others = pids.filter((p) => !tree.has(p) && p !== process.pid);
      if (!others.length) continue;
      for (const perDomain of this.sharers.values()) {
        const seen = perDomain.get(domain) ?? new Set<number>();
        for (const p of others) seen.add(p);
        perDomain.set(domain, seen);
      }
    }
  }

  /**
   * What a window's `shared-gpu` flag says. A pid this system's /proc does not show is worded as
   * unknown, not as another program: NVIDIA drivers that do not translate pids into a
   * container's namespace list the host's pids, among them the trial's own.
   */
  private sharedGpuWords(domain: string, pids: number[]): string {
    const list = (ps: number[], named: boolean) =>
      `${ps
        .slice(0, 5)
        .map((p) => {
          const name = named ? this.processName(p) : '';
          return name ? `${p} (${name})` : String(p);
        })
        .join(', ')}${ps.length > 5 ? ` and ${ps.length - 5} more` : ''}`;
    const plural = (ps: number[]) => (ps.length > 1 ? 'es' : '');
    const seen = pids.filter((p) => existsSync(join(this.procRoot, String(p))));
    const unseen = pids.filter((p) => !seen.includes(p));
    const parts: string[] = [];
    if (seen.length) parts.push(`${domain} was also computing for process${plural(seen)} ${list(seen, true)} outside this trial while it was measured (NVML's process list)`);
    if (unseen.length) {
      parts.push(
        `${seen.length ? 'NVML also listed' : `${domain}: NVML listed`} process${plural(unseen)} ${list(unseen, false)}, which this system cannot see (no such pid in /proc): inside a container, drivers that do not translate pids list the host's, so this may be the trial itself`,
      );
    }
    return `${parts.join('; ')}: all of the GPU's energy is counted as the trial's, so if another program did compute on it, this figure includes its work`;
  }

  private processName(pid: number): string {
    try {
      return readFileSync(join(this.procRoot, String(pid), 'comm'), 'utf8').trim();
    } catch {
      return '';
    }
  }

  track(pid: number | null): void {
    this.cpu.track(pid);
    // windows already open count the new tree from zero
    for (const mark of this.marks.values()) mark.treeS = 0;
  }

  begin(key: string): void {
    this.set.begin(key);
    this.marks.set(key, this.cpu.sample());
    this.sharers.set(key, new Map());
    this.checkGpuSharing();
  }

  end(key: string, phase: Phase): EnergyWindow {
    this.checkGpuSharing();
    const shared = this.sharers.get(key) ?? new Map<string, Set<number>>();
    this.sharers.delete(key);
    const w = this.set.end(key, phase);
    const before = this.marks.get(key);
    this.marks.delete(key);
    const after = this.cpu.sample();
    const flags: MeterFlag[] = [...shared].map(([domain, pids]) => ({ domain, kind: 'shared-gpu', message: this.sharedGpuWords(domain, [...pids]) }));
    const flagged = flags.length ? { ...w, flags: [...(w.flags ?? []), ...flags] } : w;
    if (!before || !before.available || !after.available) return flagged;
    return {
      ...flagged,
      cpu: {
        treeS: this.cpu.tracking === null ? null : Math.max(0, after.treeS - before.treeS),
        machineBusyS: Math.max(0, after.machineBusyS - before.machineBusyS),
        cores: this.cpu.cores,
      },
    };
  }

  peek(key: string): number {
    return this.set.peek(key);
  }

  peekOwn(key: string): number | null {
    const before = this.marks.get(key);
    const w = this.set.peekWindow(key, 'train');
    if (!w || !before?.available || this.cpu.tracking === null) return null;
    const now = this.cpu.sample();
    if (!now.available) return null;
    const cpu = { treeS: Math.max(0, now.treeS - before.treeS), machineBusyS: Math.max(0, now.machineBusyS - before.machineBusyS), cores: this.cpu.cores };
    return windowAttributedJ(attributeWindow({ ...w, cpu }, null));
  }

  drainSamples(): PowerSample[] {
    return this.set.drainSamples();
  }
}
