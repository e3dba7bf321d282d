/** Runs a sampler on a test problem in-process, ask/tell, recording the hypervolume reached. */
import { createSampler } from '../../src-main/engine/samplers/index';
import type { FinishedTrial } from '../../src-main/engine/samplers/types';
import { EncodedSpace } from '../../src-main/engine/space/encode';
import { hypervolume } from '../../src-main/shared/pareto';
import { hashInts, makeRng } from '../../src-main/shared/rng';
import type { ObjectiveSpec, ParamSpec } from '../../src-main/shared/spec';
import type { Params } from '../../src-main/shared/types';
import type { Problem } from './problems';

export function problemSpace(p: Problem): EncodedSpace {
  if (p.space) return new EncodedSpace(p.space);
  const space: Record<string, ParamSpec> = {};
  for (let i = 0; i < p.d; i++) space[`x${String(i).padStart(2, '0')}`] = { type: 'float', low: 0, high: 1, log: false };
  return new EncodedSpace(space);
}

/** The problem's input vector for some parameters: values in name order, categories by position. */
export function problemInput(space: EncodedSpace, params: Params): number[] {
  return space.dims.map((d) => (d.spec.type === 'categorical' ? d.spec.choices.indexOf(params[d.name]!) : (params[d.name] as number)));
}

export function problemObjectives(p: Problem, thresholds: (number | undefined)[] = []): ObjectiveSpec[] {
  return Array.from({ length: p.m }, (_, i) => ({
    metric: 'loss' as const,
    direction: 'minimize' as const,
    unit: 'nats',
    ...(thresholds[i] !== undefined ? { threshold: thresholds[i] } : {}),
  }));
}

export interface RunResult {
  hv: number[]; // hypervolume after each evaluation, on the true values
  points: number[][];
  askMs: number[];
}

/**
 * `withLimits` gives every sampler the problem's reference point as objective limits, as a user
 * states limits in a study: only points inside the reference box count towards hypervolume.
 * `outstanding` proposals are in flight at once (several workers): proposal i is asked while
 * proposals i−outstanding+1 … i−1 are still running, and sees them as running trials. A noisy
 * problem's sampler observes values with noise; the hypervolume is always of the true values.
 */
export function runSampler(
  sampler: string,
  p: Problem,
  seed: number,
  evaluations: number,
  options: Record<string, unknown> = {},
  withLimits = false,
  outstanding = 1,
): RunResult {
  const space = problemSpace(p);
  const objectives = problemObjectives(p, withLimits ? p.ref : []);
  const s = createSampler(sampler, { space, objectives, seed }, options);
  const history: FinishedTrial[] = [];
  const points: number[][] = [];
  const hv: number[] = [];
  const askMs: number[] = [];
  const noise = makeRng(hashInts(seed, 0x0b5e));
  const inFlight: { trial: FinishedTrial; observed: number[] }[] = [];
  const finishOldest = () => {
    const { trial, observed } = inFlight.shift()!;
    trial.state = 'complete';
    trial.values = observed;
  };
  for (let i = 0; i < evaluations; i++) {
    while (inFlight.length >= outstanding) finishOldest();
    const t0 = performance.now();
    const params = s.ask(history, i);
    askMs.push(performance.now() - t0);
    const y = p.f(problemInput(space, params));
    const observed = p.noiseSd ? y.map((v, k) => v + p.noiseSd![k]! * noise.normal()) : y;
    points.push(y);
    const trial: FinishedTrial = { number: i, index: i, state: 'running', params, cube: space.encode(params), values: null };
    history.push(trial);
    inFlight.push({ trial, observed });
    hv.push(hypervolume(points, p.ref));
  }
  while (inFlight.length) finishOldest();
  return { hv, points, askMs };
}
