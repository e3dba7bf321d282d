/**
 * Polls every meter and turns cumulative totals into measurement windows: begin(key) / end(key).
 *
 * Every self-check lands on each window it touches, once per domain and kind: a meter's events
 * (a reset) on the windows open when they happen; its conditions (a stale or unreadable counter)
 * on every window open while they last, including windows opened during them; and the set's own
 * checks at the window's end (a late poll, a window too short for a counter's update step, polled
 * power sampled too coarsely, a figure of exactly 0 J). A figure a fault spoils is marked
 * `unreliable`, so no stored figure is ever a clean "0 J, measured" that was not measured.
 */
import type { DomainEnergy, EnergyWindow, MeterFlag, MeterFlagKind, MeterInfo, Phase } from '../../shared/types';
import { diffPowerStats, type PowerStats } from './counter';
import type { Meter } from './types';

/**
 * A window shorter than this many update steps of a counter is `short-window`: each end of it can
 * be off by up to one step's energy, so the figure can be off by 1/steps of itself (10%, the
 * mismatch tolerance) or, shorter still, read whole steps or nothing.
 */
export const SHORT_WINDOW_STEPS = 10;
/**
 * Polled power is `aliasing` in a window with fewer readings than this: with so few, one reading
 * taken at a peak or a trough of the load moves the figure by a tenth of the load's swing or more.
 */
export const MIN_POWER_READINGS = 10;
/**
 * Polled power is also `aliasing` when its readings vary at the sampling rate: the mean change
 * between consecutive readings is more than ALIASING_ROUGHNESS times their standard deviation
 * (a sine sampled 8 times a period gives 0.71, a well-resolved load less, readings at random
 * phases of a faster load 1 or more), and that variation matters (standard deviation above
 * ALIASING_SPREAD_REL of the mean; noise on a steady load stays below it). Such a load changes
 * faster than it is sampled, and the integral can be off by much of its swing. A load locked to
 * exactly the sampling rate looks steady to any sampler and cannot be caught this way; only an
 * energy counter (or polls at irregular times) sees it.
 */
export const ALIASING_ROUGHNESS = 0.7;
export const ALIASING_SPREAD_REL = 0.05;

/** Kinds that spoil the figure they are raised on. `mismatch` does not: the counter is kept, and
 * the weaker reading (integrated polled power) is the one usually at fault. */
const SPOILS_FIGURE: ReadonlySet<MeterFlagKind> = new Set<MeterFlagKind>(['stale', 'reset', 'unreadable', 'gap', 'short-window', 'aliasing']);

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
  /** A window shorter than this many counter update steps is flagged `short-window`. */
  shortWindowSteps?: number;
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
  power: Map<Meter, Record<string, PowerStats>>;
  /** Each domain's power as the window opened, W: how much a stepped counter can shift at this edge. */
  edgeW: Map<Meter, Record<string, number>>;
  /** One flag per domain and kind, in the order first raised. */
  flags: Map<string, MeterFlag>;
}

function addFlag(mark: Mark, f: MeterFlag): void {
  const key = `${f.domain}\u0000${f.kind}`;
  if (!mark.flags.has(key)) mark.flags.set(key, f);
}

/** A meter that misbehaves must not take the others down: its failure becomes flags. */
function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export class MeterSet {
  readonly pollMs: number;
  private readonly sampleMs: number;
  private readonly clock: () => number;
  private readonly mismatchRel: number;
  private readonly shortWindowSteps: number;
  private readonly onSample: ((samples: PowerSample[]) => void) | undefined;
  private readonly open = new Map<string, Mark>();
  private readonly lastPollMs = new Map<Meter, number>();
  private timer: NodeJS.Timeout | null = null;
  private lastSampleMs = -Infinity;
  private samples: PowerSample[] = [];

  constructor(
    readonly meters: Meter[],
    options: MeterSetOptions = {},
  ) {
    const wrapSafe = Math.min(...meters.map((m) => attempt(() => m.maxPollMs?.() ?? Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)));
    this.pollMs = Math.max(10, Math.min(options.pollMs ?? 100, wrapSafe));
    this.sampleMs = options.sampleMs ?? 500;
    this.clock = options.clock ?? (() => performance.now());
    this.mismatchRel = options.mismatchRel ?? 0.1;
    this.shortWindowSteps = options.shortWindowSteps ?? SHORT_WINDOW_STEPS;
    this.onSample = options.onSample;
  }

  get domains(): string[] {
    return this.meters.flatMap((m) => [...m.domains]);
  }

  /** Per GPU domain, the pids computing on it now, from every meter that can list them. */
  gpuProcesses(): Record<string, number[]> {
    return Object.assign({}, ...this.meters.map((m) => attempt(() => m.gpuProcesses?.() ?? {}, {})));
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
    for (const m of this.meters) attempt(() => m.close(), undefined);
  }

  poll(): void {
    this.pollAt();
  }

  private pollAt(): number {
    const t = this.clock();
    for (const m of this.meters) {
      const prevMs = this.lastPollMs.get(m);
      // Judged on what was known before this reading. maxPollMs keeps a 2× margin; a wrap can
      // be missed only past the counter's whole wrap period, twice that.
      const limits = prevMs === undefined ? [] : m.domains.map((d) => [d, 2 * attempt(() => m.maxPollMs?.(d) ?? Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)] as const);
      const events: MeterFlag[] = [];
      try {
        m.poll(t);
      } catch (e) {
        for (const d of m.domains) events.push({ domain: d, kind: 'unreadable', message: `${m.id} failed to read ${d}: ${(e as Error).message}` });
      }
      this.lastPollMs.set(m, t);
      events.push(...attempt(() => m.drainFlags?.() ?? [], []));
      for (const [d, limitMs] of limits) {
        const gapMs = t - prevMs!;
        // the meter's own gap flag (wraps it inferred) says more than this one
        if (gapMs > limitMs && !events.some((f) => f.domain === d && f.kind === 'gap')) {
          events.push({
            domain: d,
            kind: 'gap',
            message: `${d} was read ${gapMs.toFixed(0)} ms after the previous reading, longer than the ${limitMs.toFixed(0)} ms in which its counter can wrap at the highest power assumed: a wrap may have been missed (the machine was too busy to poll on time)`,
          });
        }
      }
      const conditions = attempt(() => m.activeFlags?.() ?? [], []);
      for (const mark of this.open.values()) for (const f of [...events, ...conditions]) addFlag(mark, f);
    }
    if (t - this.lastSampleMs >= this.sampleMs) {
      this.lastSampleMs = t;
      const wall = Date.now();
      const batch: PowerSample[] = [];
      for (const m of this.meters) {
        for (const [domain, powerW] of Object.entries(attempt(() => m.powerW(), {}))) batch.push({ tMs: wall, domain, powerW });
      }
      this.samples.push(...batch);
      this.onSample?.(batch);
    }
    return t;
  }

  begin(key: string): void {
    const t = this.pollAt();
    const mark: Mark = {
      atMs: t,
      wallMs: Date.now(),
      totals: new Map(this.meters.map((m) => [m, { ...attempt(() => m.totalsJ(), {}) }])),
      checks: new Map(this.meters.map((m) => [m, { ...attempt(() => m.checkTotalsJ?.() ?? {}, {}) }])),
      power: new Map(this.meters.map((m) => [m, structuredClone(attempt(() => m.powerStats?.() ?? {}, {}))])),
      edgeW: new Map(this.meters.map((m) => [m, { ...attempt(() => m.powerW(), {}) }])),
      flags: new Map(),
    };
    // a counter already stale or unreadable spoils this window from its first moment
    for (const m of this.meters) for (const f of attempt(() => m.activeFlags?.() ?? [], [])) addFlag(mark, f);
    this.open.set(key, mark);
  }

  /** Joules of an open window so far, without closing it (superset domains not added twice). */
  peek(key: string): number {
    const mark = this.open.get(key);
    if (!mark) return 0;
    this.pollAt();
    const perDomain: { domain: string; energyJ: number }[] = this.meters.flatMap((m) => {
      const before = mark.totals.get(m) ?? {};
      const after = attempt(() => m.totalsJ(), {} as Record<string, number>);
      return m.domains.map((domain) => ({ domain, energyJ: Math.max(0, (after[domain] ?? 0) - (before[domain] ?? 0)) }));
    });
    return sumCountedJ(perDomain);
  }

  /** An open window so far, without closing it: its length and each domain's energy, with provenance. */
  peekWindow(key: string, phase: Phase): EnergyWindow | null {
    const mark = this.open.get(key);
    if (!mark) return null;
    const t = this.pollAt();
    const domains: DomainEnergy[] = this.meters.flatMap((m) => {
      const before = mark.totals.get(m) ?? {};
      const after = attempt(() => m.totalsJ(), {} as Record<string, number>);
      return m.domains.map((domain) => ({ domain, energyJ: Math.max(0, (after[domain] ?? 0) - (before[domain] ?? 0)), provenance: m.provenance(domain) }));
    });
    return { phase, startedAtMs: mark.wallMs, durationS: (t - mark.atMs) / 1000, domains };
  }

  end(key: string, phase: Phase): EnergyWindow {
    const mark = this.open.get(key);
    if (!mark) throw new Error(`no open measurement window "${key}"`);
    const t = this.pollAt();
    this.open.delete(key);
    const durationMs = t - mark.atMs;
    const durationS = durationMs / 1000;
    const figures: { domain: string; energyJ: number; meter: Meter }[] = [];
    for (const m of this.meters) {
      const before = mark.totals.get(m) ?? {};
      const after = attempt(() => m.totalsJ(), {} as Record<string, number>);
      const checkBefore = mark.checks.get(m) ?? {};
      const checkAfter = attempt(() => m.checkTotalsJ?.() ?? {}, {} as Record<string, number>);
      const powerBefore = mark.power.get(m) ?? {};
      const powerAfter = attempt(() => m.powerStats?.() ?? {}, {} as Record<string, PowerStats>);
      const edgeBeforeW = mark.edgeW.get(m) ?? {};
      const edgeAfterW = attempt(() => m.powerW(), {} as Record<string, number>);
      for (const domain of m.domains) {
        let energyJ = (after[domain] ?? 0) - (before[domain] ?? 0);
        if (!(energyJ >= 0)) {
          addFlag(mark, { domain, kind: 'reset', message: `${domain}: ${m.id}'s running total went down by ${(-energyJ).toFixed(3)} J over this window (a meter fault): counted as 0 J` });
          energyJ = 0;
        }
        // a counter that missed part of the window, or was reset in it, differs by construction
        const partial = mark.flags.has(`${domain}\u0000unreadable`) || mark.flags.has(`${domain}\u0000reset`);
        const stepMs = attempt(() => m.updateStepMs?.(domain), undefined);
        const checkMinMs = attempt(() => m.checkMinWindowMs?.(domain), undefined) ?? 1000;
        if (domain in checkAfter && durationMs >= checkMinMs && !partial) {
          const other = (checkAfter[domain] ?? 0) - (checkBefore[domain] ?? 0);
          const rel = Math.abs(energyJ - other) / Math.max(Math.abs(energyJ), 1e-9);
          // A stepped counter read at an edge holds the energy up to its last step: each edge can
          // move up to one step's worth across it, which at a change of load (an evaluate window
          // opening as inference stops) is a large part of a short window.
          const edgeJ = stepMs === undefined ? 0 : (stepMs / 1000) * Math.max(edgeBeforeW[domain] ?? 0, edgeAfterW[domain] ?? 0);
          if (Math.abs(energyJ - other) > this.mismatchRel * Math.abs(energyJ) + edgeJ) {
            const edgeWords = edgeJ > 0 ? `, beyond the ${edgeJ.toFixed(1)} J its ~${stepMs} ms steps can shift across the window's edges` : '';
            addFlag(mark, {
              domain,
              kind: 'mismatch',
              message: `${domain}: the energy counter (${energyJ.toFixed(3)} J) and integrated polled power (${other.toFixed(3)} J) disagree by ${(rel * 100).toFixed(0)}% (> ${(this.mismatchRel * 100).toFixed(0)}%${edgeWords})`,
            });
          }
        }
        if (durationMs <= 0 || (stepMs !== undefined && durationMs < this.shortWindowSteps * stepMs)) {
          addFlag(mark, {
            domain,
            kind: 'short-window',
            message: `${domain}: the window lasted ${durationMs.toFixed(1)} ms${stepMs !== undefined ? `, under ${this.shortWindowSteps} updates of a counter that moves every ~${stepMs} ms` : ''}: it reads whole steps or nothing, so its ${energyJ.toFixed(3)} J is not a measurement of this window (measure a longer stretch, e.g. repeat the work)`,
          });
        }
        const stats = powerAfter[domain];
        // with readings missing, `unreadable` already says the figure is short of some
        if (stats && !mark.flags.has(`${domain}\u0000unreadable`)) {
          const verdict = aliasingVerdict(diffPowerStats(stats, powerBefore[domain]));
          if (verdict) addFlag(mark, { domain, kind: 'aliasing', message: `${domain}: ${verdict}` });
        }
        figures.push({ domain, energyJ, meter: m });
      }
    }
    const flagged = (domain: string, kinds: (k: MeterFlagKind) => boolean) => [...mark.flags.values()].some((f) => f.domain === domain && kinds(f.kind));
    for (const f of figures) {
      // every domain draws some power: exactly nothing over a real window means the counter is not moving
      if (f.energyJ === 0 && !flagged(f.domain, (k) => SPOILS_FIGURE.has(k))) {
        addFlag(mark, {
          domain: f.domain,
          kind: 'stale',
          message: `${f.domain}: ${f.meter.id} read 0 J over ${durationS.toFixed(3)} s: the counter did not move, so 0 J is not a measurement`,
        });
      }
    }
    const domains: DomainEnergy[] = figures.map((f) => ({
      domain: f.domain,
      energyJ: f.energyJ,
      ...(flagged(f.domain, (k) => SPOILS_FIGURE.has(k)) ? { unreliable: true } : {}),
      provenance: f.meter.provenance(f.domain),
    }));
    const flags = [...mark.flags.values()];
    return { phase, startedAtMs: mark.wallMs, durationS, domains, ...(flags.length ? { flags } : {}) };
  }

  /** Power samples gathered since the last call. */
  drainSamples(): PowerSample[] {
    const out = this.samples;
    this.samples = [];
    return out;
  }
}

/**
 * Whether polled power was sampled finely enough over one window (see MIN_POWER_READINGS and
 * ALIASING_ROUGHNESS): null when it was, otherwise why not, for the flag.
 */
export function aliasingVerdict(s: PowerStats): string | null {
  const stepMs = s.steps > 0 ? s.sumStepMs / s.steps : null;
  const every = stepMs === null ? '' : ` (sampled every ~${Math.round(stepMs)} ms)`;
  if (s.readings < MIN_POWER_READINGS) {
    return `only ${s.readings} power reading(s) in this window${every}, fewer than ${MIN_POWER_READINGS}: a load that varies between readings can move the figure by much of its swing; measure a longer stretch`;
  }
  const meanW = s.sumW / s.readings;
  const sdW = Math.sqrt(Math.max(0, s.sumSqW / s.readings - meanW * meanW));
  if (meanW <= 0 || s.steps === 0 || sdW === 0) return null;
  const roughness = s.sumAbsStepW / s.steps / sdW;
  if (sdW / meanW > ALIASING_SPREAD_REL && roughness > ALIASING_ROUGHNESS) {
    return `the power readings${every} jump between consecutive samples as much as they vary at all (mean step ${(s.sumAbsStepW / s.steps).toFixed(1)} W, spread ±${sdW.toFixed(1)} W around ${meanW.toFixed(1)} W): the load changes faster than it is sampled, so the integrated figure can be off by much of that swing`;
  }
  return null;
}

/**
 * Domains that contain others (RAPL psys, the whole platform, holds package and DRAM): shown
 * and stored on their own, never added to the domains they contain.
 */
export function isSupersetDomain(domain: string): boolean {
  // `psys` is how windows measured before the rename name it
  return domain.startsWith('platform:') || domain === 'psys';
}

function isPlatformPart(domain: string): boolean {
  return domain.startsWith('cpu-package') || domain.startsWith('dram');
}

/** Which of these domains add into a total: a superset is left out when its parts are there. */
export function countedDomains(domains: readonly { domain: string }[]): (domain: string) => boolean {
  const partsMeasured = domains.some((d) => isPlatformPart(d.domain));
  return (domain) => !(partsMeasured && isSupersetDomain(domain));
}

function sumCountedJ(domains: readonly { domain: string; energyJ: number }[]): number {
  const counted = countedDomains(domains);
  return domains.reduce((a, d) => (counted(d.domain) ? a + d.energyJ : a), 0);
}

/** The window's energy over all domains, each joule once: a superset is left out when its parts are there. */
export function totalEnergyJ(w: EnergyWindow): number {
  return sumCountedJ(w.domains);
}

/** Idle power per domain from an idle window, W. */
export function idlePowerW(idle: EnergyWindow): Record<string, number> {
  return Object.fromEntries(idle.domains.map((d) => [d.domain, idle.durationS > 0 ? d.energyJ / idle.durationS : 0]));
}

/** Energy above the idle machine: gross − idle power × duration, per domain. */
export function netEnergyJ(w: EnergyWindow, idleW: Record<string, number>): Record<string, number> {
  return Object.fromEntries(w.domains.map((d) => [d.domain, d.energyJ - (idleW[d.domain] ?? 0) * w.durationS]));
}
