/**
 * Picks the meters that work on this machine. Each source says what it covers or why it cannot
 * be read and how to fix that; domains no counter covers get the labelled estimate.
 */
import type { MeterInfo } from '../../shared/types';
import { CpuTdpEstimateMeter, type EstimateOptions } from './estimate';
import { MeterSet, type MeterSetOptions } from './meter-set';
import type { Meter } from './types';

export interface DetectOptions extends MeterSetOptions {
  estimate?: EstimateOptions;
}

export interface DetectResult {
  meters: Meter[];
  /** Every source considered, working or not. */
  report: MeterInfo[];
}

export function detectMeters(options: DetectOptions = {}): DetectResult {
  const estimate = new CpuTdpEstimateMeter(options.estimate);
  return { meters: [estimate], report: [estimate.info()] };
}

export function createMeterSet(options: DetectOptions = {}): { set: MeterSet; report: MeterInfo[] } {
  const { meters, report } = detectMeters(options);
  return { set: new MeterSet(meters, options), report };
}
