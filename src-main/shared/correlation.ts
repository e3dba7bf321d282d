/**
 * What predicts energy? For a study's complete trials: how well trainable parameters, FLOPs per
 * inference, training duration and inference latency track the energy it measured (training
 * energy, inference energy per prediction), as Pearson's r and Spearman's ρ with n and a 95%
 * confidence interval. Pure: the explorer, `ecopt show` and the reports call the same function.
 *
 * Intervals come from Fisher's z-transform: z = atanh(r), standard error 1/√(n − 3) for Pearson
 * and √(1.06 / (n − 3)) for Spearman (Fieller, Hartley & Pearson, 1957); both assume roughly
 * bivariate-normal data and need n ≥ 4. Fewer than 10 trials are reported with a warning.
 */
import type { TrialLike } from './columns';
import type { MetricName } from './types';

export const PREDICTORS = ['param_count', 'flops_per_inference', 'train_duration_s', 'infer_latency_s_per_sample'] as const satisfies readonly MetricName[];
export const ENERGY_TARGETS = ['train_energy_j', 'infer_energy_j_per_sample'] as const satisfies readonly MetricName[];
export const FEW_TRIALS = 10;

export interface Correlation {
  /** e.g. `param_count`. */
  predictor: MetricName;
  /** e.g. `train_energy_j`. */
  target: MetricName;
  n: number;
  pearson: number | null;
  pearsonCi: [number, number] | null;
  spearman: number | null;
  spearmanCi: [number, number] | null;
  /** The points, for the scatter plots: [predictor, target, trial number]. */
  points: [number, number, number][];
}

export interface EnergyPredictors {
  rows: Correlation[];
  /** Complete trials with at least one pair, and a warning when that is few. */
  n: number;
  warning: string | null;
}

export function pearson(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null; // a constant says nothing about the other
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks with ties given their average rank. */
export function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function fisherCi(r: number | null, n: number, variance: number): [number, number] | null {
  if (r === null || n < 4) return null;
  const z = Math.atanh(Math.max(-0.999999, Math.min(0.999999, r)));
  const half = 1.959964 * Math.sqrt(variance / (n - 3));
  return [Math.tanh(z - half), Math.tanh(z + half)];
}

export function energyPredictors(trials: readonly TrialLike[]): EnergyPredictors {
  const complete = trials.filter((t) => t.state === 'complete');
  const rows: Correlation[] = [];
  for (const target of ENERGY_TARGETS) {
    for (const predictor of PREDICTORS) {
      const points = complete.flatMap((t): [number, number, number][] => {
        const x = t.metrics[predictor];
        const y = t.metrics[target];
        return x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) ? [[x, y, t.number]] : [];
      });
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      const r = pearson(xs, ys);
      const rho = pearson(ranks(xs), ranks(ys));
      rows.push({
        predictor,
        target,
        n: points.length,
        pearson: r,
        pearsonCi: fisherCi(r, points.length, 1),
        spearman: rho,
        spearmanCi: fisherCi(rho, points.length, 1.06),
        points,
      });
    }
  }
  const n = Math.max(0, ...rows.map((r) => r.n));
  return {
    rows,
    n,
    warning: n < FEW_TRIALS ? `only ${n} complete trial${n === 1 ? '' : 's'}: with fewer than ${FEW_TRIALS}, these correlations are rough (see the intervals)` : null,
  };
}

/** A coefficient to 2 decimals, without the "-0.00" of a tiny negative one. */
export function r2(v: number): string {
  const t = v.toFixed(2);
  return t === '-0.00' ? '0.00' : t;
}

/** "r = 0.79 [0.41, 0.93], ρ = 0.81 [0.45, 0.94], n = 16". */
export function describeCorrelation(c: Correlation): string {
  // walk 44: "r = —, n = 0" read as a fault; a command that reports no FLOPs has none to correlate
  if (c.n === 0) return 'not measured: no complete trial has this figure (a command reports flops_per_inference and param_count itself, or not)';
  if (c.n < 3) return `n = ${c.n}: too few trials with this figure to correlate (3 needed)`;
  const f = (v: number | null, ci: [number, number] | null) => (v === null ? '—' : `${r2(v)}${ci ? ` [${r2(ci[0])}, ${r2(ci[1])}]` : ''}`);
  return `r = ${f(c.pearson, c.pearsonCi)}, ρ = ${f(c.spearman, c.spearmanCi)}, n = ${c.n}`;
}
