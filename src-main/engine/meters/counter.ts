/**
 * Shared arithmetic for wrapping energy counters (RAPL, amd_energy, hwmon): any number of wraps
 * are counted as long as each poll interval holds at most one, a reset (backwards by less than
 * a plausible wrap) is flagged rather than counted as a huge jump, and a counter that stops
 * moving is flagged as stale.
 */
import type { MeterFlag } from '../../shared/types';

export interface WrapCounterOptions {
  domain: string;
  /** The counter's range: it wraps to 0 after this value. null when it never wraps. */
  maxRange: number | null;
  /** Counter units per joule (1e6 for µJ, 1e3 for mJ). */
  unitsPerJ: number;
  /** A counter that has not moved for this long is stale. */
  staleAfterMs?: number;
  /** Highest plausible power for this domain, W: a "wrap" implying more is a reset. */
  maxPlausibleW?: number;
}

export class WrapCounter {
  private last: number | null = null;
  private lastMs = 0;
  private lastMoveMs = 0;
  private staleFlagged = false;
  totalJ = 0;
  lastW = 0;
  maxSeenW = 0;
  private flags: MeterFlag[] = [];

  constructor(private readonly o: WrapCounterOptions) {}

  update(raw: number, nowMs: number): void {
    if (this.last === null) {
      this.last = raw;
      this.lastMs = nowMs;
      this.lastMoveMs = nowMs;
      return;
    }
    const dtS = (nowMs - this.lastMs) / 1000;
    let delta = raw - this.last;
    if (delta < 0) {
      const wrapped = this.o.maxRange !== null ? delta + this.o.maxRange : Number.POSITIVE_INFINITY;
      const plausibleUnits = (this.o.maxPlausibleW ?? 2000) * Math.max(dtS, 0.001) * this.o.unitsPerJ;
      if (wrapped >= 0 && wrapped <= plausibleUnits) {
        delta = wrapped;
      } else {
        this.flags.push({
          domain: this.o.domain,
          kind: 'reset',
          message: `the ${this.o.domain} counter went backwards (${this.last} → ${raw}) by less than a wrap: it was reset; energy before the reset in this interval is lost`,
        });
        delta = raw; // counted from the reset
      }
    }
    if (delta > 0) {
      this.lastMoveMs = nowMs;
      this.staleFlagged = false;
    } else if (nowMs - this.lastMoveMs >= (this.o.staleAfterMs ?? 2000) && !this.staleFlagged) {
      this.staleFlagged = true;
      this.flags.push({
        domain: this.o.domain,
        kind: 'stale',
        message: `the ${this.o.domain} counter has not moved for ${((nowMs - this.lastMoveMs) / 1000).toFixed(1)} s while the machine is running: its figures are not trustworthy`,
      });
    }
    const j = delta / this.o.unitsPerJ;
    this.totalJ += j;
    if (dtS > 0) {
      this.lastW = j / dtS;
      this.maxSeenW = Math.max(this.maxSeenW, this.lastW);
    }
    this.last = raw;
    this.lastMs = nowMs;
  }

  drainFlags(): MeterFlag[] {
    const f = this.flags;
    this.flags = [];
    return f;
  }

  /**
   * The longest interval between polls that still sees every wrap: half the time the counter
   * takes to cover its range at the highest power seen (or at `assumeW` before any is seen).
   */
  wrapSafeIntervalMs(assumeW: number): number {
    if (this.o.maxRange === null) return Number.POSITIVE_INFINITY;
    const w = Math.max(this.maxSeenW, assumeW);
    return ((this.o.maxRange / this.o.unitsPerJ / w) * 1000) / 2;
  }
}

export function wrapSafeIntervalMs(rangeJ: number, powerW: number): number {
  return ((rangeJ / powerW) * 1000) / 2;
}
