/**
 * The default sampler: scrambled Sobol for the first proposals, GP-EHVI while the study is small
 * enough for it to be fast and sample-efficient, then MO-TPE, which costs little per proposal
 * at any size. Switch points come from `npm run bench:tuner` (docs/bench/tuner.md).
 */
import { withValues } from './constraints';
import { createGpEhviSampler } from './gp-ehvi';
import { createMotpeSampler } from './motpe';
import type { SamplerFactory } from './types';

export const AUTO_STARTUP = 10;
export const AUTO_GP_LIMIT = 300;

export const createAutoSampler: SamplerFactory = (ctx, options) => {
  const gpLimit = Number(options.gpLimit ?? AUTO_GP_LIMIT);
  const gp = createGpEhviSampler(ctx, { startupTrials: AUTO_STARTUP });
  const tpe = createMotpeSampler(ctx, {});
  return {
    name: 'auto',
    ask(history, index) {
      const done = withValues(history, ctx.objectives).length;
      return done < gpLimit ? gp.ask(history, index) : tpe.ask(history, index);
    },
  };
};
