export { formatMetric, formatSi, formatDuration, formatPercent, siPrefix } from '../../src-main/shared/format';
export { METRICS } from '../../src-main/shared/types';

/** A grid's carbon intensity as the reports write it: four significant figures, "gCO2e/kWh". */
export function intensityText(gPerKWh: number): string {
  return `${Number(gPerKWh.toPrecision(4))} gCO2e/kWh`;
}
