/**
 * A study's trials as columns: what the frontier explorer needs of each trial (number, state,
 * parameters, metrics) as one array per field instead of one object per trial. bench:frontier: at
 * 10,000 trials the objects were 4 MB of JSON, the largest part of the explorer's wait after the
 * server's; the columns are a quarter of that, without the dates, ids and failures the explorer
 * does not show (it asks trial.get for one trial's detail).
 */
import type { MetricName, ParamValue, TrialRecord, TrialState } from './types';

/** The fields of a trial that the explorer, the budget picker and the study's analyses read. */
export type TrialLike = Pick<TrialRecord, 'number' | 'state' | 'params' | 'metrics'> & {
  /** Where the trial ran (several-machine studies; absent or null for trials run before workers). */
  host?: string | null;
  hardwareClass?: string | null;
};

export interface TrialColumns {
  number: number[];
  state: TrialState[];
  /** Per parameter, its value in each trial, in the order of `number`; null: the trial has none. */
  params: Record<string, (ParamValue | null)[]>;
  /** Per metric, its value in each trial; null: the trial has none (or a value JSON cannot carry). */
  metrics: Record<string, (number | null)[]>;
  /**
   * Where each trial ran, only when some trial recorded it (a study run by `ecopt worker`): the
   * host and hardware class of each, in the order of `number`; null: not recorded.
   */
  host?: (string | null)[];
  hardwareClass?: (string | null)[];
}

export function toColumns(trials: readonly TrialLike[]): TrialColumns {
  const n = trials.length;
  const params: Record<string, (ParamValue | null)[]> = {};
  const metrics: Record<string, (number | null)[]> = {};
  const column = <T>(into: Record<string, (T | null)[]>, key: string): (T | null)[] => (into[key] ??= new Array<T | null>(n).fill(null));
  trials.forEach((t, i) => {
    for (const k in t.params) column(params, k)[i] = t.params[k]!;
    for (const k in t.metrics) {
      const v = t.metrics[k as MetricName]!;
      column(metrics, k)[i] = Number.isFinite(v) ? v : null;
    }
  });
  const out: TrialColumns = { number: trials.map((t) => t.number), state: trials.map((t) => t.state), params, metrics };
  // single-machine studies send nothing more than before
  if (trials.some((t) => t.host != null || t.hardwareClass != null)) {
    out.host = trials.map((t) => t.host ?? null);
    out.hardwareClass = trials.map((t) => t.hardwareClass ?? null);
  }
  return out;
}

/** The trials back as records (what the explorer's code reads), in the columns' order. */
export function fromColumns(c: TrialColumns): TrialLike[] {
  const paramCols = Object.entries(c.params);
  const metricCols = Object.entries(c.metrics);
  return c.number.map((number, i) => {
    const params: Record<string, ParamValue> = {};
    for (const [k, col] of paramCols) {
      const v = col[i];
      if (v !== null && v !== undefined) params[k] = v;
    }
    const metrics: Record<string, number> = {};
    for (const [k, col] of metricCols) {
      const v = col[i];
      if (v !== null && v !== undefined) metrics[k] = v;
    }
    const t: TrialLike = { number, state: c.state[i]!, params, metrics };
    if (c.host) t.host = c.host[i] ?? null;
    if (c.hardwareClass) t.hardwareClass = c.hardwareClass[i] ?? null;
    return t;
  });
}
