/**
 * Polls every meter on a timer (in the study's event loop, which training never blocks: it runs
 * in a worker) and turns cumulative totals into measurement windows: begin(key) / end(key).
 * Self-check flags raised while a window is open are attached to it.
 */
import type { EnergyWindow, MeterFlag, MeterInfo, Phase } from '../../shared/types';
import type { Meter } from './types';

export interface MeterSetOptions {
  /** How often counters are read, ms (capped by each meter's wrap-safe interval). */
  pollMs?: number;
  /** How often a power sample is kept for the time series, ms. */
  sampleMs?: number;
  /** Monotonic clock in ms (tests script it). */
  clock?: () => number;
  /** Two readings of one domain further apart than this are flagged (0.10 = 10%). */
  mismatchRel?: number;
  /** Called with each batch of power samples as it is taken (live charts). */
  onSample?: (samples: PowerSample[]) => void;
}

export interface PowerSample {
  tMs: number;
  domain: string;
  powerW: number;
}

interface Mark {
  atMs: number;
  wallMs: number;
  totals: Map<Meter, Record<string, number>>;
  checks: Map<Meter, Record<string, number>>;
  flagIndex: number;
}

interface CheckedMeter extends Meter {
  checkTotalsJ?(): Record<string, number>;
}

export class MeterSet {
  readonly pollMs: number;
  private readonly sampleMs: number;
  private readonly clock: () => number;
  private readonly mismatchRel: number;
  private readonly onSample: ((samples: PowerSample[]) => void) | undefined;
  private readonly open = new Map<string, Mark>();
  private timer: NodeJS.Timeout | null = null;
  private lastSampleMs = -Infinity;
  private samples: PowerSample[] = [];
  private flags: MeterFlag[] = [];
  private flagBase = 0;

  constructor(
    readonly meters: Meter[],
    options: MeterSetOptions = {},
  ) {
    const wrapSafe = Math.min(...meters.map((m) => m.maxPollMs?.() ?? Number.POSITIVE_INFINITY));
    this.pollMs = Math.max(10, Math.min(options.pollMs ?? 100, wrapSafe));
    this.sampleMs = options.sampleMs ?? 500;
    this.clock = options.clock ?? (() => performance.now());
    this.mismatchRel = options.mismatchRel ?? 0.1;
    this.onSample = options.onSample;
  }

  get domains(): string[] {
    return this.meters.flatMap((m) => [...m.domains]);
  }

  inventory(): MeterInfo[] {
    return this.meters.map((m) => m.info());
  }

  start(): void {
    if (this.timer) return;
    this.poll();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const m of this.meters) m.close();
  }

  poll(): void {
    const t = this.clock();
    for (const m of this.meters) {
      m.poll(t);
      const f = m.drainFlags?.();
      if (f?.length) this.flags.push(...f);
    }
    if (this.open.size === 0 && this.flags.length > 1000) {
      this.flagBase += this.flags.length;
      this.flags = [];
    }
    if (t - this.lastSampleMs >= this.sampleMs) {
      this.lastSampleMs = t;
      const wall = Date.now();
      const batch: PowerSample[] = [];
      for (const m of this.meters) {
        for (const [domain, powerW] of Object.entries(m.powerW())) batch.push({ tMs: wall, domain, powerW });
      }
      this.samples.push(...batch);
      this.onSample?.(batch);
    }
  }

  begin(key: string): void {
    this.poll();
    this.open.set(key, {
      atMs: this.clock(),
      wallMs: Date.now(),
      totals: new Map(this.meters.map((m) => [m, { ...m.totalsJ() }])),
      checks: new Map(this.meters.map((m) => [m, { ...((m as CheckedMeter).checkTotalsJ?.() ?? {}) }])),
      flagIndex: this.flagBase + this.flags.length,
    });
  }

  /** Joules (all domains) of an open window so far, without closing it. */
  peek(key: string): number {
    const mark = this.open.get(key);
    if (!mark) return 0;
    this.poll();
    return this.meters.reduce((sum, m) => {
      const before = mark.totals.get(m) ?? {};
      const after = m.totalsJ();
      return sum + m.domains.reduce((a, d) => a + (after[d] ?? 0) - (before[d] ?? 0), 0);
    }, 0);
  }

  end(key: string, phase: Phase): EnergyWindow {
    const mark = this.open.get(key);
    if (!mark) throw new Error(`no open measurement window "${key}"`);
    this.open.delete(key);
    this.poll();
    const durationS = (this.clock() - mark.atMs) / 1000;
    const flags = this.flags.slice(Math.max(0, mark.flagIndex - this.flagBase));
    const domains = this.meters.flatMap((m) => {
      const before = mark.totals.get(m) ?? {};
      const after = m.totalsJ();
      const checkBefore = mark.checks.get(m) ?? {};
      const checkAfter = (m as CheckedMeter).checkTotalsJ?.() ?? {};
      return m.domains.map((domain) => {
        const energyJ = (after[domain] ?? 0) - (before[domain] ?? 0);
        if (domain in checkAfter && durationS >= 1) {
          const other = (checkAfter[domain] ?? 0) - (checkBefore[domain] ?? 0);
          const rel = Math.abs(energyJ - other) / Math.max(Math.abs(energyJ), 1e-9);
          if (rel > this.mismatchRel) {
            flags.push({
              domain,
              kind: 'mismatch',
              message: `${domain}: the energy counter (${energyJ.toFixed(3)} J) and integrated polled power (${other.toFixed(3)} J) disagree by ${(rel * 100).toFixed(0)}% (> ${(this.mismatchRel * 100).toFixed(0)}%)`,
            });
          }
        }
        return { domain, energyJ, provenance: m.provenance(domain) };
      });
    });
    return { phase, startedAtMs: mark.wallMs, durationS, domains, ...(flags.length ? { flags } : {}) };
  }

  /** Power samples gathered since the last call. */
  drainSamples(): PowerSample[] {
    const out = this.samples;
    this.samples = [];
    return out;
  }
}

export function totalEnergyJ(w: EnergyWindow): number {
  return w.domains.reduce((a, d) => a + d.energyJ, 0);
}

/** Idle power per domain from an idle window, W. */
export function idlePowerW(idle: EnergyWindow): Record<string, number> {
  return Object.fromEntries(idle.domains.map((d) => [d.domain, idle.durationS > 0 ? d.energyJ / idle.durationS : 0]));
}

/** Energy above the idle machine: gross − idle power × duration, per domain. */
export function netEnergyJ(w: EnergyWindow, idleW: Record<string, number>): Record<string, number> {
  return Object.fromEntries(w.domains.map((d) => [d.domain, d.energyJ - (idleW[d.domain] ?? 0) * w.durationS]));
}
