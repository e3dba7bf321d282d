/** The sampler registry: one line per sampler. Names must match SAMPLER_NAMES in the spec. */
import type { SAMPLER_NAMES } from '../../shared/spec';
import { createAutoSampler } from './auto';
import { createGpEhviSampler } from './gp-ehvi';
import { createMotpeSampler } from './motpe';
import { createNsga2Sampler } from './nsga2';
import { createRandomSampler } from './random';
import { createSobolSampler } from './sobol';
import type { Sampler, SamplerContext, SamplerFactory } from './types';

export const SAMPLERS: Record<(typeof SAMPLER_NAMES)[number], SamplerFactory> = {
  random: createRandomSampler,
  sobol: createSobolSampler,
  nsga2: createNsga2Sampler,
  motpe: createMotpeSampler,
  'gp-ehvi': createGpEhviSampler,
  auto: createAutoSampler,
};

export function createSampler(name: string, ctx: SamplerContext, options: Record<string, unknown> = {}): Sampler {
  const factory = SAMPLERS[name as keyof typeof SAMPLERS];
  if (!factory) throw new Error(`unknown sampler "${name}"`);
  return factory(ctx, options);
}

export type { Sampler, SamplerContext, FinishedTrial } from './types';
