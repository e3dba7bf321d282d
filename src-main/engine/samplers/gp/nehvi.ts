/**
 * Noisy expected hypervolume improvement (q = 1), in the spirit of BoTorch's qNEHVI: the front
 * to improve on is not the observed values (one lucky noisy draw would hide the region around it)
 * but is itself uncertain. We draw S joint posterior samples of the latent objectives at the
 * baseline — the observed points and the trials still running — and average, over the samples,
 * the exact EHVI (ehvi.ts) of the candidate against that sample's front, with the candidate's
 * Gaussian conditioned on the sample:
 *
 *   f(x) | f(P) = s  ~  N(μ_x + Σ_xP Σ_PP⁻¹ (s − μ_P),  σ²_x − Σ_xP Σ_PP⁻¹ Σ_Px)
 *
 * (Σ the posterior covariance). So re-evaluating a point already observed gains nothing (its
 * value in each sample is the one the front already has), however noisy the objective, and a
 * running trial takes part in the front through its posterior (the fantasies that let several
 * proposals be in flight at once). P is pruned, as BoTorch does, to the baseline points on the
 * front of at least one sample. When the posterior at P is practically certain (noiseless
 * objectives, nothing running) one sample is the mean and this is plain EHVI.
 */
import { paretoFrontIndices } from '../../../shared/pareto';
import type { Rng } from '../../../shared/rng';
import { BoxDecomposition, cellCount } from './ehvi';
import type { GaussianProcess } from './gp';
import { cholesky, solveLower, solveUpper } from './linalg';

export interface NoisyEhviOptions {
  samples: number;
  /** Largest total number of boxes over the samples' decompositions. */
  maxBoxes: number;
}

/**
 * Posterior sd (standardised: a share of the objective's spread) under which the baseline counts
 * as known exactly; the GP's noise floor alone leaves about 1e-3 at an observed point.
 */
const CERTAIN_SD = 1e-2;

export class NoisyEhvi {
  /** Baseline indices that are on the front of some sample (P). */
  readonly pruned: number[];
  /** The front of the posterior means of the feasible baseline points, standardised. */
  readonly meanFront: number[][];
  /** True when a single sample's decomposition is over the box budget: use another acquisition. */
  readonly tooManyBoxes: boolean;
  private readonly decompositions: BoxDecomposition[] = [];
  private readonly inputs: number[][];
  private readonly wP: Float64Array[] = [];
  private readonly cholP: Float64Array[] = [];
  /** deviation[s][k]: sample s of objective k at P minus its posterior mean. */
  private readonly deviation: Float64Array[][] = [];
  /** Σ_PP⁻¹ deviation[s][k], for the gradient (the candidate's mean shift is cross(x)ᵀ this). */
  private readonly deviationSolved: Float64Array[][] = [];
  /** The baseline is practically certain: the acquisition is plain EHVI of the marginal (μ, σ). */
  readonly certain: boolean;

  /**
   * `baseline`: GP inputs of the observed points (the first `observed`) and of the trials still
   * running (the rest); `ref` and the GPs in standardised units; `limited[k]`: objective k has a
   * limit (its reference value), which a front point must meet.
   */
  constructor(
    private readonly gps: readonly GaussianProcess[],
    baseline: readonly (readonly number[])[],
    observed: number,
    ref: readonly number[],
    limited: readonly boolean[],
    rng: Rng,
    options: NoisyEhviOptions,
  ) {
    const m = gps.length;
    const meets = (y: readonly number[]) => y.every((v, k) => !limited[k] || v <= ref[k]!);
    const means = baseline.map((x) => gps.map((gp) => gp.meanStandardised(x)));
    const feasibleMeans = means.map((_, b) => b).filter((b) => meets(means[b]!));
    this.meanFront = paretoFrontIndices(feasibleMeans.map((b) => means[b]!)).map((i) => means[feasibleMeans[i]!]!);

    // at an observed point the posterior sd of f is below the noise sd: the noise bounds it
    const noiseSd = gps.map((gp) => Math.sqrt(gp.noiseStandardised));
    this.certain = baseline.length === observed && noiseSd.every((s) => s < CERTAIN_SD);
    if (this.certain) {
      this.pruned = paretoFrontIndices(feasibleMeans.map((b) => means[b]!)).map((i) => feasibleMeans[i]!);
      this.inputs = [];
      this.tooManyBoxes = cellCount(this.meanFront, ref) > options.maxBoxes;
      if (!this.tooManyBoxes) this.decompositions.push(new BoxDecomposition(this.meanFront, ref));
      return;
    }

    // keep the points that could be on a sample's front: not surely infeasible, not surely dominated (±3 sd)
    const sdBound = baseline.map((x, b) => gps.map((gp, k) => (b < observed ? noiseSd[k]! : Math.sqrt(gp.predictStandardised(x).variance))));
    const low = means.map((mu, b) => mu.map((v, k) => v - 3 * sdBound[b]![k]!));
    const high = means.map((mu, b) => mu.map((v, k) => v + 3 * sdBound[b]![k]!));
    const kept = means
      .map((_, b) => b)
      .filter((b) => meets(low[b]!) && !high.some((h, c) => c !== b && h.every((v, k) => v <= low[b]![k]!) && h.some((v, k) => v < low[b]![k]!)));
    const keptInputs = kept.map((b) => baseline[b]!);
    const nb = kept.length;
    const post = gps.map((gp) => gp.posteriorAt(keptInputs));

    // joint samples at the baseline, one objective at a time (the objectives' GPs are independent)
    const samples: Float64Array[][] = Array.from({ length: options.samples }, () => []);
    for (let k = 0; k < m; k++) {
      const cov = Float64Array.from(post[k]!.cov);
      for (let b = 0; b < nb; b++) cov[b * nb + b]! += 1e-9;
      const { l } = cholesky(cov, nb);
      for (let s = 0; s < options.samples; s++) {
        const z = Float64Array.from({ length: nb }, () => rng.normal());
        const f = Float64Array.from(post[k]!.mean);
        for (let i = 0; i < nb; i++) {
          let acc = 0;
          for (let j = 0; j <= i; j++) acc += l[i * nb + j]! * z[j]!;
          f[i]! += acc;
        }
        samples[s]!.push(f);
      }
    }
    const fronts = samples.map((fs) => {
      const idx = Array.from({ length: nb }, (_, b) => b).filter((b) => meets(fs.map((f) => f[b]!)));
      return paretoFrontIndices(idx.map((b) => fs.map((f) => f[b]!))).map((i) => idx[i]!);
    });
    // P as positions in `kept`; `pruned` reports baseline indices
    const P = [...new Set(fronts.flat())].sort((a, b) => a - b);
    this.pruned = P.map((j) => kept[j]!);
    this.inputs = P.map((j) => [...keptInputs[j]!]);

    // as many samples as the box budget allows, at least one
    let boxes = 0;
    let used = 0;
    for (let s = 0; s < samples.length; s++) {
      const front = fronts[s]!.map((b) => samples[s]!.map((f) => f[b]!));
      const cells = cellCount(front, ref);
      if (s > 0 && boxes + cells > options.maxBoxes) break;
      if (cells > options.maxBoxes) break;
      boxes += cells;
      used++;
      this.decompositions.push(new BoxDecomposition(front, ref));
    }
    this.tooManyBoxes = used === 0;
    const np = P.length;
    for (let k = 0; k < m; k++) {
      const wp = new Float64Array(np * gps[k]!.size);
      P.forEach((b, j) => wp.set(post[k]!.w.subarray(b * gps[k]!.size, (b + 1) * gps[k]!.size), j * gps[k]!.size));
      this.wP.push(wp);
      const cov = new Float64Array(np * np);
      for (let i = 0; i < np; i++) for (let j = 0; j < np; j++) cov[i * np + j] = post[k]!.cov[P[i]! * nb + P[j]!]! + (i === j ? 1e-6 : 0);
      this.cholP.push(cholesky(cov, np).l);
    }
    for (let s = 0; s < used; s++) {
      this.deviation.push(Array.from({ length: m }, (_, k) => Float64Array.from(P, (b) => samples[s]![k]![b]! - post[k]!.mean[b]!)));
      this.deviationSolved.push(this.deviation[s]!.map((dev, k) => solveUpper(this.cholP[k]!, np, solveLower(this.cholP[k]!, np, dev))));
    }
  }

  /** Plain EHVI on the mean front of a candidate N(mu, sd²) (when `certain`). */
  ehviAt(mu: readonly number[], sd: readonly number[]): number {
    return this.tooManyBoxes ? 0 : this.decompositions[0]!.ehvi(mu, sd);
  }

  /** Marginal standardised means and sds at x (for feasibility), and the noisy EHVI. */
  evaluate(x: readonly number[]): { mu: number[]; sd: number[]; ehvi: number } {
    const m = this.gps.length;
    const mu = new Array<number>(m);
    const sd = new Array<number>(m);
    if (this.certain) {
      for (let k = 0; k < m; k++) {
        const p = this.gps[k]!.predictStandardised(x);
        mu[k] = p.mean;
        sd[k] = Math.sqrt(p.variance);
      }
      return { mu, sd, ehvi: this.ehviAt(mu, sd) };
    }
    const gain: Float64Array[] = [];
    const condSd = new Array<number>(m);
    for (let k = 0; k < m; k++) {
      const r = this.gps[k]!.predictWithCross(x, this.inputs, this.wP[k]!);
      mu[k] = r.mean;
      sd[k] = Math.sqrt(r.variance);
      const { a, condVar } = this.regress(k, r.cross, r.variance);
      condSd[k] = Math.sqrt(Math.max(condVar, 1e-12));
      gain.push(a);
    }
    let total = 0;
    const muS = new Array<number>(m);
    for (let s = 0; s < this.decompositions.length; s++) {
      this.sampleMean(s, mu, gain, muS);
      total += this.decompositions[s]!.ehvi(muS, condSd);
    }
    return { mu, sd, ehvi: this.decompositions.length ? total / this.decompositions.length : 0 };
  }

  /**
   * evaluate's values at x (when not `certain`) with their gradients in x: dMu[k], dSd[k] of the
   * marginal moments and dEhvi of the noisy EHVI (categorical dimensions get 0). The GPs give
   * their analytic gradients (gp.ts: predictWithCrossGradient); EHVI's partial derivatives in
   * each sample's conditioned mean and sd are forward differences of the exact EHVI (as the
   * certain path's chain rule in gp-ehvi.ts). One such call replaces the d + 1 evaluations of a
   * finite-difference gradient.
   */
  evaluateWithGradient(x: readonly number[]): { mu: number[]; sd: number[]; ehvi: number; dMu: Float64Array[]; dSd: Float64Array[]; dEhvi: Float64Array } {
    const m = this.gps.length;
    const d = x.length;
    const np = this.pruned.length;
    const mu = new Array<number>(m);
    const sd = new Array<number>(m);
    const dMu: Float64Array[] = [];
    const dSd: Float64Array[] = [];
    const condSd = new Array<number>(m);
    const dCondSd: Float64Array[] = [];
    const dCross: Float64Array[] = [];
    const gain: Float64Array[] = [];
    for (let k = 0; k < m; k++) {
      const r = this.gps[k]!.predictWithCrossGradient(x, this.inputs, this.wP[k]!);
      mu[k] = r.mean;
      sd[k] = Math.sqrt(r.variance);
      dMu.push(r.dMean);
      dSd.push(Float64Array.from(r.dVariance, (g) => g / (2 * sd[k]!)));
      const { a, condVar } = this.regress(k, r.cross, r.variance);
      condSd[k] = Math.sqrt(Math.max(condVar, 1e-12));
      // ∂(σ² − cᵀΣ⁻¹c) = ∂σ² − 2 aᵀ∂c
      const g = new Float64Array(d);
      if (condVar > 1e-12) {
        for (let j = 0; j < d; j++) {
          let t = r.dVariance[j]!;
          for (let b = 0; b < np; b++) t -= 2 * a[b]! * r.dCross[b * d + j]!;
          g[j] = t / (2 * condSd[k]!);
        }
      }
      dCondSd.push(g);
      dCross.push(r.dCross);
      gain.push(a);
    }
    const S = this.decompositions.length;
    const dEhvi = new Float64Array(d);
    if (S === 0) return { mu, sd, ehvi: 0, dMu, dSd, dEhvi };
    const h = 1e-6;
    let total = 0;
    const muS = new Array<number>(m);
    // per objective: Σ_s ∂EHVI_s/∂μ_k, Σ_s ∂EHVI_s/∂μ_k Σ⁻¹dev_s, Σ_s ∂EHVI_s/∂σ_k
    const wMu = new Float64Array(m);
    const wSd = new Float64Array(m);
    const wDev = Array.from({ length: m }, () => new Float64Array(np));
    const up = new Array<number>(m);
    const sdUp = [...condSd];
    for (let s = 0; s < S; s++) {
      this.sampleMean(s, mu, gain, muS);
      const box = this.decompositions[s]!;
      const e = box.ehvi(muS, condSd);
      total += e;
      for (let k = 0; k < m; k++) up[k] = muS[k]!;
      for (let k = 0; k < m; k++) {
        // one coordinate moved by h at a time, then put back
        up[k] = muS[k]! + h;
        const pMu = (box.ehvi(up, condSd) - e) / h;
        up[k] = muS[k]!;
        sdUp[k] = condSd[k]! + h;
        wSd[k]! += (box.ehvi(muS, sdUp) - e) / h;
        sdUp[k] = condSd[k]!;
        wMu[k]! += pMu;
        const solved = this.deviationSolved[s]![k]!;
        for (let b = 0; b < np; b++) wDev[k]![b]! += pMu * solved[b]!;
      }
    }
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < d; j++) {
        let t = wMu[k]! * dMu[k]![j]! + wSd[k]! * dCondSd[k]![j]!;
        for (let b = 0; b < np; b++) t += wDev[k]![b]! * dCross[k]![b * d + j]!;
        dEhvi[j]! += t / S;
      }
    }
    return { mu, sd, ehvi: total / S, dMu, dSd, dEhvi };
  }

  /** Σ_PP⁻¹c for objective k (the candidate's regression on f at P) and its conditional variance σ² − cᵀΣ_PP⁻¹c. */
  private regress(k: number, cross: Float64Array, variance: number): { a: Float64Array; condVar: number } {
    const np = this.pruned.length;
    const l = this.cholP[k]!;
    const a = solveUpper(l, np, solveLower(l, np, cross));
    let explained = 0;
    for (let j = 0; j < np; j++) explained += a[j]! * cross[j]!;
    return { a, condVar: variance - explained };
  }

  /** The candidate's mean given sample s, μ + aᵀ(f_P − μ_P) per objective, written into muS. */
  private sampleMean(s: number, mu: readonly number[], gain: readonly Float64Array[], muS: number[]): void {
    for (let k = 0; k < mu.length; k++) {
      const dev = this.deviation[s]![k]!;
      const a = gain[k]!;
      let shift = 0;
      for (let j = 0; j < a.length; j++) shift += a[j]! * dev[j]!;
      muS[k] = mu[k]! + shift;
    }
  }
}
