/**
 * Polls every meter on a timer (in the study's event loop, which training never blocks: it runs
 * in a worker) and turns cumulative totals into measurement windows: begin(key) / end(key).
 */
import type { EnergyWindow, MeterInfo, Phase } from '../../shared/types';
import type { Meter } from './types';

export interface MeterSetOptions {
  /** How often counters are read, ms. */
  pollMs?: number;
  /** How often a power sample is kept for the time series, ms. */
  sampleMs?: number;
  /** Monotonic clock in ms (tests script it). */
  clock?: () => number;
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
}

export class MeterSet {
  private readonly pollMs: number;
  private readonly sampleMs: number;
  private readonly clock: () => number;
  private readonly open = new Map<string, Mark>();
  private timer: NodeJS.Timeout | null = null;
  private lastSampleMs = -Infinity;
  private samples: PowerSample[] = [];

  constructor(
    readonly meters: Meter[],
    options: MeterSetOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 100;
    this.sampleMs = options.sampleMs ?? 500;
    this.clock = options.clock ?? (() => performance.now());
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
    for (const m of this.meters) m.poll(t);
    if (t - this.lastSampleMs >= this.sampleMs) {
      this.lastSampleMs = t;
      const wall = Date.now();
      for (const m of this.meters) {
        for (const [domain, powerW] of Object.entries(m.powerW())) this.samples.push({ tMs: wall, domain, powerW });
      }
    }
  }

  begin(key: string): void {
    this.poll();
    this.open.set(key, {
      atMs: this.clock(),
      wallMs: Date.now(),
      totals: new Map(this.meters.map((m) => [m, { ...m.totalsJ() }])),
    });
  }

  end(key: string, phase: Phase): EnergyWindow {
    const mark = this.open.get(key);
    if (!mark) throw new Error(`no open measurement window "${key}"`);
    this.open.delete(key);
    this.poll();
    const durationS = (this.clock() - mark.atMs) / 1000;
    const domains = this.meters.flatMap((m) => {
      const before = mark.totals.get(m) ?? {};
      const after = m.totalsJ();
      return m.domains.map((domain) => ({
        domain,
        energyJ: (after[domain] ?? 0) - (before[domain] ?? 0),
        provenance: m.provenance(domain),
      }));
    });
    return { phase, startedAtMs: mark.wallMs, durationS, domains };
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
