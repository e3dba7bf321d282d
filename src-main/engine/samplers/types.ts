/**
 * The one interface every sampler implements, in the ask/tell style: a sampler sees the
 * finished trials and those still running, and proposes the next parameters. It is a pure
 * function of its inputs (seed, how many proposals came before, history), so a resumed study
 * proposes exactly what an uninterrupted one would have.
 */
import type { ObjectiveSpec } from '../../shared/spec';
import type { Params, TrialState } from '../../shared/types';
import type { EncodedSpace } from '../space/encode';

/**
 * A trial as a sampler sees it: finished (`complete`, `pruned`, `failed`) or still `running`
 * (proposed, no values yet: other workers, other GPUs, or proposals asked for in a batch).
 */
export interface FinishedTrial {
  number: number;
  /** The proposal index that produced these parameters (a re-run keeps its original's). */
  index: number;
  state: TrialState;
  params: Params;
  /** The parameters in the unit cube (see EncodedSpace.encode). */
  cube: number[];
  /**
   * Objective values in the order of the study's objectives, raw (not sign-flipped); null when
   * failed, pruned or running. Samplers treat a non-finite value as a failure (constraints.ts).
   */
  values: number[] | null;
}

export interface SamplerContext {
  space: EncodedSpace;
  objectives: ObjectiveSpec[];
  seed: number;
}

export interface Sampler {
  readonly name: string;
  /**
   * Proposes the parameters of the `index`-th proposal of the study (0-based, re-runs of
   * interrupted trials not counted). `history` holds every finished trial and every trial still
   * running; a model-based sampler steers away from the running ones rather than propose them
   * again. Must return parameters inside the space.
   */
  ask(history: readonly FinishedTrial[], index: number): Params;
}

export type SamplerFactory = (ctx: SamplerContext, options: Record<string, unknown>) => Sampler;
