/** Runs a sampler on a test problem in-process, ask/tell, recording the hypervolume reached. */
import { createSampler } from '../../src-main/engine/samplers/index';
import type { FinishedTrial } from '../../src-main/engine/samplers/types';
import { EncodedSpace } from '../../src-main/engine/space/encode';
import { hypervolume } from '../../src-main/shared/pareto';
import type { ObjectiveSpec, ParamSpec } from '../../src-main/shared/spec';
import type { Problem } from './problems';

export function problemSpace(p: Problem): EncodedSpace {
  const space: Record<string, ParamSpec> = {};
  for (let i = 0; i < p.d; i++) space[`x${String(i).padStart(2, '0')}`] = { type: 'float', low: 0, high: 1, log: false };
  return new EncodedSpace(space);
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
  hv: number[]; // hypervolume after each evaluation
  points: number[][];
  askMs: number[];
}

/**
 * `withLimits` gives every sampler the problem's reference point as objective limits, as a user
 * states limits in a study: only points inside the reference box count towards hypervolume.
 */
export function runSampler(
  sampler: string,
  p: Problem,
  seed: number,
  evaluations: number,
  options: Record<string, unknown> = {},
  withLimits = false,
): RunResult {
  const space = problemSpace(p);
  const objectives = problemObjectives(p, withLimits ? p.ref : []);
  const s = createSampler(sampler, { space, objectives, seed }, options);
  const history: FinishedTrial[] = [];
  const points: number[][] = [];
  const hv: number[] = [];
  const askMs: number[] = [];
  for (let i = 0; i < evaluations; i++) {
    const t0 = performance.now();
    const params = s.ask(history, i);
    askMs.push(performance.now() - t0);
    const x = space.dims.map((d) => params[d.name] as number);
    const y = p.f(x);
    points.push(y);
    history.push({ number: i, index: i, state: 'complete', params, cube: space.encode(params), values: y });
    hv.push(hypervolume(points, p.ref));
  }
  return { hv, points, askMs };
}
