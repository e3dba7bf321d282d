export { formatMetric, formatSi, formatDuration, formatPercent, siPrefix } from '../../src-main/shared/format';
export { METRICS } from '../../src-main/shared/types';
