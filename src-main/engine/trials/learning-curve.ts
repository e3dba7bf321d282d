/**
 * Where a learning curve ends, with its uncertainty, from its first epochs and the study's
 * finished curves. Pure: pruning calls it at each epoch.
 *
 * The family is pow3, acc(e) = a − b·e^(−c) (e the epoch, from 1): a rise that slows, the shape
 * learning-curve extrapolation papers find fits best among small families. One shape c is shared
 * by the study — the one with the least squared error over every finished curve of three or more
 * points, each with its own a and b — and each trial's (a, b) gets a Gaussian prior pooled from
 * the finished curves' own fits at that c (their mean and covariance). A running trial's curve
 * updates that prior by Bayesian linear regression (a and b enter linearly once c is fixed), so
 * one epoch already predicts — from how trials that started alike went on — and each later epoch
 * moves the prediction towards the trial's own trend.
 *
 * The stated sd is calibrated on the study itself: each finished curve, cut after k epochs, is
 * predicted by the pool of the others, and the predictive sd is scaled by the root mean square
 * of those standardised errors (never below 1: the model's own sd is a floor). A misfit family,
 * a shape the study's curves do not share, a prior from few curves: all show there, so an
 * interval of z sds covers about as often as z says on curves like the study's.
 */

export interface CurvePoint {
  /** 1 after the first epoch. */
  epoch: number;
  /** Validation accuracy, a fraction. */
  accuracy: number;
}

/** Shapes tried for c: log-spaced from 0.05 (almost linear over ten epochs) to 4 (done after two). */
export const SHAPE_GRID: readonly number[] = Array.from({ length: 33 }, (_, i) => 0.05 * Math.pow(80, i / 32));
/** Floors on the pooled spreads (accuracy fractions): a few alike curves must not claim certainty. */
const PRIOR_SD_FLOOR = 0.03;
const NOISE_SD_FLOOR = 0.01;
const MIN_CURVES = 3;

interface Fit {
  a: number;
  b: number;
  sse: number;
}

export interface CurvePool {
  /** The shared shape. */
  c: number;
  /** Prior mean and covariance of (a, b). */
  mean: [number, number];
  cov: [[number, number], [number, number]];
  /** Epoch-to-epoch noise sd around a curve. */
  noiseSd: number;
  /** Curves pooled. */
  n: number;
  /** Calibration: epochs seen → root mean square standardised held-out error (≥ 1), and the overall one. */
  scaleAt: ReadonlyMap<number, number>;
  scale: number;
}

export interface Extrapolation {
  /** Predicted accuracy at the last epoch and its calibrated sd. */
  mean: number;
  sd: number;
}

/** Finite points, one per epoch (the last report of an epoch wins), in epoch order. */
export function cleanCurve(points: readonly CurvePoint[]): CurvePoint[] {
  const byEpoch = new Map<number, number>();
  for (const p of points) {
    if (Number.isFinite(p.epoch) && p.epoch >= 1 && Number.isFinite(p.accuracy) && p.accuracy >= 0 && p.accuracy <= 1) byEpoch.set(p.epoch, p.accuracy);
  }
  return [...byEpoch.entries()].sort((x, y) => x[0] - y[0]).map(([epoch, accuracy]) => ({ epoch, accuracy }));
}

/** A stored learning curve (the trainer's `{epoch, valAccuracy}` or a program's step lines) as points. */
export function curveFromAttrs(stored: unknown): CurvePoint[] {
  if (!Array.isArray(stored)) return [];
  const points: CurvePoint[] = [];
  stored.forEach((p: unknown, i) => {
    if (!p || typeof p !== 'object') return;
    const o = p as Record<string, unknown>;
    const acc = [o.valAccuracy, o.val_accuracy, o.accuracy].find((v) => typeof v === 'number');
    const epoch = typeof o.epoch === 'number' ? o.epoch : i + 1;
    if (typeof acc === 'number') points.push({ epoch, accuracy: acc });
  });
  return cleanCurve(points);
}

/** Least squares a, b for a fixed c; null without two distinct epochs. */
function fitAt(points: readonly CurvePoint[], c: number): Fit | null {
  if (points.length < 2) return null;
  const xs = points.map((p) => -Math.pow(p.epoch, -c));
  const ys = points.map((p) => p.accuracy);
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (sxx < 1e-12) return null;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / sxx;
  const a = my - b * mx;
  const sse = ys.reduce((s, y, i) => s + (y - a - b * xs[i]!) ** 2, 0);
  return { a, b, sse };
}

/** Each curve's fit at every shape of the grid (null where it has fewer than two points). */
type GridFits = (Fit | null)[];

function shapeIndex(fits: readonly GridFits[]): number {
  let best = -1;
  let bestSse = Infinity;
  for (let g = 0; g < SHAPE_GRID.length; g++) {
    let sse = 0;
    let informative = 0;
    for (const f of fits) {
      if (f[g]) {
        sse += f[g]!.sse;
        informative++;
      }
    }
    if (informative && sse < bestSse - 1e-15) {
      bestSse = sse;
      best = g;
    }
  }
  // no curve long enough to choose: a middling shape
  return best < 0 ? SHAPE_GRID.findIndex((c) => c >= 0.5) : best;
}

interface Core {
  c: number;
  mean: [number, number];
  cov: [[number, number], [number, number]];
  noiseSd: number;
  n: number;
}

function core(curves: readonly CurvePoint[][], fits: readonly GridFits[]): Core | null {
  const usable = fits.map((f, i) => ({ f, len: curves[i]!.length })).filter((x) => x.len >= 2);
  if (usable.length < MIN_CURVES) return null;
  // two points fit exactly at any shape: only longer curves choose it
  const g = shapeIndex(usable.filter((x) => x.len >= 3).map((x) => x.f));
  const c = SHAPE_GRID[g]!;
  const ab = usable.map((x) => x.f[g]!).filter((f) => f && Number.isFinite(f.a) && Number.isFinite(f.b));
  if (ab.length < MIN_CURVES) return null;
  const n = ab.length;
  const ma = ab.reduce((s, f) => s + f.a, 0) / n;
  const mb = ab.reduce((s, f) => s + f.b, 0) / n;
  let saa = 0;
  let sab = 0;
  let sbb = 0;
  for (const f of ab) {
    saa += (f.a - ma) ** 2;
    sab += (f.a - ma) * (f.b - mb);
    sbb += (f.b - mb) ** 2;
  }
  const floor = PRIOR_SD_FLOOR ** 2;
  const cov: [[number, number], [number, number]] = [
    [saa / (n - 1) + floor, sab / (n - 1)],
    [sab / (n - 1), sbb / (n - 1) + floor],
  ];
  let sse = 0;
  let dof = 0;
  usable.forEach((x) => {
    if (x.len >= 3 && x.f[g]) {
      sse += x.f[g]!.sse;
      dof += x.len - 2;
    }
  });
  const noiseSd = Math.max(NOISE_SD_FLOOR, dof > 0 ? Math.sqrt(sse / dof) : 0.03);
  return { c, mean: [ma, mb], cov, noiseSd, n };
}

/** Posterior predictive of acc(epochs) given the points, before calibration. */
function predictRaw(points: readonly CurvePoint[], epochs: number, k: Core): Extrapolation {
  const { c, mean, cov, noiseSd } = k;
  const s2 = noiseSd ** 2;
  // precision = Σ0⁻¹ + ΦᵀΦ/σ²; information vector = Σ0⁻¹μ0 + Φᵀy/σ²
  const det0 = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
  let p00 = cov[1][1] / det0;
  let p01 = -cov[0][1] / det0;
  let p11 = cov[0][0] / det0;
  let h0 = p00 * mean[0] + p01 * mean[1];
  let h1 = p01 * mean[0] + p11 * mean[1];
  for (const p of points) {
    const x = -Math.pow(p.epoch, -c);
    p00 += 1 / s2;
    p01 += x / s2;
    p11 += (x * x) / s2;
    h0 += p.accuracy / s2;
    h1 += (x * p.accuracy) / s2;
  }
  const det = p00 * p11 - p01 * p01;
  const v00 = p11 / det;
  const v01 = -p01 / det;
  const v11 = p00 / det;
  const a = v00 * h0 + v01 * h1;
  const b = v01 * h0 + v11 * h1;
  const x = -Math.pow(epochs, -c);
  const m = a + b * x;
  const v = v00 + 2 * x * v01 + x * x * v11 + s2;
  return { mean: m, sd: Math.sqrt(Math.max(v, 0)) };
}

/**
 * The study's pool from its finished curves (non-finite points dropped), or null with fewer than
 * three usable curves. Cost: O(curves² · epochs), fine for the few hundred a pool keeps.
 */
export function poolCurves(rawCurves: readonly (readonly CurvePoint[])[]): CurvePool | null {
  const curves = rawCurves.map((c) => cleanCurve(c)).filter((c) => c.length >= 2);
  const fits: GridFits[] = curves.map((c) => SHAPE_GRID.map((s) => fitAt(c, s)));
  const all = core(curves, fits);
  if (!all) return null;
  // held-out calibration: each curve cut after k epochs, predicted by the others
  const byK = new Map<number, number[]>();
  const every: number[] = [];
  curves.forEach((curve, j) => {
    const others = core(
      curves.filter((_, i) => i !== j),
      fits.filter((_, i) => i !== j),
    );
    if (!others) return;
    const last = curve.at(-1)!;
    for (let k = 1; k < curve.length; k++) {
      const seen = curve.slice(0, k);
      const p = predictRaw(seen, last.epoch, others);
      if (!(p.sd > 0)) continue;
      const r = (last.accuracy - p.mean) / p.sd;
      const epoch = seen.at(-1)!.epoch;
      if (!byK.has(epoch)) byK.set(epoch, []);
      byK.get(epoch)!.push(r);
      every.push(r);
    }
  });
  const rms = (rs: readonly number[]) => Math.max(1, Math.sqrt(rs.reduce((s, r) => s + r * r, 0) / rs.length));
  const scale = every.length ? rms(every) : 1;
  const scaleAt = new Map<number, number>();
  for (const [k, rs] of byK) if (rs.length >= MIN_CURVES) scaleAt.set(k, rms(rs));
  return { ...all, scaleAt, scale };
}

/**
 * Accuracy at `epochs` predicted from a running trial's points: the posterior mean and its sd,
 * scaled by the pool's held-out calibration at this many epochs seen. Null without a finite point.
 */
export function extrapolate(rawPoints: readonly CurvePoint[], epochs: number, pool: CurvePool): Extrapolation | null {
  const points = cleanCurve(rawPoints);
  if (!points.length || !(epochs >= 1)) return null;
  const last = points.at(-1)!;
  if (last.epoch >= epochs) return { mean: last.accuracy, sd: 0 };
  const raw = predictRaw(points, epochs, pool);
  const scale = pool.scaleAt.get(last.epoch) ?? pool.scale;
  return { mean: raw.mean, sd: raw.sd * scale };
}
