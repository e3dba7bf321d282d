/**
 * Multi-objective TPE (Ozaki et al. 2020/2022), as in Optuna: after 10 random start-up trials,
 * the finished trials are split into a "good" set — whole non-domination ranks in order
 * (constrained ranks when objectives have limits), the last rank cut by greedy
 * hypervolume-contribution selection — of size γ(n) = min(⌈0.1 n⌉, 25), and the rest. A Parzen
 * estimator per parameter is fitted to each set (truncated Gaussians on the unit cube for
 * numeric parameters, with Optuna's bandwidth rule and a prior component; smoothed frequencies
 * for categorical ones; good trials weighted by their hypervolume contribution). Of 24 draws
 * from the good model the one with the largest l(x)/g(x) is proposed. Trials still running join
 * the "bad" set (Optuna's constant liar), so parallel proposals spread out; a non-finite value
 * makes a trial a failure.
 */
import { crowdingDistance, hypervolumeContributions, nonDominatedRanks } from '../../shared/pareto';
import { normCdf, normLogPdf, normQuantile } from '../../shared/normal';
import { hashInts, makeRng, type Rng } from '../../shared/rng';
import { minimised, stillRunning, violation, withValues } from './constraints';
import type { FinishedTrial, SamplerContext, SamplerFactory } from './types';

interface Obs {
  cube: number[];
  weight: number;
}

interface Numeric {
  kind: 'numeric';
  mus: number[];
  sigmas: number[];
  weights: number[];
}
interface Categorical {
  kind: 'categorical';
  probs: number[];
}
type Estimator = Numeric | Categorical;

const PRIOR_WEIGHT = 1;

function fitNumeric(values: number[], weights: number[]): Numeric {
  const n = values.length;
  const mus = [...values, 0.5];
  const w = [...weights, PRIOR_WEIGHT];
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]!);
  const sorted = order.map((i) => mus[i]!);
  const sigmasSorted = sorted.map((m, k) => {
    const left = k > 0 ? m - sorted[k - 1]! : m - 0;
    const right = k < sorted.length - 1 ? sorted[k + 1]! - m : 1 - m;
    return Math.max(left, right);
  });
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, k) => (sigmas[i] = sigmasSorted[k]!));
  const maxSigma = 1;
  const minSigma = 1 / Math.min(100, 1 + n);
  for (let i = 0; i < sigmas.length; i++) sigmas[i] = Math.min(Math.max(sigmas[i]!, minSigma), maxSigma);
  sigmas[n] = 1; // the prior is wide
  const total = w.reduce((a, b) => a + b, 0);
  return { kind: 'numeric', mus, sigmas, weights: w.map((x) => x / total) };
}

function fitCategorical(values: number[], weights: number[], k: number): Categorical {
  const probs = new Array<number>(k).fill(PRIOR_WEIGHT / k);
  values.forEach((u, i) => (probs[Math.min(Math.floor(u * k), k - 1)]! += weights[i]!));
  const total = probs.reduce((a, b) => a + b, 0);
  return { kind: 'categorical', probs: probs.map((p) => p / total) };
}

function sample(e: Estimator, rng: Rng): number {
  if (e.kind === 'categorical') {
    let u = rng.next();
    for (let c = 0; c < e.probs.length; c++) {
      u -= e.probs[c]!;
      if (u <= 0) return (c + 0.5) / e.probs.length;
    }
    return (e.probs.length - 0.5) / e.probs.length;
  }
  let u = rng.next();
  let i = 0;
  for (; i < e.weights.length - 1; i++) {
    u -= e.weights[i]!;
    if (u <= 0) break;
  }
  const mu = e.mus[i]!;
  const s = e.sigmas[i]!;
  const a = normCdf((0 - mu) / s);
  const b = normCdf((1 - mu) / s);
  const x = mu + s * normQuantile(a + rng.next() * (b - a));
  return Math.min(Math.max(x, 0), 1 - 1e-12);
}

function logPdf(e: Estimator, x: number): number {
  if (e.kind === 'categorical') return Math.log(e.probs[Math.min(Math.floor(x * e.probs.length), e.probs.length - 1)]!);
  let max = -Infinity;
  const terms = e.mus.map((mu, i) => {
    const s = e.sigmas[i]!;
    const z = normCdf((1 - mu) / s) - normCdf((0 - mu) / s);
    const t = Math.log(e.weights[i]!) + normLogPdf((x - mu) / s) - Math.log(s) - Math.log(Math.max(z, 1e-300));
    if (t > max) max = t;
    return t;
  });
  return max + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - max), 0));
}

/** Greedy hypervolume subset selection: k points, each adding the most volume to those chosen. */
function selectByHv(points: number[][], k: number, ref: number[]): number[] {
  const chosen: number[] = [];
  const left = points.map((_, i) => i);
  while (chosen.length < k && left.length) {
    let best = 0;
    let bestGain = -Infinity;
    left.forEach((i, j) => {
      const set = [...chosen.map((c) => points[c]!), points[i]!];
      const gain = hypervolumeContributions(set, ref).at(-1)!;
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    });
    chosen.push(left.splice(best, 1)[0]!);
  }
  return chosen;
}

export function splitGoodBad(trials: readonly FinishedTrial[], ctx: SamplerContext): { good: Obs[]; bad: Obs[] } {
  const done = withValues(trials, ctx.objectives);
  const n = done.length;
  const nGood = Math.min(Math.ceil(0.1 * n), 25);
  const objs = done.map((t) => minimised(t.values, ctx.objectives));
  // normalise so every objective counts equally in hypervolume terms
  const m = objs[0]?.length ?? 0;
  const lo = Array.from({ length: m }, (_, k) => Math.min(...objs.map((o) => o[k]!)));
  const hi = Array.from({ length: m }, (_, k) => Math.max(...objs.map((o) => o[k]!)));
  const norm = objs.map((o) => o.map((v, k) => (hi[k]! > lo[k]! ? (v - lo[k]!) / (hi[k]! - lo[k]!) : 0)));
  const ref = new Array<number>(m).fill(1.1);
  const viol = done.map((t) => violation(t.values, ctx.objectives));
  const ranks = nonDominatedRanks(norm, viol);
  const goodIdx: number[] = [];
  for (let r = 0; goodIdx.length < nGood; r++) {
    const front = ranks.flatMap((x, i) => (x === r ? [i] : []));
    if (front.length === 0) break;
    if (goodIdx.length + front.length <= nGood) {
      goodIdx.push(...front);
    } else {
      const need = nGood - goodIdx.length;
      const feasible = front.every((i) => viol[i] === 0);
      const pick = feasible
        ? selectByHv(front.map((i) => norm[i]!), need, ref).map((j) => front[j]!)
        : front
            .map((i, j) => ({ i, c: crowdingDistance(front.map((f) => norm[f]!))[j]! }))
            .sort((a, b) => b.c - a.c)
            .slice(0, need)
            .map((x) => x.i);
      goodIdx.push(...pick);
    }
  }
  const goodSet = new Set(goodIdx);
  const contrib = goodIdx.length ? hypervolumeContributions(goodIdx.map((i) => norm[i]!), ref) : [];
  const maxC = Math.max(1e-12, ...contrib);
  const good = goodIdx.map((i, j) => ({ cube: done[i]!.cube, weight: Math.max(contrib[j]! / maxC, 1e-3) }));
  const bad = done.flatMap((t, i) => (goodSet.has(i) ? [] : [{ cube: t.cube, weight: 1 }]));
  // constant liar (as Optuna's constant_liar): a running trial counts as a bad one, so the next
  // proposal is not drawn where one is already being evaluated
  for (const t of stillRunning(trials)) bad.push({ cube: t.cube, weight: 1 });
  return { good, bad };
}

export const createMotpeSampler: SamplerFactory = (ctx: SamplerContext, options) => {
  const startup = Number(options.startupTrials ?? 10);
  const candidates = Number(options.candidates ?? 24);
  const dims = ctx.space.dims;

  function fit(obs: Obs[]): Estimator[] {
    return dims.map((d, k) => {
      const values = obs.map((o) => o.cube[k]!);
      const weights = obs.map((o) => o.weight);
      return d.spec.type === 'categorical' ? fitCategorical(values, weights, d.spec.choices.length) : fitNumeric(values, weights);
    });
  }

  return {
    name: 'motpe',
    ask(history, index) {
      const rng = makeRng(hashInts(ctx.seed, index, 0x7be));
      const done = withValues(history, ctx.objectives);
      if (done.length < startup || dims.length === 0) return ctx.space.decode(dims.map(() => rng.next()));
      const { good, bad } = splitGoodBad(history, ctx);
      const l = fit(good);
      const g = fit(bad);
      let best: number[] = [];
      let bestScore = -Infinity;
      for (let c = 0; c < candidates; c++) {
        const x = l.map((e) => sample(e, rng));
        const score = x.reduce((acc, v, k) => acc + logPdf(l[k]!, v) - logPdf(g[k]!, v), 0);
        if (score > bestScore) {
          bestScore = score;
          best = x;
        }
      }
      return ctx.space.decode(best);
    },
  };
};
