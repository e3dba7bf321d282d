/**
 * Fitting one objective's GP for a GP-EHVI proposal: which prior mean, and where the kernel's
 * hyperparameter search starts.
 *
 * - **Warm starts.** A study's history grows by a trial or two between proposals, so the
 *   likelihood's optimum moves little: L-BFGS from the last fit's hyperparameters takes a few
 *   iterations instead of up to 30 from the default (as Optuna's GPSampler caches its kernel
 *   parameters; bench:tuner: 143 → 60–77 ms per proposal at 100 trials). The same data as the
 *   last fit (a proposal asked again) reuse it, so the same history gives the same proposal.
 * - **A fresh fit every COLD_FIT_EVERY-th finished trial.** Warm starts alone kept each kernel in
 *   the basin of its early fits: late in a run the search stayed on one part of the front and
 *   never went back to another the early kernel had judged poor (BraninCurrin seed 0 stopped at
 *   a regret of 5.0 by 200 evaluations, the other seeds at 0.19; ZDT3 two seeds at 6.7). Keeping
 *   the fresh fit only when its likelihood was better did not help (the warm basin often has the
 *   better likelihood and the worse proposals); adopting it unconditionally did (BraninCurrin at
 *   200: 0.67 → 0.19, ZDT3 seeds 6.7 → 0.03–0.06), at the cost of one slower proposal in eight.
 *   Which trials get a fresh fit depends only on their number, so at those points a proposal
 *   depends on the history alone, not on the sampler's past.
 * - **The quadratic trend only where the noise allows it.** The trend (gp.ts) keeps the GP from
 *   taking a smooth bowl for noise. But when an objective is mostly noise, the 50 noisy points
 *   pin the bowl's coefficients and the kernel has little signal left, so the posterior is the
 *   bowl; its minimum is rarely in a curved valley's bottom and every proposal went back to it
 *   (BraninCurrin with 20% noise: 4 of 20 seeds had no point inside the reference box after 50
 *   evaluations). When the fitted noise sd with the trend is above TREND_MAX_NOISE_SD (noise
 *   more than a quarter of the objective's variance) the objective gets the constant mean,
 *   whose posterior stays wide where nothing was observed (bench:tuner at 50 evaluations:
 *   BraninCurrin 20% noise 27.1 → 7.4, Mixed 20% noise 0.254 → 0.221, ZDT1 20% noise 7.6 → 6.9;
 *   DTLZ2 with 5% noise, noise sd 0.2–0.26, keeps its trend). The decision holds until the next
 *   fresh fit: a warm fit after a dropped trend fits the constant mean only. Deciding afresh
 *   each time fitted such an objective twice, with the trend and without; inside a run of ZDT1
 *   with 20% noise (both objectives past the gate) that made proposals at 100 trials take
 *   125 ms against 81 ms, and the regret at 50 evaluations did not move beyond seed noise.
 */
import { GaussianProcess, type GpParams } from './gp';

export const COLD_FIT_EVERY = 8;
export const TREND_MAX_NOISE_SD = 0.5;

/** What a fit leaves for the next: its data's fingerprint, hyperparameters and prior mean. */
export interface FitState {
  key: string;
  params: GpParams;
  trend: boolean;
}

/** A fingerprint of a fit's data: its inputs and values, exactly. */
export function fitKey(xs: readonly (readonly number[])[], y: readonly number[]): string {
  return `${xs.map((x) => x.join(',')).join(';')}|${y.join(',')}`;
}

/**
 * The GP of one objective on `xs`/`y`, and the state to pass as `last` next time. `finished`
 * is the number of finished trials (a multiple of COLD_FIT_EVERY fits afresh).
 */
export function fitObjective(
  xs: readonly (readonly number[])[],
  y: readonly number[],
  categorical: readonly boolean[],
  options: { trend: boolean; maxFit: number; finished: number; last?: FitState },
): { gp: GaussianProcess; state: FitState } {
  const key = fitKey(xs, y);
  const last = options.last;
  if (last?.key === key) return { gp: new GaussianProcess(xs, y, categorical, { trend: last.trend }).condition(last.params), state: last };
  const cold = options.finished % COLD_FIT_EVERY === 0;
  const init = last && !cold ? { init: last.params } : {};
  const fitted = (trend: boolean, start: { init?: GpParams }) => {
    const gp = new GaussianProcess(xs, y, categorical, { trend }).fit({ maxFit: options.maxFit, ...start });
    return { gp, state: { key, params: gp.params, trend } };
  };
  if (!options.trend) return fitted(false, init);
  // the last fit found the objective mostly noise: keep its constant mean until a fresh fit re-decides
  if (last && !last.trend && !cold) return fitted(false, init);
  const withTrend = fitted(true, init);
  if (Math.sqrt(withTrend.gp.noiseStandardised) <= TREND_MAX_NOISE_SD) return withTrend;
  return fitted(false, { init: withTrend.gp.params });
}
