/**
 * Fitting one objective's GP for a GP-EHVI proposal: which output warp, which prior mean, and
 * where the kernel's hyperparameter search starts.
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
 *   Which trials get a fresh fit depends only on their number, so at those points the kernel's
 *   hyperparameters depend on the history alone, not on the sampler's past (the choice of warp
 *   below keeps its incumbent unless the other is decisively likelier, so with `warp: 'select'`
 *   the proposal can still differ from a fresh sampler's).
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
 * - **The warp the values support, where they are noiseless.** Yeo-Johnson (warp.ts) is fitted
 *   for a Gaussian-looking marginal, not for the GP: on an objective that is already a smooth
 *   function of the parameters it can bend it. ZDT's f₁ is the first parameter itself; its values
 *   cluster at the front's two ends and the warp fitted to them makes f₁ concave in it, which the
 *   bowl-only trend cannot follow, so the GP explained the bend with the other parameters and
 *   the search chased that (seen on ZDT1 with noise, tuner-misses.md ninth look; on ZDT2 the
 *   regret at 50 evaluations was above 2 on 7 of 10 seeds, 0.05 typical). At a fresh fit, when
 *   the Yeo-Johnson fit finds the objective practically noiseless (noise sd under
 *   WARP_SELECT_MAX_NOISE_SD), the unwarped GP is fitted too and the one under which the raw
 *   values are likelier (rawLogEvidence: the fit's objective with the change of variables) is
 *   kept until the next fresh fit; switching from the incumbent takes WARP_SWITCH_NATS (a
 *   likelihood ratio of e⁵ ≈ 150, "very strong" on Kass and Raftery's scale), so a near tie does
 *   not flip the model at every fresh fit. Not with noise: raw-additive noise looks
 *   heteroscedastic after a warp, so the comparison measures how each spreads the noise, and the
 *   unwarped fit it preferred stalled the search (BraninCurrin 5% noise seed 16: regret 8.6 →
 *   28.7 at 50 evaluations). bench:tuner over 20 seeds (tuner-misses.md, ninth look): ZDT2
 *   3.63 → 0.40 sequential, 3.40 → 0.68 with 4 outstanding; BraninCurrin 3.14 → 1.94 and 2.31 →
 *   1.98; noisy problems unchanged or within seed noise; ZDT1 with 4 outstanding 0.036 → 0.043.
 * - **A warp that never bounds the objective: λ ≥ 0.** Maximum likelihood gives Branin λ ≈ −1.7,
 *   and a negative λ bounds the warp above: every value past the valley lands just under 1/|λ|,
 *   a plateau with narrow dips, and the GP on it was confidently wrong beside the data:
 *   BraninCurrin seed 0 with 4 outstanding spent its last 30 proposals on the edge x₁ = 1, the
 *   valley's true value 10 posterior sd below the model's mean there (unwarped: 1 sd), and ended
 *   at a regret of 5.6 (typical 1.2); with λ ≥ 0 the same seed left the edge for the valley at
 *   evaluation 27. On synthetic Branin histories (data on that edge plus 13 random points) the
 *   truth lay 5.7 sd below on average over 20, 3.1 with λ ≥ 0: less overconfident, not
 *   calibrated. So the choice's Yeo-Johnson candidate has λ in [0, 2] (at most the
 *   log's compression), for noisy objectives too, and its fit is the one the noise gate reads
 *   (the maximum-likelihood fit of ZDT2 seed 6's f₁ had noise sd 0.14–0.17, which kept the
 *   unwarped fit from being offered until 40 trials; that seed's regret at 50 evaluations is now
 *   0.046, was 7.0). Over 20 seeds (tuner-misses.md, tenth
 *   look): sequential ZDT2 0.395 → 0.047, ZDT3 4.97 → 2.52, BraninCurrin 1.94 → 1.10; with 4
 *   outstanding BraninCurrin 1.98 → 1.26; noisy problems within seed noise. Keeping the
 *   maximum-likelihood λ for noisy objectives measured no better. `warp: 'yeo-johnson'` keeps
 *   it, over [−2, 2].
 */
import { GaussianProcess, type GpParams } from './gp';
import { fitOutputWarp, type OutputWarp } from './warp';

export const COLD_FIT_EVERY = 8;
export const TREND_MAX_NOISE_SD = 0.5;
/** How much likelier (log) the raw values must be under the other warp before a fit switches to it. */
export const WARP_SWITCH_NATS = 5;
/** Fitted noise sd (standardised) under which an objective counts as noiseless for the choice of warp. */
export const WARP_SELECT_MAX_NOISE_SD = 0.05;

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

/** What a warped fit leaves for the next: the warp chosen, and each candidate warp's last fit. */
export interface WarpedFitState {
  chosen: number;
  fits: (FitState | undefined)[];
}

/**
 * The log marginal density of the raw values under a fitted GP on their warped, standardised
 * values (the fit's objective, its log-priors included), with the change of variables: the
 * warp's Jacobian and the standardisation's scale. Comparable between warps of the same values.
 */
export function rawLogEvidence(gp: GaussianProcess, raw: readonly number[], warp: OutputWarp): number {
  const p = gp.params;
  const f = gp.fittingObjective([...p.logLengthscales, p.logScale, p.logNoise], false).f;
  let jacobian = 0;
  for (const y of raw) jacobian += warp.logDerivative(y);
  return -f - raw.length * Math.log(gp.yStd) + jacobian;
}

/**
 * The candidate warps, by index in WarpedFitState.chosen and .fits: Yeo-Johnson with λ ≥ 0
 * (unbounded), none, and Yeo-Johnson with λ by maximum likelihood over [−2, 2].
 */
const CANDIDATES = [
  { mode: 'yeo-johnson', minLambda: 0 },
  { mode: 'none', minLambda: 0 },
  { mode: 'yeo-johnson', minLambda: -2 },
] as const;
const UNBOUNDED = 0;
const NONE = 1;
const ML = 2;

/**
 * One objective's GP on its raw values `raw` (in the history's order; `xs[i]` is the input of
 * `raw[order[i]]`), warped. With `warp: 'select'`, at a fresh fit (and the first), Yeo-Johnson
 * with λ ≥ 0 is fitted, and where it finds the objective noiseless no warp too; the raw values'
 * likelier model is kept until the next fresh fit (a switch from the last choice needs
 * WARP_SWITCH_NATS), and warm fits refit only it. `warp: 'yeo-johnson'` is the last candidate
 * (λ in [−2, 2]) always, `'none'` the second.
 */
export function fitWarpedObjective(
  xs: readonly (readonly number[])[],
  raw: readonly number[],
  order: readonly number[],
  categorical: readonly boolean[],
  options: { trend: boolean; maxFit: number; finished: number; warp: 'select' | 'yeo-johnson' | 'none'; last?: WarpedFitState },
): { gp: GaussianProcess; warp: OutputWarp; state: WarpedFitState } {
  const last = options.last;
  const fits: (FitState | undefined)[] = CANDIDATES.map((_, c) => last?.fits[c]);
  const fit = (c: number) => {
    const warp = fitOutputWarp(raw, CANDIDATES[c]!.mode, CANDIDATES[c]!.minLambda);
    const { gp, state } = fitObjective(xs, order.map((i) => warp.forward(raw[i]!)), categorical, { ...options, last: fits[c] });
    fits[c] = state;
    return { c, gp, warp };
  };
  const done = (best: ReturnType<typeof fit>) => ({ gp: best.gp, warp: best.warp, state: { chosen: best.c, fits } });
  if (options.warp !== 'select') return done(fit(options.warp === 'none' ? NONE : ML));
  if (last && options.finished % COLD_FIT_EVERY !== 0) return done(fit(last.chosen));
  const warped = fit(UNBOUNDED);
  if (!(Math.sqrt(warped.gp.noiseStandardised) < WARP_SELECT_MAX_NOISE_SD)) return done(warped);
  // practically noiseless: the likelier warp, switching from the incumbent only on a decisive margin
  const none = fit(NONE);
  const gain = rawLogEvidence(none.gp, raw, none.warp) - rawLogEvidence(warped.gp, raw, warped.warp);
  return done(last?.chosen === NONE ? (gain > -WARP_SWITCH_NATS ? none : warped) : gain > WARP_SWITCH_NATS ? none : warped);
}
