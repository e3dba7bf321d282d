/**
 * NSGA-II (Deb et al. 2002) with Optuna's defaults: population 50, the first generation drawn at
 * random, binary tournaments on (constrained rank, crowding distance), crossover with
 * probability 0.9 (uniform with swap probability 0.5, or SBX with η = 20 on numeric
 * dimensions), mutation of each parameter with probability 1/n, and elitist selection of the
 * next parents from the previous parents and the last generation.
 *
 * Generations follow proposal indices: proposal i belongs to generation ⌊i / population⌋, running
 * or not. The parents of a generation are recomputed from the finished trials of the generations
 * before it (a member still running, failed, or with a non-finite value is left out), so the
 * sampler stays a pure function of (seed, index, history) like every other.
 */
import { crowdingDistance, nonDominatedRanks } from '../../shared/pareto';
import { hashInts, makeRng, type Rng } from '../../shared/rng';
import { minimised, violation, withValues } from './constraints';
import type { FinishedTrial, SamplerContext, SamplerFactory } from './types';

interface Individual {
  cube: number[];
  objectives: number[];
  violation: number;
  rank: number;
  crowding: number;
  key: number;
}

/** Selects `size` individuals: best constrained rank first, then widest crowding distance. */
export function selectElite(pool: Omit<Individual, 'rank' | 'crowding'>[], size: number): Individual[] {
  const ranks = nonDominatedRanks(pool.map((p) => p.objectives), pool.map((p) => p.violation));
  const out: Individual[] = [];
  const maxRank = Math.max(-1, ...ranks);
  for (let r = 0; r <= maxRank && out.length < size; r++) {
    const front = pool.flatMap((p, i) => (ranks[i] === r ? [p] : []));
    const crowd = crowdingDistance(front.map((p) => p.objectives));
    const members = front.map((p, i) => ({ ...p, rank: r, crowding: crowd[i]! }));
    if (out.length + members.length <= size) {
      out.push(...members);
    } else {
      members.sort((a, b) => b.crowding - a.crowding || a.key - b.key);
      out.push(...members.slice(0, size - out.length));
    }
  }
  return out;
}

function better(a: Individual, b: Individual): Individual {
  if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
  if (a.crowding !== b.crowding) return a.crowding > b.crowding ? a : b;
  return a.key < b.key ? a : b;
}

function sbx(x1: number, x2: number, rng: Rng, eta = 20): [number, number] {
  if (Math.abs(x1 - x2) < 1e-14) return [x1, x2];
  const u = rng.next();
  const beta = u <= 0.5 ? (2 * u) ** (1 / (eta + 1)) : (1 / (2 * (1 - u))) ** (1 / (eta + 1));
  const c1 = 0.5 * (x1 + x2 - beta * Math.abs(x2 - x1));
  const c2 = 0.5 * (x1 + x2 + beta * Math.abs(x2 - x1));
  const clamp = (v: number) => Math.min(Math.max(v, 0), 1 - 1e-12);
  return [clamp(c1), clamp(c2)];
}

export const createNsga2Sampler: SamplerFactory = (ctx: SamplerContext, options) => {
  const populationSize = Number(options.populationSize ?? 50);
  const crossoverProb = Number(options.crossoverProb ?? 0.9);
  const swappingProb = Number(options.swappingProb ?? 0.5);
  const crossover = String(options.crossover ?? 'uniform');
  const d = ctx.space.size;
  const mutationProb = Number(options.mutationProb ?? (d > 0 ? 1 / d : 0));
  const categorical = ctx.space.dims.map((x) => x.spec.type === 'categorical');

  function parents(history: readonly FinishedTrial[], generation: number): Individual[] {
    let elite: Individual[] = [];
    for (let g = 0; g < generation; g++) {
      const members = withValues(history, ctx.objectives)
        .filter((t) => Math.floor(t.index / populationSize) === g)
        .map((t) => ({ cube: t.cube, objectives: minimised(t.values, ctx.objectives), violation: violation(t.values, ctx.objectives), key: t.index }));
      elite = selectElite([...elite, ...members], populationSize);
    }
    return elite;
  }

  return {
    name: 'nsga2',
    ask(history, index) {
      const rng = makeRng(hashInts(ctx.seed, index, 0x115a));
      const generation = Math.floor(index / populationSize);
      const pop = generation === 0 ? [] : parents(history, generation);
      if (pop.length < 2) return ctx.space.decode(ctx.space.dims.map(() => rng.next()));
      const pick = () => better(pop[rng.int(pop.length)]!, pop[rng.int(pop.length)]!);
      const p1 = pick();
      const p2 = pick();
      let child = [...p1.cube];
      if (rng.next() < crossoverProb) {
        child = child.map((x, k) => {
          if (crossover === 'sbx' && !categorical[k]) return sbx(x, p2.cube[k]!, rng)[rng.int(2)]!;
          return rng.next() < swappingProb ? p2.cube[k]! : x;
        });
      }
      child = child.map((x) => (rng.next() < mutationProb ? rng.next() : x));
      return ctx.space.decode(child);
    },
  };
};
