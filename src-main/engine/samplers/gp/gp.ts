/**
 * A Gaussian process on the unit cube: Matérn 5/2 kernel with one length-scale per dimension,
 * categorical dimensions compared by Hamming distance (0 when equal, 1/ℓ² when not), output
 * scale and a homoscedastic noise variance, all fitted by maximising the marginal likelihood plus
 * log-priors (as Optuna: −(0.1/λ + 0.1λ) on each inverse squared length-scale λ, Gamma(2, 1) on
 * the output scale; but only a weak Gamma(1.1, 1) on the noise, see NOISE_RATE) with L-BFGS and
 * analytic gradients. Targets are standardised; the noise is learned in those units, so an
 * objective observed with 5–20% noise gets a posterior mean that smooths it instead of
 * interpolating every draw.
 *
 * With `trend`, the prior mean is a quadratic in the numeric dimensions (basis below) instead of
 * a constant. A constant mean reverts to the average away from the data, so with few points the
 * GP took a smooth trend (DTLZ2's bowl in its distance variables) for noise, expected the
 * unexplored corners to be average and most uncertain, and EHVI spent its early proposals there.
 * The coefficients are profiled out of the likelihood by generalised least squares, and their
 * posterior uncertainty enters every predictive variance and covariance, so where the trend is
 * poorly known (heavy noise) the acquisition still explores instead of trusting the bowl's
 * minimum (BraninCurrin with 20% noise stalled without it). bench:tuner, tuner-misses.md.
 *
 * The squared per-dimension distances between the fitting points are computed once per fit and
 * reused by every likelihood evaluation (the fit is most of a proposal's time).
 */
import { cholesky, inverseFromCholesky, solveLower, solveUpper } from './linalg';
import { lbfgs } from './lbfgs';

const SQRT5 = Math.sqrt(5);
const MIN_NOISE = 1e-6;
/**
 * Rate of the Gamma(1.1, rate) prior on the noise variance (standardised units). Optuna's 30
 * suits deterministic objectives but pins the noise of a noisy one far below its true level, so
 * the GP chases the noise (100 points of ZDT1 with 20% noise: fitted noise sd 0.09 for a true
 * 1.22, held-out error 0.86); at 1 it fits 1.15 (error 0.72), and on noiseless problems the
 * noise stays at its floor either way.
 */
const NOISE_RATE = 1;

export interface GpParams {
  /** log length-scale per dimension */
  logLengthscales: number[];
  logScale: number;
  logNoise: number;
}

function matern(r: number): number {
  return (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/** Squared distance per dimension (Hamming indicator for categories) for every pair i > j, row-major. */
function pairDistances(x: readonly (readonly number[])[], categorical: readonly boolean[]): Float64Array {
  const n = x.length;
  const d = categorical.length;
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let p = 0;
  for (let i = 1; i < n; i++) {
    const a = x[i]!;
    for (let j = 0; j < i; j++) {
      const b = x[j]!;
      for (let k = 0; k < d; k++) {
        const diff = a[k]! - b[k]!;
        out[p++] = categorical[k] ? (diff === 0 ? 0 : 1) : diff * diff;
      }
    }
  }
  return out;
}

/**
 * Ridge on each trend coefficient (standardised units per unit of its basis function): a prior
 * sd of 2. Stronger (4: sd ½) loses most of DTLZ2's gain; weaker (1) none of BraninCurrin 20%
 * noise's stalls (bench:tuner-misses.md).
 */
const TREND_RIDGE = 0.25;

/**
 * The trend's basis at x: 1, then (x_k − ½)² for each numeric dimension k, then (x_k − ½)
 * (categorical dimensions get no terms). Its quadratic coefficients are kept ≥ 0: a bowl or a
 * ridge, never a dome that would call an unexplored corner good.
 */
function basis(x: readonly number[], numeric: readonly number[]): Float64Array {
  const q = numeric.length;
  const h = new Float64Array(2 * q + 1);
  h[0] = 1;
  for (let j = 0; j < q; j++) {
    const c = x[numeric[j]!]! - 0.5;
    h[j + 1] = c * c;
    h[q + j + 1] = c;
  }
  return h;
}

/**
 * Trend coefficients β for a given kernel: generalised least squares with a ridge on all but the
 * constant (the posterior mean of β under a Gaussian prior), negative quadratic coefficients
 * dropped and the rest refitted; the residual y − Hβ; the ridge penalty ½ρ‖β‖²; the active
 * columns and the Cholesky factor of A = HᵀK⁻¹H + ρ on them (β's posterior precision); V = L⁻¹H
 * (row-major n×p). `l` is K's Cholesky factor.
 */
function fitMean(H: readonly Float64Array[], y: Float64Array, l: Float64Array): { beta: Float64Array; resid: Float64Array; penalty: number; idx: number[]; lA: Float64Array; V: Float64Array } {
  const n = y.length;
  const p = H[0]!.length;
  // V = L⁻¹H (all columns in one forward sweep) and w = L⁻¹y: then HᵀK⁻¹H = VᵀV, HᵀK⁻¹y = Vᵀw
  const V = new Float64Array(n * p);
  const w = new Float64Array(n);
  const acc = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const hi = H[i]!;
    for (let j = 0; j < p; j++) acc[j] = hi[j]!;
    let sy = y[i]!;
    const row = i * n;
    for (let k = 0; k < i; k++) {
      const lik = l[row + k]!;
      if (lik === 0) continue;
      const vk = k * p;
      for (let j = 0; j < p; j++) acc[j]! -= lik * V[vk + j]!;
      sy -= lik * w[k]!;
    }
    const diag = l[row + i]!;
    for (let j = 0; j < p; j++) V[i * p + j] = acc[j]! / diag;
    w[i] = sy / diag;
  }
  const VtV = new Float64Array(p * p);
  const Vtw = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const vi = i * p;
    for (let r = 0; r < p; r++) {
      const a = V[vi + r]!;
      Vtw[r]! += a * w[i]!;
      for (let c = 0; c <= r; c++) VtV[r * p + c]! += a * V[vi + c]!;
    }
  }
  const active = Array.from({ length: p }, () => true);
  const qEnd = (p - 1) / 2 + 1;
  let beta = new Float64Array(p);
  let idx: number[] = [];
  let lA: Float64Array = new Float64Array(0);
  for (let pass = 0; pass <= p; pass++) {
    idx = active.map((a, j) => (a ? j : -1)).filter((j) => j >= 0);
    const q = idx.length;
    const A = new Float64Array(q * q);
    const b = new Float64Array(q);
    for (let r = 0; r < q; r++) {
      const jr = idx[r]!;
      b[r] = Vtw[jr]!;
      for (let c = 0; c <= r; c++) {
        const jc = idx[c]!;
        let v = jr >= jc ? VtV[jr * p + jc]! : VtV[jc * p + jr]!;
        if (r === c && jr > 0) v += TREND_RIDGE;
        A[r * q + c] = v;
        A[c * q + r] = v;
      }
    }
    const l = cholesky(A, q).l;
    lA = l;
    const sol = solveUpper(l, q, solveLower(l, q, b));
    beta = new Float64Array(p);
    idx.forEach((j, r) => (beta[j] = sol[r]!));
    let dropped = false;
    for (let j = 1; j < qEnd; j++) {
      if (active[j] && beta[j]! < 0) {
        active[j] = false;
        dropped = true;
      }
    }
    if (!dropped) break;
  }
  for (let j = 1; j < qEnd; j++) beta[j] = Math.max(beta[j]!, 0);
  const resid = Float64Array.from(y, (v, i) => {
    let m = 0;
    for (let j = 0; j < p; j++) m += H[i]![j]! * beta[j]!;
    return v - m;
  });
  let penalty = 0;
  for (let j = 1; j < p; j++) penalty += 0.5 * TREND_RIDGE * beta[j]! ** 2;
  return { beta, resid, penalty, idx, lA, V };
}

export class GaussianProcess {
  private readonly n: number;
  private l!: Float64Array;
  private alpha!: Float64Array;
  private invL2!: Float64Array;
  private scale!: number;
  private noise!: number;
  readonly yMean: number;
  readonly yStd: number;
  private readonly yz: Float64Array;
  /** Numeric dimensions (the trend's terms) and the trend's coefficients; null: a constant mean. */
  private readonly numeric: number[] | null;
  private beta: Float64Array | null = null;
  /**
   * The trend coefficients' uncertainty (explicit basis functions, Rasmussen & Williams §2.7): the
   * active basis columns, C = K⁻¹H on them (row-major n×q) and the Cholesky factor of
   * A = HᵀK⁻¹H + ridge; a prediction's variance gains rᵀA⁻¹r, r = h(x) − Cᵀk(x).
   */
  private coef: { idx: number[]; C: Float64Array; lA: Float64Array } | null = null;
  private coefCache = new WeakMap<Float64Array, Float64Array[]>();
  private crossCache = new WeakMap<Float64Array, { G: Float64Array; u: Float64Array[] | null }>();
  /** Training inputs row-major, and a scratch vector, for allocation-free predictions. */
  private flat!: Float64Array;
  private work!: Float64Array;
  params!: GpParams;

  constructor(
    private readonly x: readonly (readonly number[])[],
    y: readonly number[],
    private readonly categorical: readonly boolean[],
    options: { trend?: boolean } = {},
  ) {
    this.n = x.length;
    const numeric = categorical.map((c, k) => (c ? -1 : k)).filter((k) => k >= 0);
    this.numeric = options.trend && numeric.length ? numeric : null;
    this.yMean = y.reduce((a, b) => a + b, 0) / this.n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - this.yMean) ** 2, 0) / this.n);
    this.yStd = sd > 1e-12 ? sd : 1;
    this.yz = Float64Array.from(y, (v) => (v - this.yMean) / this.yStd);
  }

  /**
   * Negative log marginal likelihood minus log prior, and its gradient, at θ = (log ℓ₁…ℓ_d,
   * log σ², log noise), for points whose pairwise squared distances are `dist` (pairDistances).
   */
  static objective(dist: Float64Array, n: number, yzIn: Float64Array, d: number, theta: readonly number[], H: readonly Float64Array[] | null = null, gradient = true): { f: number; g: number[] } {
    const invL2 = new Float64Array(d);
    for (let k = 0; k < d; k++) invL2[k] = Math.exp(-2 * theta[k]!);
    const scale = Math.exp(theta[d]!);
    const noise = Math.max(Math.exp(theta[d + 1]!), MIN_NOISE);
    const npairs = (n * (n - 1)) / 2;
    const r = new Float64Array(npairs);
    // e^{−√5 r} per pair, kept for the gradient (one exp per pair per evaluation)
    const ex = new Float64Array(npairs);
    const K = new Float64Array(n * n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      K[i * n + i] = scale + noise;
      for (let j = 0; j < i; j++) {
        let r2 = 0;
        const base = p * d;
        for (let k = 0; k < d; k++) r2 += dist[base + k]! * invL2[k]!;
        const rr = Math.sqrt(r2);
        const e = Math.exp(-SQRT5 * rr);
        r[p] = rr;
        ex[p++] = e;
        const kv = scale * (1 + SQRT5 * rr + (5 / 3) * r2) * e;
        K[i * n + j] = kv;
        K[j * n + i] = kv;
      }
    }
    let l: Float64Array;
    try {
      l = cholesky(K, n).l;
    } catch {
      return { f: Infinity, g: theta.map(() => 0) };
    }
    // with a trend, its coefficients are profiled out (their optimum for this kernel); the
    // gradient in θ at that optimum is the one at fixed coefficients
    let yz = yzIn;
    let meanPenalty = 0;
    if (H) {
      const m = fitMean(H, yzIn, l);
      yz = m.resid;
      meanPenalty = m.penalty;
    }
    const alpha = solveUpper(l, n, solveLower(l, n, yz));
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(l[i * n + i]!);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += yz[i]! * alpha[i]!;
    const nll = 0.5 * fit + logDet + 0.5 * n * Math.log(2 * Math.PI) + meanPenalty;
    // log-priors (negated below: we minimise)
    let prior = 0;
    for (let k = 0; k < d; k++) {
      const lam = invL2[k]!;
      prior += -(0.1 / lam + 0.1 * lam);
    }
    prior += Math.log(scale) - scale; // Gamma(2, 1)
    prior += 0.1 * Math.log(noise) - NOISE_RATE * noise; // Gamma(1.1, NOISE_RATE)
    if (!gradient) return { f: nll - prior, g: [] };
    // W = ααᵀ − K⁻¹; dNLL/dθ = −½ tr(W ∂K/∂θ)
    const Kinv = inverseFromCholesky(l, n);
    const g = new Array<number>(d + 2).fill(0);
    let gScale = 0;
    let gNoise = 0;
    const gLen = new Float64Array(d);
    p = 0;
    for (let i = 0; i < n; i++) {
      const wii = alpha[i]! * alpha[i]! - Kinv[i * n + i]!;
      gScale += wii * scale;
      gNoise += wii * noise;
      for (let j = 0; j < i; j++) {
        const w = 2 * (alpha[i]! * alpha[j]! - Kinv[i * n + j]!);
        const rr = r[p]!;
        const e = ex[p]!;
        // ∂k/∂log σ² = σ² m(r); ∂k/∂log ℓ_k = σ² (5/3)(1 + √5 r) e^{−√5 r} · dist_k / ℓ_k²
        gScale += w * scale * (1 + SQRT5 * rr + (5 / 3) * rr * rr) * e;
        const common = w * scale * (5 / 3) * (1 + SQRT5 * rr) * e;
        const base = p * d;
        for (let k = 0; k < d; k++) gLen[k]! += common * dist[base + k]!;
        p++;
      }
    }
    g[d] = -0.5 * gScale;
    g[d + 1] = -0.5 * gNoise;
    for (let k = 0; k < d; k++) g[k] = -0.5 * gLen[k]! * invL2[k]!;
    // the log-priors' gradients, negated
    for (let k = 0; k < d; k++) {
      const lam = invL2[k]!;
      // dλ/du = −2λ: d/du [−(0.1/λ + 0.1λ)] = −0.2/λ + 0.2λ... negated for minimisation
      g[k]! -= -0.2 / lam + 0.2 * lam;
    }
    g[d]! -= 1 - scale;
    g[d + 1]! -= 0.1 - NOISE_RATE * noise;
    return { f: nll - prior, g };
  }

  /** The fitting objective at θ on all the points (what `fit` minimises on its subset); without `gradient`, its value alone (g empty). */
  fittingObjective(theta: readonly number[], gradient = true): { f: number; g: number[] } {
    return GaussianProcess.objective(pairDistances(this.x, this.categorical), this.n, this.yz, this.categorical.length, theta, this.basisRows(this.n), gradient);
  }

  /** Fits the kernel hyperparameters on at most `maxFit` points (those given first). */
  fit(options: { maxFit?: number; maxIter?: number; init?: GpParams } = {}): this {
    const d = this.categorical.length;
    const m = Math.min(this.n, options.maxFit ?? 64);
    const dist = pairDistances(this.x.slice(0, m), this.categorical);
    const ys = this.yz.subarray(0, m);
    const init = options.init ?? { logLengthscales: new Array<number>(d).fill(Math.log(0.5)), logScale: 0, logNoise: Math.log(1e-2) };
    const theta0 = [...init.logLengthscales, init.logScale, init.logNoise];
    const lower = [...new Array<number>(d).fill(Math.log(1e-2)), Math.log(1e-2), Math.log(MIN_NOISE)];
    const upper = [...new Array<number>(d).fill(Math.log(1e2)), Math.log(1e2), Math.log(1)];
    const H = this.basisRows(m);
    const fg = (t: number[]) => GaussianProcess.objective(dist, m, ys, d, t, H);
    const { x } = lbfgs(fg, theta0, { maxIter: options.maxIter ?? 30, lower, upper });
    return this.condition({ logLengthscales: x.slice(0, d), logScale: x[d]!, logNoise: x[d + 1]! });
  }

  private basisRows(m: number): Float64Array[] | null {
    const numeric = this.numeric;
    return numeric ? this.x.slice(0, m).map((row) => basis(row, numeric)) : null;
  }

  /** The prior mean at x, standardised (0 with a constant mean). */
  private priorMean(x: readonly number[]): number {
    const beta = this.beta;
    if (!beta) return 0;
    const h = basis(x, this.numeric!);
    let m = 0;
    for (let j = 0; j < h.length; j++) m += beta[j]! * h[j]!;
    return m;
  }

  /** Sets hyperparameters and conditions on all the data. */
  condition(params: GpParams): this {
    this.params = params;
    this.invL2 = Float64Array.from(params.logLengthscales, (u) => Math.exp(-2 * u));
    this.scale = Math.exp(params.logScale);
    this.noise = Math.max(Math.exp(params.logNoise), MIN_NOISE);
    const n = this.n;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const k = this.k(this.x[i]!, this.x[j]!) + (i === j ? this.noise : 0);
        K[i * n + j] = k;
        K[j * n + i] = k;
      }
    }
    this.l = cholesky(K, n).l;
    const H = this.basisRows(n);
    let resid = this.yz;
    if (H) {
      const fitted = fitMean(H, this.yz, this.l);
      this.beta = fitted.beta;
      resid = fitted.resid;
      const q = fitted.idx.length;
      const C = new Float64Array(n * q);
      // C = K⁻¹H = L⁻ᵀ(L⁻¹H): the forward half is fitMean's V
      const p = H[0]!.length;
      fitted.idx.forEach((j, r) => {
        const col = solveUpper(this.l, n, Float64Array.from({ length: n }, (_, i) => fitted.V[i * p + j]!));
        for (let i = 0; i < n; i++) C[i * q + r] = col[i]!;
      });
      this.coef = { idx: fitted.idx, C, lA: fitted.lA };
    }
    this.alpha = solveUpper(this.l, n, solveLower(this.l, n, resid));
    const d = this.categorical.length;
    this.flat = new Float64Array(n * d);
    this.x.forEach((row, i) => this.flat.set(row, i * d));
    this.work = new Float64Array(n);
    return this;
  }

  /**
   * The joint posterior of the latent function at points B, in standardised units: means,
   * covariance (row-major |B|×|B|), and L⁻¹K(X, B) (column b at w[b·n …]) for `predictWithCross`.
   */
  posteriorAt(B: readonly (readonly number[])[]): { mean: Float64Array; cov: Float64Array; w: Float64Array } {
    const n = this.n;
    const nb = B.length;
    const w = new Float64Array(nb * n);
    const mean = new Float64Array(nb);
    const sB: Float64Array[] = [];
    for (let b = 0; b < nb; b++) {
      const col = w.subarray(b * n, (b + 1) * n);
      let mu = this.priorMean(B[b]!);
      for (let i = 0; i < n; i++) {
        col[i] = this.k(B[b]!, this.x[i]!);
        mu += col[i]! * this.alpha[i]!;
      }
      mean[b] = mu;
      if (this.coef) sB.push(this.coefS(B[b]!, col));
      this.forwardInPlace(col);
    }
    const cov = new Float64Array(nb * nb);
    for (let a = 0; a < nb; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[a * n + i]! * w[b * n + i]!;
        let c = this.k(B[a]!, B[b]!) - s;
        if (this.coef) for (let j = 0; j < sB[a]!.length; j++) c += sB[a]![j]! * sB[b]![j]!;
        cov[a * nb + b] = c;
        cov[b * nb + a] = c;
      }
    }
    return { mean, cov, w };
  }

  /**
   * Standardised posterior mean and variance at x, and the posterior covariance between f(x) and
   * f at each point of P (whose L⁻¹K(X, P) columns are `w`, from posteriorAt).
   */
  predictWithCross(x: readonly number[], P: readonly (readonly number[])[], w: Float64Array): { mean: number; variance: number; cross: Float64Array } {
    const n = this.n;
    const v = this.work;
    let mean = this.priorMean(x);
    for (let i = 0; i < n; i++) {
      v[i] = this.k(x, this.x[i]!);
      mean += v[i]! * this.alpha[i]!;
    }
    const { vv, sx } = this.explained(x, v);
    const sP = sx ? this.coefSAt(P, w) : null;
    const cross = new Float64Array(P.length);
    for (let b = 0; b < P.length; b++) cross[b] = this.k(x, P[b]!) - this.crossExplained(v, sx, sP, w, b);
    return { mean, variance: Math.max(this.scale - vv, 1e-12), cross };
  }

  /** The part of k(x, p_b) the data explain: (L⁻¹k(x))ᵀ(L⁻¹k(p_b)) less the trend coefficients' share s(x)ᵀs(p_b). */
  private crossExplained(v: Float64Array, sx: Float64Array | null, sP: Float64Array[] | null, w: Float64Array, b: number): number {
    const n = this.n;
    let s = 0;
    const base = b * n;
    for (let i = 0; i < n; i++) s += v[i]! * w[base + i]!;
    if (sx) for (let j = 0; j < sx.length; j++) s -= sx[j]! * sP![b]![j]!;
    return s;
  }

  /** s = L_A⁻¹ r(x), r = h(x) − Cᵀk (k: the kernel values k(x, xᵢ)); sᵀs is the coefficients' share of the variance. */
  private coefS(x: readonly number[], kvec: ArrayLike<number>): Float64Array {
    const { idx, C, lA } = this.coef!;
    const q = idx.length;
    const h = basis(x, this.numeric!);
    const r = new Float64Array(q);
    for (let j = 0; j < q; j++) r[j] = h[idx[j]!]!;
    for (let i = 0; i < this.n; i++) {
      const ki = kvec[i]!;
      const base = i * q;
      for (let j = 0; j < q; j++) r[j]! -= C[base + j]! * ki;
    }
    return solveLower(lA, q, r);
  }

  private coefSAt(P: readonly (readonly number[])[], key: Float64Array): Float64Array[] {
    let sP = this.coefCache.get(key);
    if (!sP) {
      sP = P.map((p) => this.coefS(p, this.x.map((xi) => this.k(p, xi))));
      this.coefCache.set(key, sP);
    }
    return sP;
  }

  /** Squared distance from x to observed point i, each dimension over its length-scale² (categories: 0 or 1). */
  private scaledDistance2(x: readonly number[], i: number): number {
    const d = this.categorical.length;
    const base = i * d;
    let r2 = 0;
    for (let k = 0; k < d; k++) {
      const diff = x[k]! - this.flat[base + k]!;
      r2 += (this.categorical[k] ? (diff === 0 ? 0 : 1) : diff * diff) * this.invL2[k]!;
    }
    return r2;
  }

  /**
   * With v = k(x, xᵢ): the variance the data explain at x, kᵀK⁻¹k less the trend coefficients'
   * share sᵀs (s = coefS, returned for the gradient; null with a constant mean). Leaves v = L⁻¹k.
   */
  private explained(x: readonly number[], v: Float64Array): { vv: number; sx: Float64Array | null } {
    const sx = this.coef ? this.coefS(x, v) : null;
    this.forwardInPlace(v);
    let vv = 0;
    for (let i = 0; i < this.n; i++) vv += v[i]! * v[i]!;
    if (sx) for (let j = 0; j < sx.length; j++) vv -= sx[j]! * sx[j]!;
    return { vv, sx };
  }

  /** v ← L⁻¹ v */
  private forwardInPlace(v: Float64Array): void {
    const n = this.n;
    const l = this.l;
    for (let i = 0; i < n; i++) {
      let s = v[i]!;
      const row = i * n;
      for (let k = 0; k < i; k++) s -= l[row + k]! * v[k]!;
      v[i] = s / l[row + i]!;
    }
  }

  /** Observation noise variance as a share of the output scale (0 = noiseless, 1 = all noise). */
  get noiseShare(): number {
    return this.noise / (this.noise + this.scale);
  }

  /** Fitted observation noise standard deviation, in the objective's units. */
  get noiseSd(): number {
    return this.yStd * Math.sqrt(this.noise);
  }

  private k(a: readonly number[], b: readonly number[]): number {
    let r2 = 0;
    for (let d = 0; d < a.length; d++) {
      const diff = a[d]! - b[d]!;
      r2 += (this.categorical[d] ? (diff === 0 ? 0 : 1) : diff * diff) * this.invL2[d]!;
    }
    return this.scale * matern(Math.sqrt(r2));
  }

  /** Posterior mean of the latent function, standardised (no variance: O(n·d)). */
  meanStandardised(x: readonly number[]): number {
    let mean = this.priorMean(x);
    for (let i = 0; i < this.n; i++) mean += this.k(x, this.x[i]!) * this.alpha[i]!;
    return mean;
  }

  /** Observation noise variance in standardised units. */
  get noiseStandardised(): number {
    return this.noise;
  }

  /** Number of training points. */
  get size(): number {
    return this.n;
  }

  /** Posterior mean and variance of the latent function, in standardised units. */
  predictStandardised(x: readonly number[]): { mean: number; variance: number } {
    const n = this.n;
    // k(x, xᵢ), then forward substitution L v = k in place
    const v = this.work;
    let mean = this.priorMean(x);
    for (let i = 0; i < n; i++) {
      const r2 = this.scaledDistance2(x, i);
      const kv = this.scale * matern(Math.sqrt(r2));
      mean += kv * this.alpha[i]!;
      v[i] = kv;
    }
    const { vv } = this.explained(x, v);
    return { mean, variance: Math.max(this.scale - vv, 1e-12) };
  }

  /**
   * Standardised posterior mean and variance at x with their gradients in x (categorical
   * dimensions get 0): one forward and one backward substitution, where finite differences
   * would need one prediction per dimension.
   */
  predictWithGradient(x: readonly number[]): { mean: number; variance: number; dMean: Float64Array; dVariance: Float64Array } {
    const { mean, variance, dMean, dVariance } = this.gradientCore(x);
    return { mean, variance, dMean, dVariance };
  }

  /**
   * predictWithGradient's moments, and the posterior covariance between f(x) and f at each point
   * of P (as predictWithCross; `w` from posteriorAt) with its gradient in x: dCross[b·d + j] =
   * ∂cov(f(x), f(p_b))/∂x_j. For the noisy EHVI's analytic gradient: with the covariance
   * k(x, p) − k(x)ᵀK⁻¹k(p) + r(x)ᵀA⁻¹r(p), the derivative is ∂k(x, p)/∂x − ∂k(x)ᵀG_p +
   * ∂h(x)ᵀu_p with G_p = K⁻¹k(p) + Cu_p and u_p = A⁻¹r(p), both fixed for P (crossTerms).
   */
  predictWithCrossGradient(
    x: readonly number[],
    P: readonly (readonly number[])[],
    w: Float64Array,
  ): { mean: number; variance: number; dMean: Float64Array; dVariance: Float64Array; cross: Float64Array; dCross: Float64Array } {
    const n = this.n;
    const d = this.categorical.length;
    const core = this.gradientCore(x);
    const { factor, sx } = core;
    const v = this.work; // L⁻¹k(x) after gradientCore
    const sP = sx ? this.coefSAt(P, w) : null;
    const { G, u } = this.crossTerms(P, w);
    const flat = this.flat;
    const invL2 = this.invL2;
    const cat = this.categorical;
    const np = P.length;
    const cross = new Float64Array(np);
    const dCross = new Float64Array(np * d);
    const acc = new Float64Array(d);
    for (let b = 0; b < np; b++) {
      const p = P[b]!;
      const s = this.crossExplained(v, sx, sP, w, b);
      const base = b * n;
      // k(x, p) and its factor
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const diff = x[k]! - p[k]!;
        r2 += (cat[k] ? (diff === 0 ? 0 : 1) : diff * diff) * invL2[k]!;
      }
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      cross[b] = this.scale * (1 + SQRT5 * r + (5 / 3) * r2) * e - s;
      const fp = -this.scale * (5 / 3) * (1 + SQRT5 * r) * e;
      const out = dCross.subarray(b * d, (b + 1) * d);
      // −Σᵢ ∂kᵢ/∂x_j G_{b,i} = −Σᵢ factorᵢ G_{b,i} (x_j − x_ij)/ℓ_j²
      let sumFG = 0;
      const gb = G.subarray(base, base + n);
      acc.fill(0);
      for (let i = 0; i < n; i++) {
        const c = factor[i]! * gb[i]!;
        if (c === 0) continue;
        sumFG += c;
        const xb = i * d;
        for (let k = 0; k < d; k++) acc[k]! += c * flat[xb + k]!;
      }
      for (let k = 0; k < d; k++) {
        if (cat[k]) continue;
        out[k] = (fp * (x[k]! - p[k]!) - (sumFG * x[k]! - acc[k]!)) * invL2[k]!;
      }
      if (u) {
        const { idx } = this.coef!;
        const nq = this.numeric!.length;
        const ub = u[b]!;
        idx.forEach((j, rr) => {
          if (j === 0) return;
          const k = this.numeric![(j - 1) % nq]!;
          out[k]! += ub[rr]! * (j <= nq ? 2 * (x[k]! - 0.5) : 1);
        });
      }
    }
    return { mean: core.mean, variance: core.variance, dMean: core.dMean, dVariance: core.dVariance, cross, dCross };
  }

  /** For P (keyed by its `w`): G_b = K⁻¹k(X, p_b) + C u_b (row b at G[b·n …]) and u_b = A⁻¹r(p_b) (null with a constant mean). */
  private crossTerms(P: readonly (readonly number[])[], w: Float64Array): { G: Float64Array; u: Float64Array[] | null } {
    let t = this.crossCache.get(w);
    if (!t) {
      const n = this.n;
      const G = new Float64Array(P.length * n);
      const sP = this.coef ? this.coefSAt(P, w) : null;
      const u = sP ? sP.map((s) => solveUpper(this.coef!.lA, this.coef!.idx.length, s)) : null;
      for (let b = 0; b < P.length; b++) {
        const g = solveUpper(this.l, n, w.subarray(b * n, (b + 1) * n));
        if (u) {
          const { C, idx } = this.coef!;
          const q = idx.length;
          for (let i = 0; i < n; i++) {
            let c = 0;
            for (let r = 0; r < q; r++) c += C[i * q + r]! * u[b]![r]!;
            g[i]! += c;
          }
        }
        G.set(g, b * n);
      }
      t = { G, u };
      this.crossCache.set(w, t);
    }
    return t;
  }

  /**
   * Mean, variance and their gradients at x, with the per-point kernel derivative factors and
   * the trend's s(x) (predictWithGradient and predictWithCrossGradient). Leaves this.work = L⁻¹k(x).
   */
  private gradientCore(x: readonly number[]): {
    mean: number;
    variance: number;
    dMean: Float64Array;
    dVariance: Float64Array;
    factor: Float64Array;
    sx: Float64Array | null;
  } {
    const n = this.n;
    const d = this.categorical.length;
    const flat = this.flat;
    const invL2 = this.invL2;
    const cat = this.categorical;
    const v = this.work;
    // ∂k(x, xᵢ)/∂x_j = −σ² (5/3)(1 + √5 r) e^{−√5 r} (x_j − x_ij)/ℓ_j²; the factor before (x_j − x_ij) is kept per i
    const factor = new Float64Array(n);
    let mean = this.priorMean(x);
    for (let i = 0; i < n; i++) {
      const r2 = this.scaledDistance2(x, i);
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      const kv = this.scale * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      factor[i] = -this.scale * (5 / 3) * (1 + SQRT5 * r) * e;
      mean += kv * this.alpha[i]!;
      v[i] = kv;
    }
    const { vv, sx } = this.explained(x, v);
    // β = K⁻¹k = L⁻ᵀ v
    const beta = solveUpper(this.l, n, v);
    const dMean = new Float64Array(d);
    const dVariance = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const base = i * d;
      const a = factor[i]! * this.alpha[i]!;
      const b = -2 * factor[i]! * beta[i]!;
      for (let k = 0; k < d; k++) {
        if (cat[k]) continue;
        const t = (x[k]! - flat[base + k]!) * invL2[k]!;
        dMean[k]! += a * t;
        dVariance[k]! += b * t;
      }
    }
    if (this.beta) {
      const q = this.numeric!.length;
      this.numeric!.forEach((k, j) => (dMean[k]! += 2 * this.beta![j + 1]! * (x[k]! - 0.5) + this.beta![q + j + 1]!));
    }
    if (sx) {
      // ∂(rᵀA⁻¹r)/∂x_j = 2 uᵀ ∂r/∂x_j, u = A⁻¹r, ∂r/∂x_j = ∂h/∂x_j − Cᵀ ∂k/∂x_j
      const { idx, C, lA } = this.coef!;
      const q = idx.length;
      const u = solveUpper(lA, q, sx);
      const nq = this.numeric!.length;
      idx.forEach((j, r) => {
        if (j === 0) return;
        const k = this.numeric![(j - 1) % nq]!;
        dVariance[k]! += 2 * u[r]! * (j <= nq ? 2 * (x[k]! - 0.5) : 1);
      });
      for (let i = 0; i < n; i++) {
        let gi = 0;
        const cb = i * q;
        for (let r = 0; r < q; r++) gi += C[cb + r]! * u[r]!;
        const c = -2 * gi * factor[i]!;
        const base = i * d;
        for (let k = 0; k < d; k++) {
          if (cat[k]) continue;
          dVariance[k]! += c * (x[k]! - flat[base + k]!) * invL2[k]!;
        }
      }
    }
    const variance = this.scale - vv;
    if (variance < 1e-12) dVariance.fill(0);
    return { mean, variance: Math.max(variance, 1e-12), dMean, dVariance, factor, sx };
  }

  /** Posterior mean and standard deviation of the latent function, in the original units. */
  predict(x: readonly number[]): { mean: number; sd: number } {
    const p = this.predictStandardised(x);
    return { mean: this.yMean + this.yStd * p.mean, sd: this.yStd * Math.sqrt(p.variance) };
  }
}
