/**
 * Gaussian-process expected hypervolume improvement (as ECOpt's Ax setup and Optuna's GPSampler).
 *
 * - Model: one GP per objective (gp/gp.ts) on the minimised objectives, each warped by a
 *   Yeo-Johnson power transform fitted for normality with λ ≥ 0, so never bounded
 *   (gp/warp.ts), unless the objective is noiseless and likelier unwarped
 *   (gp/objective-fit.ts), with a learned noise level and a quadratic trend over the numeric
 *   dimensions as its prior mean, the trend's uncertainty included, unless the objective is
 *   mostly noise. Integers enter as the centre of their cell
 *   of the unit cube (so a log-scaled integer is on its log scale), categories by Hamming
 *   distance. Each fit starts from the last proposal's kernel hyperparameters, but every 8th
 *   from the default (gp/objective-fit.ts says why for each rule).
 * - Noise and running trials: the front to improve on is uncertain. The acquisition averages
 *   exact EHVI over joint posterior samples of the latent objectives at the observed points and
 *   at the trials still running, with the candidate conditioned on each sample (gp/nehvi.ts, in
 *   the spirit of BoTorch's qNEHVI). A lucky noisy draw does not hide the region around it,
 *   re-evaluating an observed point gains nothing, and a running trial counts as what the model
 *   expects of it, with its uncertainty, so the next proposal goes elsewhere. With noiseless
 *   objectives and nothing running this is plain EHVI on the observed front.
 * - Acquisition: log EHVI, exact for any number of objectives by box decomposition (gp/ehvi.ts),
 *   plus the log probability that each objective with a limit meets it. When the decomposition
 *   would exceed `maxBoxes` boxes (four objectives and a large front: its size grows as n³), a
 *   Chebyshev scalarisation with weights drawn per proposal replaces it (Ax's qParEGO): expected
 *   improvement of the scalarised objective, by Monte Carlo on fixed draws. Time and memory stay
 *   bounded whatever the front.
 * - Optimisation: quasi-random screening plus perturbations of the likely front (its 10 newest
 *   observed points, and the running trials on it: without those, with 4 outstanding the front
 *   grew by one step per round of 4 and ZDT2 ended 3 of 20 seeds with its far end unproposed)
 *   at two scales (half of them of every dimension, half of a few, so that coordinates already
 *   at their best stay there), scored where they would actually be proposed (integers and
 *   categories snapped);
 *   then, from the best three, gradient ascent on the numeric dimensions (the GPs' analytic
 *   gradients, chained through the noisy EHVI's conditioning when the front is uncertain: one
 *   gradient costs about a third of the d + 1 evaluations of finite differences), each float
 *   coordinate near a bound tried at the bound, snapping, and a local search over integer
 *   neighbours and every other category.
 *
 * The reference point is the objective limits where given, otherwise the worst observed value
 * plus 10% of the range. Proposals are scrambled Sobol points until `startupTrials` trials have
 * finished: other workers get further Sobol points meanwhile. (Counting running trials towards
 * the start-up, as before, let a model fitted on 7 results with 3 guessed ones make the first
 * proposals of a 4-worker study; bench:tuner with 4 outstanding, DTLZ2 5% noise at 50
 * evaluations: 0.262 → 0.229, BraninCurrin 20% noise 15.0 → 9.2.)
 */
import { paretoFrontIndices } from '../../shared/pareto';
import { normCdf } from '../../shared/normal';
import { hashInts, makeRng, type Rng } from '../../shared/rng';
import { minimised, stillRunning, withValues } from './constraints';
import { fitWarpedObjective, type WarpedFitState } from './gp/objective-fit';
import { NoisyEhvi } from './gp/nehvi';
import { SobolSequence } from './sobol';
import type { FinishedTrial, SamplerContext, SamplerFactory } from './types';

export interface GpEhviOptions {
  startupTrials?: number;
  /** Points used to fit the kernel hyperparameters (the posterior uses all). */
  maxFit?: number;
  /** Largest box decomposition for exact EHVI; beyond, a scalarised acquisition. */
  maxBoxes?: number;
  /** Posterior samples of the baseline front when it is uncertain (noise, running trials). */
  samples?: number;
  /** Output warping of each objective before its GP (gp/warp.ts); default 'select': Yeo-Johnson with λ ≥ 0 or none, whichever the values support (gp/objective-fit.ts); 'yeo-johnson': λ by maximum likelihood in [−2, 2]. */
  warp?: 'select' | 'yeo-johnson' | 'none';
  /** A quadratic trend as the GPs' prior mean (gp/gp.ts); default on. */
  trend?: boolean;
}

export const GP_EHVI_MAX_BOXES = 20_000;
const SCALARISATION_DRAWS = 64;
/** Local searches from the best screened candidates, and gradient steps in each (bench:tuner: 20 rather than 8 halved DTLZ1's regret at 50). */
const LOCAL_STARTS = 3;
const LOCAL_STEPS = 20;
/** Front points whose perturbations are screened (8 candidates each): the newest observed ones, and as many running ones. */
const MAX_SEEDS = 10;
/**
 * After the ascent, a float coordinate this close to a bound is tried at the bound. Fixed-length
 * steps rarely land exactly on a bound, where the acquisition's optimum often lies (a front's
 * ends; DTLZ1's wells): docs/bench/tuner-misses.md, eighth look.
 */
const SNAP_TO_BOUND = 0.15;
/** The unit cube is half-open, [0, 1): its top as proposed is just below 1. */
const CUBE_TOP = 1 - 1e-9;
const toCube = (x: number) => Math.min(Math.max(x, 0), CUBE_TOP);

type Kind = 'float' | 'int' | 'categorical';

export const createGpEhviSampler: SamplerFactory = (ctx: SamplerContext, options) => {
  const startup = Number(options.startupTrials ?? 10);
  const maxFit = Number(options.maxFit ?? 64);
  const maxBoxes = Number(options.maxBoxes ?? GP_EHVI_MAX_BOXES);
  const samples = Number(options.samples ?? 16);
  const warpMode = (options.warp ?? 'select') as 'select' | 'yeo-johnson' | 'none';
  const trend = options.trend !== false && options.trend !== 'false';
  const dims = ctx.space.dims;
  const d = dims.length;
  const kinds: Kind[] = dims.map((x) => x.spec.type);
  const categorical = kinds.map((k) => k === 'categorical');
  const sizes = dims.map((x) => (x.spec.type === 'categorical' ? x.spec.choices.length : 0));
  const discrete = kinds.some((k) => k !== 'float');
  const sobol = new SobolSequence(Math.min(d, 31), ctx.seed);
  const m = ctx.objectives.length;

  /** GP inputs: numeric dimensions as cube coordinates, categorical ones as category numbers. */
  const toInput = (u: readonly number[]) => u.map((v, k) => (categorical[k] ? Math.min(Math.floor(v * sizes[k]!), sizes[k]! - 1) : v));
  /** The cube point that would actually be proposed: integers and categories at their cell's centre. */
  const snap = (u: readonly number[]): number[] => {
    if (!discrete) return [...u];
    const centre = ctx.space.encode(ctx.space.decode(u));
    return u.map((v, k) => (kinds[k] === 'float' ? toCube(v) : centre[k]!));
  };

  function startupPoint(index: number): number[] {
    if (d <= 31) return sobol.point(index);
    const rng = makeRng(hashInts(ctx.seed, index, 0x57a7));
    return dims.map(() => rng.next());
  }

  /** Each objective's last fit (gp/objective-fit.ts: the next one starts from it). */
  const lastFit: (WarpedFitState | undefined)[] = [];

  return {
    name: 'gp-ehvi',
    ask(history: readonly FinishedTrial[], index: number) {
      const done = withValues(history, ctx.objectives);
      const running = stillRunning(history);
      // the model waits for `startup` results: other workers get further space-filling points meanwhile
      if (d === 0 || done.length < Math.max(2, startup)) {
        return ctx.space.decode(startupPoint(index));
      }
      const rng = makeRng(hashInts(ctx.seed, index, 0x6e41));
      const raw = done.map((t) => minimised(t.values, ctx.objectives));
      // fit on the front first, then the most recent points (any monotone warp keeps the front)
      const rawFront = new Set(paretoFrontIndices(raw));
      const order = done.map((_, i) => i).sort((a, b) => Number(rawFront.has(b)) - Number(rawFront.has(a)) || done[b]!.index - done[a]!.index);
      const xs = order.map((i) => toInput(done[i]!.cube));
      const fitted = Array.from({ length: m }, (_, k) => {
        const f = fitWarpedObjective(xs, raw.map((y) => y[k]!), order, categorical, { trend, maxFit, finished: done.length, warp: warpMode, last: lastFit[k] });
        lastFit[k] = f.state;
        return f;
      });
      const gps = fitted.map((f) => f.gp);
      const warps = fitted.map((f) => f.warp);
      const ys = raw.map((y) => y.map((v, k) => warps[k]!.forward(v)));

      // everything in standardised units of each objective (the GPs' own)
      const z = (k: number, v: number) => (v - gps[k]!.yMean) / gps[k]!.yStd;
      const thresholds = ctx.objectives.map((o) => (o.threshold === undefined ? undefined : o.direction === 'maximize' ? -o.threshold : o.threshold));
      const ref = ys[0]!.map((_, k) => {
        if (thresholds[k] !== undefined) return z(k, warps[k]!.forward(thresholds[k]!));
        const col = ys.map((y) => y[k]!);
        const hi = Math.max(...col);
        const lo = Math.min(...col);
        return z(k, hi + 0.1 * (hi - lo) + 1e-9);
      });
      // the baseline: observed points and running ones, their front uncertain (gp/nehvi.ts)
      const baseline = [...done, ...running].map((t) => toInput(t.cube));
      const limited = thresholds.map((t) => t !== undefined);
      const noisy = new NoisyEhvi(gps, baseline, done.length, ref, limited, rng, { samples, maxBoxes });
      const scalarised = noisy.tooManyBoxes && noisy.meanFront.length ? scalarisedEi(noisy.meanFront, ref, rng) : null;
      const hasFront = noisy.pruned.length > 0;

      /** The acquisition from the candidate's moments and its (noisy) EHVI, in log space. */
      const combine = (mu: readonly number[], sd: readonly number[], e: number): number => {
        let logPof = 0;
        for (let k = 0; k < m; k++) {
          if (limited[k]) logPof += Math.log(Math.max(normCdf((ref[k]! - mu[k]!) / Math.max(sd[k]!, 1e-9)), 1e-300));
        }
        if (!hasFront) return logPof;
        // far from the front the improvement underflows: rank those by uncertainty instead, below any positive one
        return e > 0 ? Math.log(e) + logPof : -1e6 + sd.reduce((a, b) => a + b, 0) + logPof;
      };
      const fromMoments = (mu: number[], sd: number[]) => combine(mu, sd, scalarised ? scalarised(mu, sd) : noisy.ehviAt(mu, sd));
      const score = (u: readonly number[]): number => {
        const r = noisy.evaluate(toInput(u));
        return combine(r.mu, r.sd, scalarised ? scalarised(r.mu, r.sd) : r.ehvi);
      };
      /**
       * The acquisition's gradient in u: the GPs' analytic gradients chained with finite
       * differences of the cheap moments → acquisition map. With a certain baseline the
       * acquisition depends on the candidate's marginal moments only; otherwise also on its
       * covariance with the baseline's pruned points, whose gradient the noisy EHVI chains in
       * (nehvi.ts: evaluateWithGradient). Null for the scalarised acquisition on an uncertain
       * baseline (the caller differentiates the score).
       */
      const certainGradient = (u: readonly number[]): { s: number; g: number[] } => {
        const x = toInput(u);
        const moments = gps.map((gp) => gp.predictWithGradient(x));
        const mu = moments.map((p) => p.mean);
        const sd = moments.map((p) => Math.sqrt(p.variance));
        const s = fromMoments(mu, sd);
        const g = new Array<number>(d).fill(0);
        for (let k = 0; k < m; k++) {
          const h = 1e-6;
          const muUp = [...mu];
          muUp[k]! += h;
          const sdUp = [...sd];
          sdUp[k]! += h;
          const dMu = (fromMoments(muUp, sd) - s) / h;
          const dSd = (fromMoments(mu, sdUp) - s) / h;
          const p = moments[k]!;
          for (let j = 0; j < d; j++) g[j]! += dMu * p.dMean[j]! + (dSd * p.dVariance[j]!) / (2 * sd[k]!);
        }
        return { s, g };
      };
      const noisyGradient = (u: readonly number[]): { s: number; g: number[] } => {
        const r = noisy.evaluateWithGradient(toInput(u));
        const s = combine(r.mu, r.sd, r.ehvi);
        const h = 1e-6;
        // ∂s/∂e: the log of a positive improvement; below that the fallback does not depend on it
        const dE = hasFront && r.ehvi > 0 ? 1 / r.ehvi : 0;
        const g = Array.from(r.dEhvi, (v) => dE * v);
        for (let k = 0; k < m; k++) {
          const muUp = [...r.mu];
          muUp[k]! += h;
          const sdUp = [...r.sd];
          sdUp[k]! += h;
          const dMu = (combine(muUp, r.sd, r.ehvi) - s) / h;
          const dSd = (combine(r.mu, sdUp, r.ehvi) - s) / h;
          for (let j = 0; j < d; j++) g[j]! += dMu * r.dMu[k]![j]! + dSd * r.dSd[k]![j]!;
        }
        return { s, g };
      };
      const gradient = noisy.certain ? certainGradient : scalarised ? null : noisyGradient;

      // screening: quasi-random points plus perturbations of the (likely) front, near and far
      const n = done.length;
      const screen = n <= 100 ? 256 : 128;
      const qmc = new SobolSequence(Math.min(d, 31), hashInts(ctx.seed, index, 0x5c4));
      const candidates: number[][] = [];
      for (let i = 0; i < screen; i++) candidates.push(snap(d <= 31 ? qmc.point(i) : dims.map(() => rng.next())));
      const seeds = noisy.pruned
        .filter((b) => b < done.length)
        .sort((a, b) => done[b]!.index - done[a]!.index)
        .slice(0, MAX_SEEDS)
        .map((b) => done[b]!.cube);
      // and the running trials the model expects on the front: beside the front's newest end while
      // it runs, nothing gains (conditioned on it), so the next step out starts from there; the
      // last 10 of them in the history, so that many workers do not multiply the candidates
      seeds.push(
        ...noisy.pruned
          .filter((b) => b >= done.length)
          .slice(-MAX_SEEDS)
          .map((b) => running[b - done.length]!.cube),
      );
      for (const c of seeds) {
        for (const scale of [0.02, 0.1]) for (let j = 0; j < 4; j++) candidates.push(snap(perturb(c, scale, rng, j >= 2 && d > 2)));
      }
      const scored = candidates.map((u) => ({ u, s: score(u) })).sort((a, b) => b.s - a.s);

      let best = scored[0]!;
      const starts: typeof scored = [];
      for (const c of scored) {
        if (starts.length === LOCAL_STARTS) break;
        if (starts.every((s) => s.u.some((v, k) => Math.abs(v - c.u[k]!) > 1e-6))) starts.push(c);
      }
      for (const start of starts) {
        const refined = localSearch(start, score, gradient);
        if (refined.s > best.s) best = refined;
      }
      return ctx.space.decode(best.u);
    },
  };

  /**
   * Numeric dimensions may move by a Gaussian step; a category changes with probability 1/d.
   * `few`: only a few dimensions move (each with probability 2/d, at least one; a category to a
   * random one), the rest stay as they are, so that the coordinates of a front point that already
   * sit at their best (ZDT's distance variables at 0) are not all disturbed at once; as TuRBO's and
   * BoTorch's perturbation of a subset of dimensions.
   */
  function perturb(c: readonly number[], scale: number, rng: Rng, few = false): number[] {
    if (few) {
      let chosen = dims.map((_, k) => k).filter(() => rng.next() < 2 / d);
      if (!chosen.length) chosen = [Math.min(Math.floor(rng.next() * d), d - 1)];
      const out = [...c];
      for (const k of chosen) out[k] = categorical[k] ? rng.next() : toCube(c[k]! + scale * rng.normal());
      return out;
    }
    return c.map((v, k) => {
      if (categorical[k]) return rng.next() < 1 / Math.max(d, 2) ? rng.next() : v;
      return toCube(v + scale * rng.normal());
    });
  }

  /** Gradient ascent on the numeric dimensions (integers relaxed), then snapping and a neighbour search. */
  function localSearch(
    start: { u: number[]; s: number },
    score: (u: readonly number[]) => number,
    gradient: ((u: readonly number[]) => { s: number; g: number[] }) | null,
  ): { u: number[]; s: number } {
    let u = [...start.u];
    let s = start.s;
    let step = 0.05;
    let g: number[] | null = null;
    for (let it = 0; it < LOCAL_STEPS && step > 1e-3; it++) {
      if (!g) {
        if (gradient) {
          g = gradient(u).g;
        } else {
          const h = 1e-4;
          g = u.map((v, k) => {
            if (categorical[k]) return 0;
            const up = [...u];
            up[k] = Math.min(v + h, CUBE_TOP);
            return (score(up) - s) / (up[k]! - v || h);
          });
        }
        g = g.map((x, k) => (categorical[k] || !Number.isFinite(x) ? 0 : x));
      }
      const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
      if (!(norm > 0)) break;
      const next = u.map((v, k) => (categorical[k] ? v : toCube(v + (step * g![k]!) / norm)));
      const sn = score(next);
      if (sn > s) {
        u = next;
        s = sn;
        g = null;
      } else {
        step /= 2;
      }
    }
    /** Coordinate k moved to v, kept where the acquisition improves. */
    const tryAt = (k: number, v: number): boolean => {
      const next = [...u];
      next[k] = v;
      const sn = score(next);
      if (!(sn > s)) return false;
      u = next;
      s = sn;
      return true;
    };
    // a float coordinate near a bound tried at the bound, one at a time
    for (let k = 0; k < d; k++) {
      if (kinds[k] !== 'float') continue;
      const to = u[k]! < SNAP_TO_BOUND ? 0 : u[k]! > 1 - SNAP_TO_BOUND ? CUBE_TOP : null;
      if (to !== null && to !== u[k]) tryAt(k, to);
    }
    if (!discrete) return { u, s };
    u = snap(u);
    s = score(u);
    // integer neighbours (one cell either way) and every other category, while it improves
    for (let pass = 0; pass < 2; pass++) {
      let moved = false;
      for (let k = 0; k < d; k++) {
        if (kinds[k] === 'float') continue;
        for (const v of neighbours(u, k)) if (tryAt(k, v)) moved = true;
      }
      if (!moved) break;
    }
    return { u, s };
  }

  /** Cube coordinates of the other values a discrete dimension can take next to u[k]. */
  function neighbours(u: readonly number[], k: number): number[] {
    if (categorical[k]) {
      const c = Math.min(Math.floor(u[k]! * sizes[k]!), sizes[k]! - 1);
      return Array.from({ length: sizes[k]! }, (_, j) => (j + 0.5) / sizes[k]!).filter((_, j) => j !== c);
    }
    const spec = dims[k]!.spec;
    if (spec.type !== 'int') return [];
    const params = ctx.space.decode(u);
    const here = params[dims[k]!.name] as number;
    const stride = spec.log ? 1 : spec.step;
    return [here - stride, here + stride]
      .filter((v) => v >= spec.low && v <= spec.high)
      .map((v) => ctx.space.encode({ ...params, [dims[k]!.name]: v })[k]!);
  }

  /**
   * Expected improvement of an augmented Chebyshev scalarisation (ParEGO), objectives scaled to
   * [ideal, reference], weights uniform on the simplex, drawn per proposal; by Monte Carlo over
   * fixed standard-normal draws, so the acquisition is smooth in (μ, σ) and deterministic.
   */
  function scalarisedEi(frontZ: readonly number[][], ref: readonly number[], rng: Rng): (mu: number[], sd: number[]) => number {
    const raw = ref.map(() => -Math.log(Math.max(rng.next(), 1e-12)));
    const total = raw.reduce((a, b) => a + b, 0);
    const w = raw.map((x) => x / total);
    const ideal = ref.map((_, k) => Math.min(...frontZ.map((p) => p[k]!)));
    const span = ref.map((r, k) => Math.max(r - ideal[k]!, 1e-9));
    const s = (y: readonly number[]) => {
      let max = -Infinity;
      let sum = 0;
      for (let k = 0; k < y.length; k++) {
        const v = (w[k]! * (y[k]! - ideal[k]!)) / span[k]!;
        if (v > max) max = v;
        sum += v;
      }
      return max + 0.05 * sum;
    };
    const bestS = Math.min(...frontZ.map(s));
    const draws = Array.from({ length: SCALARISATION_DRAWS }, () => ref.map(() => rng.normal()));
    const y = new Array<number>(ref.length);
    return (mu, sd) => {
      let acc = 0;
      for (const zs of draws) {
        for (let k = 0; k < y.length; k++) y[k] = mu[k]! + sd[k]! * zs[k]!;
        const gain = bestS - s(y);
        if (gain > 0) acc += gain;
      }
      return acc / draws.length;
    };
  }
};
