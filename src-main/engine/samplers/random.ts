import { hashInts, makeRng } from '../../shared/rng';
import type { SamplerFactory } from './types';

/** Independent uniform draws in the unit cube; draw `i` depends only on (seed, i). */
export const createRandomSampler: SamplerFactory = (ctx) => ({
  name: 'random',
  ask(_history, index) {
    const rng = makeRng(hashInts(ctx.seed, index, 0x5eed));
    return ctx.space.decode(ctx.space.dims.map(() => rng.next()));
  },
});
