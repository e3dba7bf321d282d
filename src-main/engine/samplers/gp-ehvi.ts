/**
 * Gaussian-process expected hypervolume improvement (as ECOpt's Ax setup and Optuna's GPSampler).
 * One GP per objective (gp/gp.ts) on the minimised objectives; the acquisition is log EHVI
 * (exact for any number of objectives, by box decomposition: gp/ehvi.ts) plus the log probability that each objective
 * with a limit meets it; maximised by quasi-random screening (and perturbations of the current
 * front), then finite-difference gradient ascent from the best two candidates. The reference point
 * is the objective limits where given, otherwise the worst observed value plus 10% of the range.
 * The first `startupTrials` proposals are scrambled Sobol points.
 */
import { paretoFrontIndices } from '../../shared/pareto';
import { normCdf } from '../../shared/normal';
import { hashInts, makeRng } from '../../shared/rng';
import { minimised, violation } from './constraints';
import { ehvi, nonDominatedBoxes } from './gp/ehvi';
import { GaussianProcess } from './gp/gp';
import { SobolSequence } from './sobol';
import type { FinishedTrial, SamplerContext, SamplerFactory } from './types';

export interface GpEhviOptions {
  startupTrials?: number;
  /** Points used to fit the kernel hyperparameters (the posterior uses all). */
  maxFit?: number;
}

export const createGpEhviSampler: SamplerFactory = (ctx: SamplerContext, options) => {
  const startup = Number(options.startupTrials ?? 10);
  const maxFit = Number(options.maxFit ?? 64);
  const dims = ctx.space.dims;
  const d = dims.length;
  const categorical = dims.map((x) => x.spec.type === 'categorical');
  const sizes = dims.map((x) => (x.spec.type === 'categorical' ? x.spec.choices.length : 0));
  const sobol = new SobolSequence(Math.min(d, 31), ctx.seed);
  const m = ctx.objectives.length;

  /** GP inputs: numeric dimensions as cube coordinates, categorical ones as category numbers. */
  const toInput = (u: readonly number[]) => u.map((v, k) => (categorical[k] ? Math.min(Math.floor(v * sizes[k]!), sizes[k]! - 1) : v));

  function startupPoint(index: number): number[] {
    if (d <= 31) return sobol.point(index);
    const rng = makeRng(hashInts(ctx.seed, index, 0x57a7));
    return dims.map(() => rng.next());
  }

  return {
    name: 'gp-ehvi',
    ask(history: readonly FinishedTrial[], index: number) {
      const done = history.filter((t) => t.values !== null && t.values.every(Number.isFinite));
      if (done.length < startup || d === 0) return ctx.space.decode(startupPoint(index));
      const rng = makeRng(hashInts(ctx.seed, index, 0x6e41));
      const ys = done.map((t) => minimised(t.values!, ctx.objectives));
      const viol = done.map((t) => violation(t.values!, ctx.objectives));

      // fit on the front first, then the most recent points
      const front = new Set(paretoFrontIndices(ys));
      const order = done.map((_, i) => i).sort((a, b) => Number(front.has(b)) - Number(front.has(a)) || done[b]!.index - done[a]!.index);
      const xs = order.map((i) => toInput(done[i]!.cube));
      const gps = Array.from({ length: m }, (_, k) => new GaussianProcess(xs, order.map((i) => ys[i]![k]!), categorical).fit({ maxFit }));

      // everything in standardised units of each objective
      const z = (k: number, v: number) => (v - gps[k]!.yMean) / gps[k]!.yStd;
      const thresholds = ctx.objectives.map((o) => (o.threshold === undefined ? undefined : o.direction === 'maximize' ? -o.threshold : o.threshold));
      const feasibleZ = ys.flatMap((y, i) => (viol[i] === 0 ? [y.map((v, k) => z(k, v))] : []));
      const ref = ys[0]!.map((_, k) => {
        if (thresholds[k] !== undefined) return z(k, thresholds[k]!);
        const col = ys.map((y) => y[k]!);
        const hi = Math.max(...col);
        const lo = Math.min(...col);
        return z(k, hi + 0.1 * (hi - lo) + 1e-9);
      });
      const frontZ = paretoFrontIndices(feasibleZ).map((i) => feasibleZ[i]!);
      const boxes = nonDominatedBoxes(frontZ, ref);

      const score = (u: number[]): number => {
        const x = toInput(u);
        const pred = gps.map((gp, k) => {
          const p = gp.predict(x);
          return { mu: z(k, p.mean), sd: p.sd / gp.yStd };
        });
        let logPof = 0;
        pred.forEach((p, k) => {
          if (thresholds[k] !== undefined) logPof += Math.log(Math.max(normCdf((ref[k]! - p.mu) / Math.max(p.sd, 1e-9)), 1e-300));
        });
        if (feasibleZ.length === 0) return logPof;
        const mu = pred.map((p) => p.mu);
        const sd = pred.map((p) => p.sd);
        const e = ehvi(boxes, mu, sd);
        // far from the front EHVI underflows: rank those by uncertainty instead, below any positive EHVI
        return e > 0 ? Math.log(e) + logPof : -1e6 + sd.reduce((a, b) => a + b, 0) + logPof;
      };

      // screening: quasi-random points plus perturbations of the current front
      const n = done.length;
      const screen = n <= 100 ? 256 : 128;
      const qmc = new SobolSequence(Math.min(d, 31), hashInts(ctx.seed, index, 0x5c4));
      const candidates: number[][] = [];
      for (let i = 0; i < screen; i++) candidates.push(d <= 31 ? qmc.point(i) : dims.map(() => rng.next()));
      const frontCubes = [...front].slice(0, 10).map((i) => done[i]!.cube);
      for (const c of frontCubes) {
        for (let j = 0; j < 8; j++) candidates.push(c.map((v, k) => (categorical[k] ? v : Math.min(Math.max(v + 0.05 * rng.normal(), 0), 1 - 1e-9))));
      }
      const scored = candidates.map((u) => ({ u, s: score(u) })).sort((a, b) => b.s - a.s);

      // local refinement of the best few by finite-difference gradient ascent on numeric dims
      let best = scored[0]!;
      for (const start of scored.slice(0, 2)) {
        let u = [...start.u];
        let s = start.s;
        let step = 0.05;
        for (let it = 0; it < 6 && step > 1e-3; it++) {
          const h = 1e-4;
          const g = u.map((v, k) => {
            if (categorical[k]) return 0;
            const up = [...u];
            up[k] = Math.min(v + h, 1 - 1e-9);
            return (score(up) - s) / (up[k]! - v || h);
          });
          const norm = Math.sqrt(g.reduce((a, b) => a + b * b, 0));
          if (!(norm > 0)) break;
          const next = u.map((v, k) => (categorical[k] ? v : Math.min(Math.max(v + (step * g[k]!) / norm, 0), 1 - 1e-9)));
          const sn = score(next);
          if (sn > s) {
            u = next;
            s = sn;
          } else {
            step /= 2;
          }
        }
        if (s > best.s) best = { u, s };
      }
      return ctx.space.decode(best.u);
    },
  };
};
