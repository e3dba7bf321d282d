/**
 * Shared arithmetic for the two kinds of source behind every meter:
 *
 * - `WrapCounter`: a cumulative energy counter (RAPL, amd_energy, amdgpu energy1_input, NVML's
 *   total-energy counter). Wraps are counted only where the power they imply is plausible;
 *   anything else that goes backwards, or forwards faster than the domain can draw, is a reset.
 *   A counter that stops moving is stale; one that cannot be read is unreadable, and when it
 *   can be read again it is re-baselined rather than credited with the whole gap.
 * - `PolledPower`: a power reading integrated between polls (NVML without the counter,
 *   nvidia-smi, amdgpu power1_average), with the running statistics the meter set needs to tell
 *   whether a window was sampled finely enough (see `aliasingVerdict` in meter-set.ts).
 *
 * Faults come out two ways: `drainFlags()` returns events (a reset, a jump, wraps inferred over
 * a late poll) for the windows open when they happened; `activeFlags()` returns conditions in
 * force now (stale, unreadable), which the meter set attaches to every window open while they
 * last. Totals never decrease, and nothing the counter cannot account for is added silently.
 */
import type { MeterFlag } from '../../shared/types';

/** The highest recent power decays by half over this long: the wrap check follows the load. */
const RECENT_HALF_LIFE_MS = 10_000;
/**
 * A backwards step is a wrap only if the power it implies is at most this many times the highest
 * recent power. Generous: per-interval power of a busy domain varies by tens of percent, but a
 * reset read as a wrap implies up to a whole range in one interval.
 */
export const WRAP_POWER_FACTOR = 4;
/** Intervals shorter than this carry too few counter updates for their power to mean anything. */
const MIN_POWER_INTERVAL_MS = 10;
/**
 * Time constant of the typical recent power that fills a reset interval and infers wraps hidden
 * by a late poll: long enough that one interval's jitter (a late counter update, then a catch-up)
 * does not pass for the load, short enough to follow it.
 */
const TYPICAL_POWER_TAU_MS = 1000;

export interface WrapCounterOptions {
  domain: string;
  /** What is read (a path or an API call), for messages. */
  source?: string;
  /** The counter's range: it wraps to 0 after this value. null when it never wraps. */
  maxRange: number | null;
  /** Counter units per joule (1e6 for µJ, 1e3 for mJ). */
  unitsPerJ: number;
  /** A counter that has not moved for this long is stale, ms. */
  staleAfterMs?: number;
  /** Highest plausible power for this domain, W: a wrap or a step implying more is a reset. */
  maxPlausibleW?: number;
  /** Power assumed possible before a higher one is seen, W: sets the wrap period (default maxPlausibleW). */
  assumedMaxW?: number;
  /**
   * How often the device updates the counter, ms, where it is coarse (NVML's ~100 ms): one
   * reading can then show a whole update's energy however soon after the last move it comes.
   */
  updateStepMs?: number;
}

function round1(x: number): string {
  return x.toFixed(1);
}

export class WrapCounter {
  private last: number | null = null;
  private lastMs = 0;
  private lastMoveMs = 0;
  private unreadableFlag: MeterFlag | null = null;
  /** Joules since the counter was first read. Never decreases. */
  totalJ = 0;
  /** Mean power over the last interval long enough to measure it, W. */
  lastW = 0;
  /** Highest typical power seen, W (the wrap-safe poll interval follows it). */
  maxSeenW = 0;
  /** Highest recent power, decaying with RECENT_HALF_LIFE_MS, W. */
  recentMaxW = 0;
  /** Typical recent power (time-weighted moving average, TYPICAL_POWER_TAU_MS), W. */
  typicalW = 0;
  private powerSeen = false;
  private flags: MeterFlag[] = [];

  constructor(private readonly o: WrapCounterOptions) {}

  private get source(): string {
    return this.o.source ?? `the ${this.o.domain} counter`;
  }

  private get maxPlausibleW(): number {
    return this.o.maxPlausibleW ?? 2000;
  }

  update(raw: number, nowMs: number): void {
    if (!Number.isFinite(raw) || raw < 0) {
      this.unreadable(`${this.source} read as "${raw}", not an energy`);
      return;
    }
    if (this.last === null || this.unreadableFlag) {
      // First reading, or the first after a gap: what the counter did meanwhile is unknown, so
      // it becomes the new baseline instead of landing in whichever window is open now.
      this.last = raw;
      this.lastMs = nowMs;
      this.lastMoveMs = nowMs;
      this.unreadableFlag = null;
      return;
    }
    const dtMs = Math.max(0, nowMs - this.lastMs);
    // What a reading adds built up since the counter last moved: a counter updated every 100 ms
    // and polled every 2 ms shows 100 ms of energy in one 2 ms interval. Nor do updates come
    // evenly: an H200's NVML counter moved twice 6 ms apart, the second time by 19.8 J (a whole
    // update at ~200 W), which judged over the 6 ms read as 3,209 W and a reset. So never less
    // than one update step, and never less than 1 ms (two polls at one instant judge no power).
    const judgeS = Math.max(nowMs - this.lastMoveMs, this.o.updateStepMs ?? 0, 1) / 1000;
    let delta = raw - this.last;
    let reset = false;
    if (delta < 0) {
      const wrapped = this.o.maxRange !== null ? delta + this.o.maxRange : Number.NaN;
      const ceilingW = this.recentMaxW > 0 ? Math.min(this.maxPlausibleW, WRAP_POWER_FACTOR * this.recentMaxW) : this.maxPlausibleW;
      if (wrapped >= 0 && wrapped / this.o.unitsPerJ / judgeS <= ceilingW) {
        delta = wrapped;
      } else {
        reset = true;
        const why =
          this.o.maxRange === null
            ? 'a counter that never wraps'
            : `as a wrap it would mean ${round1((wrapped >= 0 ? wrapped : this.o.maxRange) / this.o.unitsPerJ / judgeS)} W, above the ${round1(ceilingW)} W plausible now`;
        this.reset(dtMs, `${this.source} went backwards (${this.last} → ${raw}; ${why}): it was reset`);
      }
    } else if (delta / this.o.unitsPerJ / judgeS > this.maxPlausibleW) {
      reset = true;
      this.reset(
        dtMs,
        `${this.source} jumped forward by ${round1(delta / this.o.unitsPerJ)} J in ${(judgeS * 1000).toFixed(0)} ms (${round1(delta / this.o.unitsPerJ / judgeS)} W, above the ${this.maxPlausibleW} W this domain can draw)`,
      );
    }
    if (!reset) {
      // A poll later than the counter's whole wrap period can hide whole wraps. The typical recent
      // power says how much energy the interval should hold: add the whole ranges that bring the
      // count closest to it, and say so. Earlier than that, no wrap can hide and none is guessed.
      if (this.o.maxRange !== null && this.typicalW > 0 && dtMs > 2 * this.wrapSafeIntervalMs(this.assumedMaxW)) {
        const expected = this.typicalW * (dtMs / 1000) * this.o.unitsPerJ;
        const missed = Math.max(0, Math.round((expected - delta) / this.o.maxRange));
        if (missed > 0) {
          delta += missed * this.o.maxRange;
          this.flags.push({
            domain: this.o.domain,
            kind: 'gap',
            message: `${this.source} was read ${dtMs.toFixed(0)} ms after the previous reading, long enough to wrap unseen: ${missed} wrap(s) of ${round1(this.o.maxRange / this.o.unitsPerJ)} J were added, as the recent ${round1(this.typicalW)} W implies; the figure is an inference`,
          });
        }
      }
      const j = delta / this.o.unitsPerJ;
      this.totalJ += j;
      if (dtMs >= MIN_POWER_INTERVAL_MS) this.notePower(j / (dtMs / 1000), dtMs);
    }
    if (delta !== 0 || reset) this.lastMoveMs = nowMs;
    this.last = raw;
    this.lastMs = nowMs;
  }

  private notePower(w: number, dtMs: number): void {
    this.lastW = w;
    this.recentMaxW = Math.max(w, this.recentMaxW * 0.5 ** (dtMs / RECENT_HALF_LIFE_MS));
    this.typicalW = this.powerSeen ? this.typicalW + (w - this.typicalW) * (1 - Math.exp(-dtMs / TYPICAL_POWER_TAU_MS)) : w;
    this.powerSeen = true;
    // smoothed: one jittery interval must not shrink the poll interval for the rest of the study
    this.maxSeenW = Math.max(this.maxSeenW, this.typicalW);
  }

  private get assumedMaxW(): number {
    return this.o.assumedMaxW ?? this.maxPlausibleW;
  }

  /**
   * The interval in which the counter was reset: what it read after the reset says nothing about
   * the energy before it, so the interval is counted at the typical recent power, no more.
   */
  private reset(dtMs: number, what: string): void {
    const filledJ = this.typicalW * (dtMs / 1000);
    this.totalJ += filledJ;
    this.flags.push({
      domain: this.o.domain,
      kind: 'reset',
      message: `${what}; its raw value is not energy, so the ${dtMs.toFixed(0)} ms interval is counted at the recent ${round1(this.typicalW)} W (${filledJ.toFixed(3)} J), not measured`,
    });
  }

  /** The counter could not be read: nothing is counted until it can, and then only from there. */
  unreadable(message: string): void {
    if (this.unreadableFlag) return;
    this.unreadableFlag = { domain: this.o.domain, kind: 'unreadable', message: `${message}; energy is not counted until it can be read again` };
    // also an event, so a window sees it even if the counter recovers before the next look
    this.flags.push(this.unreadableFlag);
  }

  drainFlags(): MeterFlag[] {
    const f = this.flags;
    this.flags = [];
    return f;
  }

  /** Conditions in force at the last reading: unreadable, or stale (not moving). */
  activeFlags(): MeterFlag[] {
    if (this.unreadableFlag) return [this.unreadableFlag];
    if (this.last === null) return [];
    const stillMs = this.lastMs - this.lastMoveMs;
    if (stillMs < (this.o.staleAfterMs ?? 2000)) return [];
    return [
      {
        domain: this.o.domain,
        kind: 'stale',
        message: `${this.source} has not moved for ${(stillMs / 1000).toFixed(1)} s while the machine is running: its figures are not trustworthy`,
      },
    ];
  }

  /**
   * The longest interval between polls that still sees every wrap: half the time the counter
   * takes to cover its range at the highest power seen (or at `assumeW` if higher).
   */
  wrapSafeIntervalMs(assumeW: number = this.assumedMaxW): number {
    if (this.o.maxRange === null) return Number.POSITIVE_INFINITY;
    return wrapSafeIntervalMs(this.o.maxRange / this.o.unitsPerJ, Math.max(this.maxSeenW, assumeW));
  }
}

export function wrapSafeIntervalMs(rangeJ: number, powerW: number): number {
  return ((rangeJ / powerW) * 1000) / 2;
}

/**
 * Running sums over a polled power series, cumulative from the start; a window's figures are the
 * difference of two snapshots. Steps are between consecutive readings of one unbroken segment.
 */
export interface PowerStats {
  readings: number;
  sumW: number;
  sumSqW: number;
  steps: number;
  sumAbsStepW: number;
  sumStepMs: number;
}

export function emptyPowerStats(): PowerStats {
  return { readings: 0, sumW: 0, sumSqW: 0, steps: 0, sumAbsStepW: 0, sumStepMs: 0 };
}

export function diffPowerStats(after: PowerStats, before: PowerStats | undefined): PowerStats {
  const b = before ?? emptyPowerStats();
  return {
    readings: after.readings - b.readings,
    sumW: after.sumW - b.sumW,
    sumSqW: after.sumSqW - b.sumSqW,
    steps: after.steps - b.steps,
    sumAbsStepW: after.sumAbsStepW - b.sumAbsStepW,
    sumStepMs: after.sumStepMs - b.sumStepMs,
  };
}

export interface PolledPowerOptions {
  domain: string;
  /** What is read, for messages. */
  source: string;
  /**
   * Readings further apart than this are not integrated across: the older one cannot stand for
   * the whole interval (a stalled stream). Infinity for sources read at each poll.
   */
  maxStepMs?: number;
}

/** A power reading integrated by the trapezoid rule between readings. */
export class PolledPower {
  /** Joules integrated so far. Never decreases. */
  totalJ = 0;
  lastW = 0;
  private lastMs: number | null = null;
  private unreadableFlag: MeterFlag | null = null;
  private flags: MeterFlag[] = [];
  private meanStepMs: number | null = null;
  readonly stats: PowerStats = emptyPowerStats();

  constructor(private readonly o: PolledPowerOptions) {}

  /**
   * A good reading. Returns the joules integrated since the previous one, or null when this
   * reading starts a new segment (the first, or the first after a gap, which is not counted).
   */
  reading(powerW: number, nowMs: number): number | null {
    if (!Number.isFinite(powerW) || powerW < 0) {
      this.unreadable(`${this.o.source} read as "${powerW}", not a power`);
      return null;
    }
    const dtMs = this.lastMs === null ? null : nowMs - this.lastMs;
    let j: number | null = null;
    if (dtMs !== null && dtMs > (this.o.maxStepMs ?? Number.POSITIVE_INFINITY) && !this.unreadableFlag) {
      this.flags.push({
        domain: this.o.domain,
        kind: 'unreadable',
        message: `${this.o.source} gave no reading for ${(dtMs / 1000).toFixed(1)} s; that time is not counted`,
      });
    } else if (dtMs !== null && dtMs >= 0 && !this.unreadableFlag) {
      j = ((powerW + this.lastW) / 2) * (dtMs / 1000);
      this.totalJ += j;
      if (dtMs > 0) {
        this.stats.steps += 1;
        this.stats.sumAbsStepW += Math.abs(powerW - this.lastW);
        this.stats.sumStepMs += dtMs;
        this.meanStepMs = this.meanStepMs === null ? dtMs : 0.9 * this.meanStepMs + 0.1 * dtMs;
      }
    }
    // a second reading at the same instant (a window opened right after a poll) adds no sample
    if (dtMs !== 0 || this.unreadableFlag) {
      this.stats.readings += 1;
      this.stats.sumW += powerW;
      this.stats.sumSqW += powerW * powerW;
    }
    this.unreadableFlag = null;
    this.lastW = powerW;
    this.lastMs = nowMs;
    return j;
  }

  /** The reading failed: nothing is integrated until the next good one, and not across the gap. */
  unreadable(message: string): void {
    if (this.unreadableFlag) return;
    this.unreadableFlag = { domain: this.o.domain, kind: 'unreadable', message: `${message}; energy is not counted until it can be read again` };
    // also an event: an asynchronous source can fail and recover between two polls
    this.flags.push(this.unreadableFlag);
  }

  /** Milliseconds since the last good reading, or null before the first. */
  sinceLastMs(nowMs: number): number | null {
    return this.lastMs === null ? null : nowMs - this.lastMs;
  }

  /** Typical interval between readings, ms (a moving average), or null before two readings. */
  samplingIntervalMs(): number | null {
    return this.meanStepMs;
  }

  /** How the figure is obtained, with the sampling interval it actually has. */
  describeSampling(): string {
    return this.meanStepMs === null ? 'sampling interval not yet known' : `sampled every ~${Math.round(this.meanStepMs)} ms`;
  }

  drainFlags(): MeterFlag[] {
    const f = this.flags;
    this.flags = [];
    return f;
  }

  activeFlags(): MeterFlag[] {
    return this.unreadableFlag ? [this.unreadableFlag] : [];
  }
}
