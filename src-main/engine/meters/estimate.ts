/**
 * The fallback meter: CPU package power estimated from the CPU's TDP and the machine's CPU
 * utilisation, P = TDP × (IDLE_SHARE + (1 − IDLE_SHARE) × u), integrated over each poll.
 * Labelled `estimated` with its inputs and uncertainty. Utilisation is machine-wide, like the
 * hardware counters it stands in for.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { MeterInfo, Provenance } from '../../shared/types';
import { lookupTdp, type TdpMatch } from './cpu-tdp';
import { estimateCaveat } from '../../shared/meter-words';
import type { Meter } from './types';

/** Package power at 0% utilisation as a share of TDP (typical desktop/server idle, 5–20%). */
export const IDLE_SHARE = 0.1;
/** ±40% when the CPU was found in the table, ±60% with the default TDP. */
export const UNCERTAINTY_MATCHED = 0.4;
export const UNCERTAINTY_DEFAULT = 0.6;

export interface CpuTimes {
  busy: number;
  total: number;
}

/** Aggregate CPU times from /proc/stat (Linux), or from os.cpus() elsewhere. */
export function readCpuTimes(procRoot = '/proc'): CpuTimes {
  try {
    const line = readFileSync(join(procRoot, 'stat'), 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest is already inside user)
    const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    let busy = 0;
    let total = 0;
    for (const c of cpus()) {
      const t = c.times;
      const all = t.user + t.nice + t.sys + t.idle + t.irq;
      total += all;
      busy += all - t.idle;
    }
    return { busy, total };
  }
}

export function readCpuModel(procRoot = '/proc'): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync(join(procRoot, 'cpuinfo'), 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** Whether this Linux runs under a hypervisor (the processor's "hypervisor" flag in /proc/cpuinfo). */
export function readVirtualMachine(procRoot = '/proc'): boolean {
  try {
    return /^flags\s*:.*\bhypervisor\b/m.test(readFileSync(join(procRoot, 'cpuinfo'), 'utf8'));
  } catch {
    return false;
  }
}

export interface EstimateOptions {
  procRoot?: string;
  /** Override the hypervisor check (tests). */
  virtualMachine?: boolean;
  /** Override the TDP lookup (tests, or a user who knows better). */
  tdp?: TdpMatch;
  cpuModel?: string;
}

export class CpuTdpEstimateMeter implements Meter {
  readonly id = 'cpu-tdp-estimate';
  readonly domains = ['cpu-package'] as const;
  private readonly tdp: TdpMatch;
  private readonly cpuModel: string;
  private readonly procRoot: string;
  private readonly virtualMachine: boolean;
  private last: CpuTimes;
  private lastMs: number | null = null;
  private totalJ = 0;
  private lastW = 0;
  private lastUtil = 0;

  constructor(options: EstimateOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.cpuModel = options.cpuModel ?? readCpuModel(this.procRoot);
    this.tdp = options.tdp ?? lookupTdp(this.cpuModel);
    this.virtualMachine = options.virtualMachine ?? readVirtualMachine(this.procRoot);
    this.last = readCpuTimes(this.procRoot);
  }

  poll(nowMs: number): void {
    const times = readCpuTimes(this.procRoot);
    const dTotal = times.total - this.last.total;
    if (this.lastMs === null) {
      this.lastMs = nowMs;
      this.last = times;
      return;
    }
    const dtS = (nowMs - this.lastMs) / 1000;
    if (dtS <= 0) return;
    // /proc/stat ticks at 100 Hz: over a short interval it may not have moved; keep the last
    // utilisation rather than inventing an idle machine.
    if (dTotal > 0) this.lastUtil = Math.min(Math.max((times.busy - this.last.busy) / dTotal, 0), 1);
    this.lastW = this.tdp.tdpW * (IDLE_SHARE + (1 - IDLE_SHARE) * this.lastUtil);
    this.totalJ += this.lastW * dtS;
    this.lastMs = nowMs;
    if (dTotal > 0) this.last = times;
  }

  totalsJ(): Record<string, number> {
    return { 'cpu-package': this.totalJ };
  }

  powerW(): Record<string, number> {
    return { 'cpu-package': this.lastW };
  }

  provenance(): Provenance {
    return {
      method: 'estimated',
      source: this.id,
      model: 'tdp-linear-utilisation',
      inputs: {
        cpuModel: this.cpuModel,
        tdpW: this.tdp.tdpW,
        tdpSource: this.tdp.source,
        idleShare: IDLE_SHARE,
        utilisation: 'machine-wide, /proc/stat',
        formula: 'P = TDP × (idleShare + (1 − idleShare) × utilisation)',
        ...(this.virtualMachine ? { virtualMachine: 'yes' } : {}),
      },
      uncertaintyRel: this.tdp.matched ? UNCERTAINTY_MATCHED : UNCERTAINTY_DEFAULT,
    };
  }

  info(): MeterInfo {
    return {
      id: this.id,
      domains: [...this.domains],
      status: 'ok',
      detail: `estimate: ${this.cpuModel}, TDP ${this.tdp.tdpW} W (${this.tdp.source}) × CPU utilisation; ±${Math.round(
        (this.tdp.matched ? UNCERTAINTY_MATCHED : UNCERTAINTY_DEFAULT) * 100,
      )}%${estimateCaveat(this.virtualMachine ? { virtualMachine: 'yes' } : {})}`,
    };
  }

  close(): void {}
}
