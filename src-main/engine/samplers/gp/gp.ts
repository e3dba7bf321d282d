/**
 * A Gaussian process on the unit cube: Matérn 5/2 kernel with one length-scale per dimension,
 * categorical dimensions compared by Hamming distance (0 when equal, 1/ℓ² when not), output
 * scale and noise, fitted by maximising the marginal likelihood plus log-priors (Optuna's:
 * −(0.1/λ + 0.1λ) on each inverse squared length-scale λ, Gamma(2, 1) on the output scale,
 * Gamma(1.1, 30) on the noise) with L-BFGS and analytic gradients. Targets are standardised.
 */
import { cholesky, inverseFromCholesky, solveLower, solveUpper } from './linalg';
import { lbfgs } from './lbfgs';

const SQRT5 = Math.sqrt(5);
const MIN_NOISE = 1e-6;

export interface GpParams {
  /** log length-scale per dimension */
  logLengthscales: number[];
  logScale: number;
  logNoise: number;
}

function matern(r: number): number {
  return (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/** Squared scaled distance contributions per dimension. */
function parts(a: readonly number[], b: readonly number[], invL2: readonly number[], categorical: readonly boolean[]): number[] {
  return a.map((v, d) => {
    if (categorical[d]) return (v === b[d] ? 0 : 1) * invL2[d]!;
    const diff = v - b[d]!;
    return diff * diff * invL2[d]!;
  });
}

export class GaussianProcess {
  private readonly n: number;
  private l!: Float64Array;
  private alpha!: Float64Array;
  private invL2!: number[];
  private scale!: number;
  private noise!: number;
  readonly yMean: number;
  readonly yStd: number;
  params!: GpParams;

  constructor(
    private readonly x: readonly number[][],
    y: readonly number[],
    private readonly categorical: readonly boolean[],
  ) {
    this.n = x.length;
    this.yMean = y.reduce((a, b) => a + b, 0) / this.n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - this.yMean) ** 2, 0) / this.n);
    this.yStd = sd > 1e-12 ? sd : 1;
    this.yz = Float64Array.from(y, (v) => (v - this.yMean) / this.yStd);
  }

  private readonly yz: Float64Array;

  /** Negative log marginal likelihood minus log prior, and its gradient, at θ (on a subset). */
  static objective(x: readonly number[][], yz: Float64Array, categorical: readonly boolean[], theta: number[]): { f: number; g: number[] } {
    const n = x.length;
    const d = categorical.length;
    const invL2 = theta.slice(0, d).map((u) => Math.exp(-2 * u));
    const scale = Math.exp(theta[d]!);
    const noise = Math.max(Math.exp(theta[d + 1]!), MIN_NOISE);
    const K = new Float64Array(n * n);
    const P: number[][][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const p = parts(x[i]!, x[j]!, invL2, categorical);
        P[i]![j] = p;
        const r = Math.sqrt(p.reduce((a, b) => a + b, 0));
        const k = scale * matern(r) + (i === j ? noise : 0);
        K[i * n + j] = k;
        K[j * n + i] = k;
      }
    }
    let chol;
    try {
      chol = cholesky(K, n);
    } catch {
      return { f: Infinity, g: theta.map(() => 0) };
    }
    const { l } = chol;
    const alpha = solveUpper(l, n, solveLower(l, n, yz));
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(l[i * n + i]!);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += yz[i]! * alpha[i]!;
    const nll = 0.5 * fit + logDet + 0.5 * n * Math.log(2 * Math.PI);
    // W = ααᵀ − K⁻¹; dNLL/dθ = −½ tr(W ∂K/∂θ)
    const Kinv = inverseFromCholesky(l, n);
    const g = new Array<number>(d + 2).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const w = alpha[i]! * alpha[j]! - Kinv[i * n + j]!;
        const mult = i === j ? 1 : 2; // symmetric: count (i, j) and (j, i)
        const p = P[i]![j]!;
        const r = Math.sqrt(p.reduce((a, b) => a + b, 0));
        const e = Math.exp(-SQRT5 * r);
        // ∂k/∂log σ² = σ² m(r); ∂k/∂log ℓ_d = σ² (5/3)(1 + √5 r) e^{−√5 r} p_d
        g[d]! += -0.5 * mult * w * scale * matern(r);
        const common = scale * (5 / 3) * (1 + SQRT5 * r) * e;
        for (let k = 0; k < d; k++) g[k]! += -0.5 * mult * w * common * p[k]!;
        if (i === j) g[d + 1]! += -0.5 * w * noise;
      }
    }
    // priors (negated: we minimise)
    let prior = 0;
    for (let k = 0; k < d; k++) {
      const lam = invL2[k]!;
      prior += -(0.1 / lam + 0.1 * lam);
      // dλ/du = −2λ: d/du [−(0.1/λ + 0.1λ)] = −(−0.1/λ² + 0.1)(−2λ) = −0.2/λ + 0.2λ
      g[k]! -= -0.2 / lam + 0.2 * lam;
    }
    prior += Math.log(scale) - scale; // Gamma(2, 1)
    g[d]! -= 1 - scale;
    prior += 0.1 * Math.log(noise) - 30 * noise; // Gamma(1.1, 30)
    g[d + 1]! -= 0.1 - 30 * noise;
    return { f: nll - prior, g };
  }

  /** Fits the kernel hyperparameters on at most `maxFit` points (those given first). */
  fit(options: { maxFit?: number; maxIter?: number; init?: GpParams } = {}): this {
    const d = this.categorical.length;
    const m = Math.min(this.n, options.maxFit ?? 64);
    const xs = this.x.slice(0, m);
    const ys = this.yz.subarray(0, m);
    const init = options.init ?? { logLengthscales: new Array(d).fill(Math.log(0.5)), logScale: 0, logNoise: Math.log(1e-2) };
    const theta0 = [...init.logLengthscales, init.logScale, init.logNoise];
    const lower = [...new Array(d).fill(Math.log(1e-2)), Math.log(1e-2), Math.log(MIN_NOISE)];
    const upper = [...new Array(d).fill(Math.log(1e2)), Math.log(1e2), Math.log(1)];
    const { x } = lbfgs((t) => GaussianProcess.objective(xs, ys, this.categorical, t), theta0, { maxIter: options.maxIter ?? 30, lower, upper });
    return this.condition({ logLengthscales: x.slice(0, d), logScale: x[d]!, logNoise: x[d + 1]! });
  }

  /** Sets hyperparameters and conditions on all the data. */
  condition(params: GpParams): this {
    this.params = params;
    this.invL2 = params.logLengthscales.map((u) => Math.exp(-2 * u));
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
    this.alpha = solveUpper(this.l, n, solveLower(this.l, n, this.yz));
    return this;
  }

  private k(a: readonly number[], b: readonly number[]): number {
    const r = Math.sqrt(parts(a, b, this.invL2, this.categorical).reduce((s, v) => s + v, 0));
    return this.scale * matern(r);
  }

  /** Posterior mean and standard deviation of the latent function, in the original units. */
  predict(x: readonly number[]): { mean: number; sd: number } {
    const n = this.n;
    const ks = new Float64Array(n);
    for (let i = 0; i < n; i++) ks[i] = this.k(x, this.x[i]!);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += ks[i]! * this.alpha[i]!;
    const v = solveLower(this.l, n, ks);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += v[i]! * v[i]!;
    const variance = Math.max(this.scale - vv, 1e-12);
    return { mean: this.yMean + this.yStd * mean, sd: this.yStd * Math.sqrt(variance) };
  }
}
