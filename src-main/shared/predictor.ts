/**
 * The energy predictor fitted on this machine: what a trial will cost before it runs, from what
 * is known before it runs (FLOPs per inference, trainable parameters, batch size, training
 * samples, epochs, the family), fitted on the complete trials of every study the database holds
 * for this hardware. Pure: the CLI's `tune --plan`, the wizard and the benchmark call it.
 *
 * Two small models per target, and the one with the smaller held-out error is used:
 *
 * - log-linear least squares with a light ridge penalty (λ = 1 on standardised inputs):
 *   log y = b0 + b1·log FLOPs + b2·log params + b3·log batch + b4·log(samples × epochs) + b5·[cnn]
 *   (inference energy per prediction: log FLOPs, log params, log inference batch, [cnn]); a constant
 *   input is dropped (one family only: no [cnn] term). A power law: good inside the data.
 * - additive costs, non-negative, fitted on relative error:
 *   y = θ0 + θ1·epochs + θ2·steps + θ3·steps·params + θ4·samples·epochs·FLOPs (+ θ5 for a CNN)
 *   (inference per sample: θ0 + θ1/batch + θ2·FLOPs (+ θ3 for a CNN)). Fixed costs plus work:
 *   what small trials on a busy runtime look like, and it extrapolates to larger ones linearly
 *   where a power law fitted on small trials would bend too low.
 *
 * How good it is, said with every number: the leave-one-trial-out R² of log y (refits without
 * each trial; ten folds past LOO_LIMIT trials), the median relative error |ŷ/y − 1| of those
 * held-out predictions, and with ≥ 2 studies the leave-one-study-out errors. A forecast's 90%
 * interval for one new trial is ± t(0.95, n − p) × the root-mean-square held-out log error —
 * leave-one-study-out when there are ≥ 3 studies (a plan is always for a study the fit has not
 * seen), leave-one-trial-out otherwise, with an allowance for a study run at another time added
 * (SESSION_SHIFT_LOG) until 3 studies can measure it. A study's total takes the errors of its trials as fully
 * correlated (one shared factor e^ε), the cautious assumption: a busy machine or another dataset
 * moves every trial of a study the same way.
 *
 * Predictions are estimates with provenance ("estimated by the predictor fitted on K trials,
 * R² = …") and are never stored as measurements. Fewer than MIN_TRIALS trials: no number at all.
 */
import { formatSi } from './format';
import { median } from './stats';

export const MIN_TRIALS = 8;
/** Ridge penalty on the standardised coefficients. */
export const RIDGE_LAMBDA = 1;
/** Central coverage of the stated intervals. */
export const INTERVAL_COVERAGE = 0.9;

export const PREDICTOR_TARGETS = ['train_energy_j', 'infer_energy_j_per_sample', 'trial_energy_j', 'trial_duration_s'] as const;
export type PredictorTarget = (typeof PREDICTOR_TARGETS)[number];

export const TARGET_LABELS: Record<PredictorTarget, string> = {
  train_energy_j: 'training energy (J, attributed)',
  infer_energy_j_per_sample: 'inference energy per prediction (J, attributed)',
  trial_energy_j: 'whole-trial energy (J, attributed: train + infer + evaluate)',
  trial_duration_s: 'whole-trial time (s, wall clock)',
};

/** A trial as the predictor sees it: everything here is known before the trial runs. */
export interface TrialShape {
  /** `mlp`, `cnn`. */
  family: string;
  flopsPerInference: number;
  paramCount: number;
  batchSize: number;
  /** Rows in the training split. */
  trainSamples: number;
  epochs: number;
  inferBatchSize: number;
}

/** A finished trial: its shape and what it measured. */
export interface PredictorRow extends TrialShape {
  /** Study name (leave-one-study-out groups by it). */
  study: string;
  trial: number;
  targets: Partial<Record<PredictorTarget, number>>;
  /** The largest stated uncertainty of an estimated (not measured) energy figure in the trial, ± relative; absent: all measured. */
  estimatedRel?: number;
}

export const FEATURE_NAMES: Record<PredictorTarget, string[]> = {
  train_energy_j: ['log FLOPs', 'log params', 'log batch', 'log(samples × epochs)', 'cnn'],
  infer_energy_j_per_sample: ['log FLOPs', 'log params', 'log inference batch', 'cnn'],
  trial_energy_j: ['log FLOPs', 'log params', 'log batch', 'log(samples × epochs)', 'cnn'],
  trial_duration_s: ['log FLOPs', 'log params', 'log batch', 'log(samples × epochs)', 'cnn'],
};

export function features(target: PredictorTarget, s: TrialShape): number[] {
  const cnn = s.family === 'cnn' ? 1 : 0;
  const lf = Math.log(s.flopsPerInference);
  const lp = Math.log(s.paramCount);
  if (target === 'infer_energy_j_per_sample') return [lf, lp, Math.log(s.inferBatchSize), cnn];
  return [lf, lp, Math.log(s.batchSize), Math.log(s.trainSamples * s.epochs), cnn];
}

function usable(s: TrialShape): boolean {
  return [s.flopsPerInference, s.paramCount, s.batchSize, s.trainSamples, s.epochs, s.inferBatchSize].every((v) => Number.isFinite(v) && v > 0);
}

/** A fitted ridge regression on standardised features. */
export interface Ridge {
  mean: number[];
  sd: number[];
  /** Feature columns kept (non-constant). */
  keep: number[];
  beta: number[];
}

function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

function fitRidge(xs: number[][], ys: number[], lambda: number): Ridge | null {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const mean: number[] = [];
  const sd: number[] = [];
  const keep: number[] = [];
  for (let j = 0; j < d; j++) {
    const m = xs.reduce((a, x) => a + x[j]!, 0) / n;
    const s = Math.sqrt(xs.reduce((a, x) => a + (x[j]! - m) ** 2, 0) / n);
    mean.push(m);
    sd.push(s);
    if (s > 1e-9) keep.push(j);
  }
  const z = xs.map((x) => [1, ...keep.map((j) => (x[j]! - mean[j]!) / sd[j]!)]);
  const p = keep.length + 1;
  const a = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => z.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j && i > 0 ? lambda : 0)));
  const inverse = invert(a);
  if (!inverse) return null;
  const b = Array.from({ length: p }, (_, i) => z.reduce((s, row, k) => s + row[i]! * ys[k]!, 0));
  const beta = inverse.map((row) => row.reduce((s, v, j) => s + v * b[j]!, 0));
  return { mean, sd, keep, beta };
}

function zRow(r: Ridge, x: number[]): number[] {
  return [1, ...r.keep.map((j) => (x[j]! - r.mean[j]!) / r.sd[j]!)];
}

function predictRidge(r: Ridge, x: number[]): number {
  return zRow(r, x).reduce((s, v, i) => s + v * r.beta[i]!, 0);
}

/** Student's t quantile (Cornish–Fisher expansion, A&S 26.7.5; exact for 1 and 2 degrees of freedom). */
export function tQuantile(p: number, df: number): number {
  if (df <= 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9 after one step). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** How well held-out predictions did: R² of log y, median |ŷ/y − 1|, root-mean-square log error. */
export interface HeldOut {
  r2: number;
  medianRelError: number;
  rmsLogError: number;
  n: number;
}

function heldOut(ys: number[], preds: number[]): HeldOut {
  const n = ys.length;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  const ssTot = ys.reduce((a, y) => a + (y - my) ** 2, 0);
  const res = ys.map((y, i) => preds[i]! - y);
  const ssRes = res.reduce((a, r) => a + r * r, 0);
  const rel = res.map((r) => Math.abs(Math.exp(r) - 1));
  return {
    r2: ssTot > 0 ? 1 - ssRes / ssTot : Number.NaN,
    medianRelError: median(rel) ?? Number.NaN,
    rmsLogError: Math.sqrt(ssRes / n),
    n,
  };
}

export type ModelKind = 'log-linear' | 'additive';

/** A fitted model of either kind; both predict log y. */
export type Fitted = { kind: 'log-linear'; ridge: Ridge } | { kind: 'additive'; theta: number[] };

export const ADDITIVE_TERMS: Record<PredictorTarget, string[]> = {
  train_energy_j: ['per trial', 'per epoch', 'per step', 'per step and million parameters', 'per GFLOP of work (samples × epochs × FLOPs)', 'per GFLOP, cnn'],
  infer_energy_j_per_sample: ['per sample', 'per batch (÷ inference batch)', 'per MFLOP', 'per MFLOP, cnn'],
  trial_energy_j: ['per trial', 'per epoch', 'per step', 'per step and million parameters', 'per GFLOP of work (samples × epochs × FLOPs)', 'per GFLOP, cnn'],
  trial_duration_s: ['per trial', 'per epoch', 'per step', 'per step and million parameters', 'per GFLOP of work (samples × epochs × FLOPs)', 'per GFLOP, cnn'],
};

/** The additive model's terms: fixed costs, per-epoch and per-step overheads, and the arithmetic. */
export function additiveTerms(target: PredictorTarget, s: TrialShape): number[] {
  const cnn = s.family === 'cnn' ? 1 : 0;
  if (target === 'infer_energy_j_per_sample') return [1, 1 / s.inferBatchSize, s.flopsPerInference / 1e6, (cnn * s.flopsPerInference) / 1e6];
  const steps = Math.ceil(s.trainSamples / s.batchSize) * s.epochs;
  const gflop = (s.trainSamples * s.epochs * s.flopsPerInference) / 1e9;
  return [1, s.epochs, steps, (steps * s.paramCount) / 1e6, gflop, cnn * gflop];
}

function solve(a: number[][], b: number[]): number[] | null {
  const inv = invert(a);
  return inv ? inv.map((row) => row.reduce((s, v, j) => s + v * b[j]!, 0)) : null;
}

/**
 * Non-negative least squares on relative error: min Σ((θ·φᵢ − yᵢ)/yᵢ)² with θ ≥ 0, solved
 * exactly by trying every subset of terms (at most 2⁶) and keeping the best feasible one. Costs
 * cannot be negative, and a negative one would turn into a negative energy outside the data.
 */
function fitAdditive(phis: number[][], ys: number[]): number[] | null {
  const p = phis[0]?.length ?? 0;
  const n = phis.length;
  const rows = phis.map((phi, i) => phi.map((v) => v / ys[i]!));
  const norm = Array.from({ length: p }, (_, j) => Math.sqrt(rows.reduce((a, r) => a + r[j]! ** 2, 0)) || 1);
  // the normal equations once (scaled columns); each subset is a block of them
  const gram = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + (r[i]! / norm[i]!) * (r[j]! / norm[j]!), 0)));
  const g = Array.from({ length: p }, (_, i) => rows.reduce((s, r) => s + r[i]! / norm[i]!, 0));
  let best: { w: number[]; sse: number } | null = null;
  for (let mask = 1; mask < 1 << p; mask++) {
    const cols = Array.from({ length: p }, (_, j) => j).filter((j) => mask & (1 << j));
    const sub = solve(
      cols.map((i) => cols.map((j) => gram[i]![j]! + (i === j ? 1e-9 : 0))),
      cols.map((i) => g[i]!),
    );
    if (!sub || sub.some((v) => !(v > 0))) continue;
    const w = new Array<number>(p).fill(0);
    cols.forEach((j, k) => (w[j] = sub[k]!));
    // Σ(r·w − 1)² = wᵀGw − 2wᵀg + n
    const sse = w.reduce((s, wi, i) => s + wi * w.reduce((t, wj, j) => t + gram[i]![j]! * wj, 0), 0) - 2 * w.reduce((s, wi, i) => s + wi * g[i]!, 0) + n;
    if (!best || sse < best.sse) best = { w, sse };
  }
  return best ? best.w.map((v, j) => v / norm[j]!) : null;
}

function fitKind(kind: ModelKind, target: PredictorTarget, data: readonly PredictorRow[], lambda: number): Fitted | null {
  if (kind === 'additive') {
    const theta = fitAdditive(data.map((r) => additiveTerms(target, r)), data.map((r) => r.targets[target]!));
    return theta ? { kind, theta } : null;
  }
  const ridge = fitRidge(data.map((r) => features(target, r)), data.map((r) => Math.log(r.targets[target]!)), lambda);
  return ridge ? { kind, ridge } : null;
}

function predictLog(f: Fitted, target: PredictorTarget, s: TrialShape): number {
  if (f.kind === 'log-linear') return predictRidge(f.ridge, features(target, s));
  const y = additiveTerms(target, s).reduce((a, v, j) => a + v * f.theta[j]!, 0);
  return Math.log(Math.max(y, 1e-300));
}

function termsUsed(f: Fitted, target: PredictorTarget): string[] {
  return f.kind === 'log-linear' ? f.ridge.keep.map((j) => FEATURE_NAMES[target][j]!) : ADDITIVE_TERMS[target].filter((_, j) => f.theta[j]! > 0);
}

/** Held-out log predictions, each fold predicted by a fit on the rest; null where a fit failed. */
function heldOutLogs(kind: ModelKind, target: PredictorTarget, data: readonly PredictorRow[], fold: (i: number) => string | number, lambda: number): (number | null)[] {
  const out = new Array<number | null>(data.length).fill(null);
  const folds = new Map<string | number, number[]>();
  data.forEach((_, i) => folds.set(fold(i), [...(folds.get(fold(i)) ?? []), i]));
  for (const idx of folds.values()) {
    const held = new Set(idx);
    const rest = data.filter((_, i) => !held.has(i));
    const f = rest.length >= 3 ? fitKind(kind, target, rest, lambda) : null;
    if (f) for (const i of idx) out[i] = predictLog(f, target, data[i]!);
  }
  return out;
}

function scored(ys: number[], preds: (number | null)[]): HeldOut | null {
  const idx = preds.map((p, i) => (p === null ? -1 : i)).filter((i) => i >= 0);
  return idx.length ? heldOut(idx.map((i) => ys[i]!), idx.map((i) => preds[i]!)) : null;
}

/**
 * With fewer than 3 studies, held-out errors cannot show how much a whole study moves when it
 * runs at another time: on a shared machine the trial's share of the CPU changes, and with it the
 * energy of fixed-length windows such as the inference benchmark. Until they can, the interval
 * adds this much (log y, about ±35%), as measured on the development machine: the same small
 * study run once beside other work and once on a quiet machine differed by 0.28 in log energy,
 * and leave-one-study-out log errors there ran 0.13 to 0.42.
 */
export const SESSION_SHIFT_LOG = 0.3;

/** Up to this many trials, leave-one-trial-out refits each; beyond, ten folds. */
export const LOO_LIMIT = 100;

export interface TargetFit {
  target: PredictorTarget;
  /** Which model won on held-out error. */
  kind: ModelKind;
  model: Fitted;
  /** Trials fitted on, and their studies. */
  n: number;
  studies: number;
  /** The inputs (log-linear) or cost terms (additive) the fit uses. */
  features: string[];
  looTrial: HeldOut;
  /** Leave-one-study-out, with ≥ 2 studies; each study predicted by a fit on the others. */
  looStudy: HeldOut | null;
  /** The other model's leave-one-trial-out error, for the record. */
  other: { kind: ModelKind; looTrial: HeldOut | null };
  /** Half-width, in log y, of the 90% interval for one new trial (see the file's doc comment). */
  intervalLog: number;
  /** Which held-out error the interval comes from. */
  intervalFrom: 'leave-one-trial-out' | 'leave-one-study-out';
  /** The allowance for a study run at another time added to the interval's error, log y (0 with ≥ 3 studies). */
  sessionAllowanceLog: number;
}

export type TargetResult = { ok: true; fit: TargetFit } | { ok: false; n: number; reason: string };

export interface EnergyPredictor {
  /** Distinct trials and studies behind the fits. */
  trials: number;
  studies: number;
  targets: Record<PredictorTarget, TargetResult>;
}

export function notEnough(n: number): string {
  return `not enough trials measured on this machine yet (${n} complete, ${MIN_TRIALS} needed)`;
}

/** Fits one target on the rows that have it; no fit (with the reason) below MIN_TRIALS. */
export function fitTarget(target: PredictorTarget, rows: readonly PredictorRow[], lambda = RIDGE_LAMBDA): TargetResult {
  const data = rows.filter((r) => usable(r) && Number.isFinite(r.targets[target]) && r.targets[target]! > 0);
  if (data.length < MIN_TRIALS) return { ok: false, n: data.length, reason: notEnough(data.length) };
  const ys = data.map((r) => Math.log(r.targets[target]!));
  const fold = (i: number) => (data.length <= LOO_LIMIT ? i : i % 10);
  const candidates = (['log-linear', 'additive'] as const).map((kind) => {
    const model = fitKind(kind, target, data, lambda);
    return { kind, model, looTrial: model ? scored(ys, heldOutLogs(kind, target, data, fold, lambda)) : null };
  });
  const usableFits = candidates.filter((c) => c.model && c.looTrial && c.looTrial.n === data.length);
  if (!usableFits.length) return { ok: false, n: data.length, reason: 'the trials measured on this machine are too alike to fit (every input the same)' };
  const chosen = usableFits.reduce((a, b) => (b.looTrial!.rmsLogError < a.looTrial!.rmsLogError ? b : a));
  const other = candidates.find((c) => c !== chosen)!;
  const studyNames = [...new Set(data.map((r) => r.study))];
  const looStudy = studyNames.length >= 2 ? scored(ys, heldOutLogs(chosen.kind, target, data, (i) => data[i]!.study, lambda)) : null;
  const useStudy = looStudy !== null && studyNames.length >= 3;
  const allowance = useStudy ? 0 : SESSION_SHIFT_LOG;
  const rms = Math.sqrt((useStudy ? looStudy.rmsLogError : chosen.looTrial!.rmsLogError) ** 2 + allowance ** 2);
  const used = termsUsed(chosen.model!, target);
  const df = Math.max(1, data.length - used.length - 1);
  const intervalLog = tQuantile(0.5 + INTERVAL_COVERAGE / 2, df) * Math.max(rms, 0.01);
  return {
    ok: true,
    fit: {
      target,
      kind: chosen.kind,
      model: chosen.model!,
      n: data.length,
      studies: studyNames.length,
      features: used,
      looTrial: chosen.looTrial!,
      looStudy,
      other: { kind: other.kind, looTrial: other.looTrial },
      intervalLog,
      intervalFrom: useStudy ? 'leave-one-study-out' : 'leave-one-trial-out',
      sessionAllowanceLog: allowance,
    },
  };
}

export function fitPredictor(rows: readonly PredictorRow[], lambda = RIDGE_LAMBDA): EnergyPredictor {
  const targets = Object.fromEntries(PREDICTOR_TARGETS.map((t) => [t, fitTarget(t, rows, lambda)])) as Record<PredictorTarget, TargetResult>;
  return { trials: rows.length, studies: new Set(rows.map((r) => r.study)).size, targets };
}

/** One trial's prediction: the median (e^{log ŷ}) and its 90% interval. */
export function predictOne(fit: TargetFit, shape: TrialShape): { value: number; low: number; high: number } {
  const y = Math.exp(predictLog(fit.model, fit.target, shape));
  return { value: y, low: y * Math.exp(-fit.intervalLog), high: y * Math.exp(fit.intervalLog) };
}

/** A figure's estimate over a set of trials: centre ± half-width is the 90% interval [low, high]. */
export interface Estimate {
  center: number;
  plusMinus: number;
  low: number;
  high: number;
}

/** The sum over trials, their errors taken as fully correlated: [Σŷ·e^{−h}, Σŷ·e^{h}]. */
export function predictTotal(fit: TargetFit, shapes: readonly TrialShape[]): Estimate {
  const median = shapes.reduce((a, s) => a + Math.exp(predictLog(fit.model, fit.target, s)), 0);
  const low = median * Math.exp(-fit.intervalLog);
  const high = median * Math.exp(fit.intervalLog);
  return { center: (low + high) / 2, plusMinus: (high - low) / 2, low, high };
}

/** "estimated by the predictor fitted on 24 trials of 3 studies on this machine, R² = 0.91, median error 12%". */
export function provenanceText(fit: TargetFit): string {
  const r2 = Number.isFinite(fit.looTrial.r2) ? fit.looTrial.r2.toFixed(2) : '—';
  return `estimated by the predictor fitted on ${fit.n} trial${fit.n === 1 ? '' : 's'} of ${fit.studies} stud${fit.studies === 1 ? 'y' : 'ies'} measured on this machine, R² = ${r2}, median error ${(fit.looTrial.medianRelError * 100).toFixed(0)}% (leave-one-trial-out)`;
}

/** What `ecopt tune --plan` and the wizard say before a study starts. */
export interface StudyForecast {
  trials: number;
  /** Whole-trial energy (train + infer + evaluate, attributed), J. */
  energyJ: Estimate;
  /** Training energy alone, J (null without a fit). */
  trainEnergyJ: Estimate | null;
  /** Wall-clock time, s: the trials plus the idle baseline. */
  durationS: Estimate | null;
  /** Inference energy per prediction over the planned trials: lowest and highest median. */
  inferJPerSample: { min: number; max: number } | null;
  provenance: string;
  /** Caveats a person should read beside the figure. */
  notes: string[];
}

export type ForecastResult = { ok: true; forecast: StudyForecast } | { ok: false; reason: string };

export function forecastTrials(predictor: EnergyPredictor, shapes: readonly TrialShape[], fixedS = 0): ForecastResult {
  const energy = predictor.targets.trial_energy_j;
  if (!energy.ok) return { ok: false, reason: energy.reason };
  if (shapes.length === 0) return { ok: false, reason: 'no trials left to run: the study has reached its budget (add --trials N to plan more)' };
  const ok = (t: PredictorTarget) => {
    const r = predictor.targets[t];
    return r.ok ? r.fit : null;
  };
  const duration = ok('trial_duration_s');
  const train = ok('train_energy_j');
  const infer = ok('infer_energy_j_per_sample');
  const durationS = duration ? predictTotal(duration, shapes) : null;
  if (durationS && fixedS > 0) {
    durationS.low += fixedS;
    durationS.high += fixedS;
    durationS.center += fixedS;
  }
  const perSample = infer ? shapes.map((s) => predictOne(infer, s).value) : null;
  return {
    ok: true,
    forecast: {
      trials: shapes.length,
      energyJ: predictTotal(energy.fit, shapes),
      trainEnergyJ: train ? predictTotal(train, shapes) : null,
      durationS,
      inferJPerSample: perSample ? { min: Math.min(...perSample), max: Math.max(...perSample) } : null,
      provenance: provenanceText(energy.fit),
      notes: [
        `90% interval from the ${energy.fit.intervalFrom} errors, the trials' errors taken as moving together${
          energy.fit.sessionAllowanceLog > 0
            ? `, plus an allowance of ±${Math.round((Math.exp(energy.fit.sessionAllowanceLog) - 1) * 100)}% for a study run at another time (other load on the machine), which only 3 or more studies measured here can replace with a measured figure`
            : ''
        }`,
      ],
    },
  };
}

function energyText(j: number): string {
  if (j >= 1e6) return `${(j / 1e6).toPrecision(3)} MJ`;
  if (j >= 1e3) return `${(j / 1e3).toPrecision(3)} kJ`;
  return `${j.toPrecision(3)} J`;
}

/** "time 1.5 minutes to 3.2 minutes", or "time under a minute" when both ends read alike. */
function timeRange(low: number, high: number): string {
  const a = minutesText(low);
  const b = minutesText(high);
  return a === b ? `time ${a}` : `time ${a} to ${b}`;
}

function minutesText(s: number): string {
  const m = s / 60;
  return m < 1 ? 'under a minute' : m < 10 ? `${m.toFixed(1)} minutes` : `${Math.round(m)} minutes`;
}

/** "1.44 kJ (±0.43 kJ)": the half-width in the centre's unit, to the centre's last digit. */
function energyPair(center: number, plusMinus: number): string {
  const [scale, unit] = center >= 1e6 ? [1e6, 'MJ'] : center >= 1e3 ? [1e3, 'kJ'] : [1, 'J'];
  const c = center / scale;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.max(c, 1e-12))));
  return `${c.toFixed(digits)} ${unit} (±${(plusMinus / scale).toFixed(digits)} ${unit})`;
}

/** "about 12.3 kJ (±4.1 kJ) and 6.5 minutes for 16 trials". */
export function forecastLine(f: StudyForecast): string {
  const time = f.durationS ? ` and ${minutesText(f.durationS.center)}` : '';
  return `about ${energyPair(f.energyJ.center, f.energyJ.plusMinus)}${time} for ${f.trials} trial${f.trials === 1 ? '' : 's'}`;
}

/** "4.7 minutes (90% interval 2.0 minutes to 7.4 minutes)": a forecast's time, or null without one. */
export function forecastDurationText(f: StudyForecast): string | null {
  return f.durationS ? `${minutesText(f.durationS.center)} (90% interval ${minutesText(f.durationS.low)} to ${minutesText(f.durationS.high)})` : null;
}

/** The lines under the forecast: the intervals, and where the figure comes from. */
export function forecastDetails(f: StudyForecast): string[] {
  return [
    `90% interval: ${energyText(f.energyJ.low)} to ${energyText(f.energyJ.high)}${f.trainEnergyJ ? `, of which training about ${energyText(f.trainEnergyJ.center)}` : ''}${f.durationS ? `; ${timeRange(f.durationS.low, f.durationS.high)}` : ''}`,
    ...(f.inferJPerSample ? [`inference energy per prediction: about ${formatSi(f.inferJPerSample.min, 'J')} to ${formatSi(f.inferJPerSample.max, 'J')} across the planned trials`] : []),
    `${f.provenance}; a forecast, not a measurement: nothing of it is stored`,
    ...f.notes,
  ];
}

export { energyText as forecastEnergyText };
