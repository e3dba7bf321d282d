/**
 * Counter sources. A Meter keeps a cumulative, monotonic energy total per domain (joules since
 * it started), updated each time the MeterSet polls it; windows are differences of totals.
 * One file per source; detect.ts picks the ones that work on this machine.
 */
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';

export interface Meter {
  readonly id: string;
  /** Domains this meter covers, e.g. `cpu-package`. */
  readonly domains: readonly string[];
  /** Reads the counters; `nowMs` is a monotonic clock in milliseconds. */
  poll(nowMs: number): void;
  /** Joules per domain since the meter started. Never decreases. */
  totalsJ(): Record<string, number>;
  /** Mean power per domain over the last poll interval, watts. */
  powerW(): Record<string, number>;
  provenance(domain: string): Provenance;
  /** What this meter reads, for the study's meter inventory. */
  info(): MeterInfo;
  /** Self-check failures since the last call. */
  drainFlags?(): MeterFlag[];
  /** The longest poll interval that still sees every counter wrap, ms (RAPL). */
  maxPollMs?(): number;
  close(): void;
}

/** What detection found for one source: a working meter, or why not and how to fix it. */
export type Detection = { ok: true; meter: Meter } | { ok: false; info: MeterInfo };
