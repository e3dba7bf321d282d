/**
 * What the study loop and the trial runner measure with: measurement windows over every meter,
 * plus the CPU time of the running trial's process tree over each window (for attribution).
 * Two implementations: `LocalMeters` polls in the caller's thread (tests with scripted clocks),
 * `MeterThread` (meter-thread.ts) polls in a thread of its own, which a blocked event loop cannot
 * delay.
 */
import type { EnergyWindow, MeterInfo, Phase } from '../../shared/types';
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
  /** Power samples taken since the last call. */
  drainSamples(): PowerSample[];
  /**
   * Follows this process tree's CPU time from now on (null: none). Windows opened while a tree
   * is tracked carry `cpu`. Optional so a bare MeterSet still measures, unattributed.
   */
  track?(pid: number | null): void;
}

/** A MeterSet plus process-tree CPU accounting, in the caller's thread. */
export class LocalMeters implements WindowMeters {
  private readonly cpu: ProcessTreeCpu;
  private readonly marks = new Map<string, CpuSnapshot>();

  constructor(
    readonly set: MeterSet,
    procRoot = '/proc',
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
    if (this.cpu.tracking !== null) this.cpu.sample();
  }

  track(pid: number | null): void {
    this.cpu.track(pid);
    // windows already open count the new tree from zero
    for (const mark of this.marks.values()) mark.treeS = 0;
  }

  begin(key: string): void {
    this.set.begin(key);
    this.marks.set(key, this.cpu.sample());
  }

  end(key: string, phase: Phase): EnergyWindow {
    const w = this.set.end(key, phase);
    const before = this.marks.get(key);
    this.marks.delete(key);
    const after = this.cpu.sample();
    if (!before || !before.available || !after.available) return w;
    return {
      ...w,
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

  drainSamples(): PowerSample[] {
    return this.set.drainSamples();
  }
}
