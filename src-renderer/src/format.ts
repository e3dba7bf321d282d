export { formatMetric, formatSi, formatDuration, formatPercent } from '../../src-main/shared/format';
export { METRICS } from '../../src-main/shared/types';
