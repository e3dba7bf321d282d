/**
 * Counter sources. A Meter keeps a cumulative, monotonic energy total per domain (joules since
 * it started), updated each time the MeterSet polls it; windows are differences of totals.
 * One file per source; detect.ts picks the ones that work on this machine.
 */
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import type { PowerStats } from './counter';

export interface Meter {
  readonly id: string;
  /** Domains this meter covers, e.g. `cpu-package`. */
  readonly domains: readonly string[];
  /**
   * Reads the counters; `nowMs` is a monotonic clock in milliseconds. Never throws: a counter
   * that cannot be read raises an `unreadable` flag and polling goes on.
   */
  poll(nowMs: number): void;
  /** Joules per domain since the meter started. Never decreases. */
  totalsJ(): Record<string, number>;
  /** Mean power per domain over the last poll interval, watts. */
  powerW(): Record<string, number>;
  provenance(domain: string): Provenance;
  /** What this meter reads, for the study's meter inventory. */
  info(): MeterInfo;
  /** Self-check events since the last call (a reset, a jump): for the windows open now. */
  drainFlags?(): MeterFlag[];
  /**
   * Conditions in force now (a counter stale or unreadable): the meter set attaches them to every
   * window open while they last, and to every window opened while they do.
   */
  activeFlags?(): MeterFlag[];
  /**
   * The poll interval that sees every counter wrap with a 2× margin, ms: half the time the counter
   * takes to cover its range at the highest power assumed or seen. For one domain, or the
   * shortest over all when none is named. Absent (or Infinity) for counters that never wrap.
   */
  maxPollMs?(domain?: string): number;
  /**
   * How often the device updates a domain's counter, ms: a window spanning only a few updates
   * reads whole steps or nothing. Undefined where the figure is not a stepped counter.
   */
  updateStepMs?(domain: string): number | undefined;
  /**
   * Cumulative statistics of the polled power readings behind domains whose figure integrates
   * polled power (not a counter): how finely each window was sampled.
   */
  powerStats?(): Record<string, PowerStats>;
  /**
   * Per GPU domain, the pids of the processes computing on it now (NVML's process list); domains
   * whose processes cannot be listed are left out.
   */
  gpuProcesses?(): Record<string, number[]>;
  /** A second, independent reading of some domains' energy, joules: the mismatch cross-check. */
  checkTotalsJ?(): Record<string, number>;
  /**
   * The shortest window, ms, over which a domain's cross-check can be trusted (default 1 s): a
   * reading that is itself a trailing average lags each edge of a window.
   */
  checkMinWindowMs?(domain: string): number | undefined;
  close(): void;
}

/** What detection found for one source: a working meter, or why not and how to fix it. */
export type Detection = { ok: true; meter: Meter } | { ok: false; info: MeterInfo };
