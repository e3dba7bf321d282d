export { formatMetric, formatSi, formatDuration, formatPercent, siPrefix } from '../../src-main/shared/format';
export { METRICS } from '../../src-main/shared/types';

/**
 * A grid's carbon intensity as the reports write it: the figure the emissions were computed with,
 * as the bundled data gives it (up to 3 decimals), "gCO2e/kWh" (a filer recomputing an SCI row
 * found 380.9 there and 380.95 in the grid row).
 */
export function intensityText(gPerKWh: number): string {
  return `${Number(gPerKWh.toPrecision(7))} gCO2e/kWh`;
}
