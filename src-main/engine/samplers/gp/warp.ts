/**
 * Output warping: a monotone increasing power transform per objective, fitted so the warped
 * values look Gaussian (as HEBO does before its GP). Energy, losses and test functions alike are
 * skewed (a few bad trials orders of magnitude above the good ones); a stationary GP on such
 * values spends its length-scales and noise explaining the bad tail and is flat where the good
 * trials are. Monotone, so dominance and the front are unchanged; the reference point and limits
 * are warped with the values.
 *
 * Yeo-Johnson on y / sd(y) (defined for every real, so maximised objectives, negated, and noisy
 * values below 0 need no shift), λ by maximum likelihood over [−2, 2]. Near 0 the transform stays
 * almost linear, so it removes part of a log-normal's skew, not all (gp.test.ts); bench:tuner
 * measured it this way (DTLZ1, ZDT3 and the noisy BraninCurrins gained, DTLZ2 alone lost until the
 * GP got its trend).
 */
export interface OutputWarp {
  lambda: number;
  forward(y: number): number;
  /** log of forward's derivative at y (the Jacobian term of a warped likelihood). */
  logDerivative(y: number): number;
}

function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-9 ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
  return Math.abs(lambda - 2) < 1e-9 ? -Math.log1p(-x) : -(Math.pow(1 - x, 2 - lambda) - 1) / (2 - lambda);
}

/** Profile log-likelihood of λ for Yeo-Johnson (normal after transform, mean and variance profiled out). */
function logLikelihood(xs: readonly number[], lambda: number): number {
  const n = xs.length;
  let s = 0;
  let s2 = 0;
  let jac = 0;
  for (const x of xs) {
    const t = yeoJohnson(x, lambda);
    s += t;
    s2 += t * t;
    jac += Math.sign(x) * Math.log1p(Math.abs(x));
  }
  const v = s2 / n - (s / n) ** 2;
  if (!(v > 1e-300) || !Number.isFinite(v)) return -Infinity;
  return -0.5 * n * Math.log(v) + (lambda - 1) * jac;
}

/**
 * The warp of `values`: Yeo-Johnson with λ by maximum likelihood over [minLambda, 2], or none.
 * A λ below 0 bounds the warp above (the values past a point all land just under 1/|λ|);
 * objective-fit.ts says where GP-EHVI keeps λ ≥ 0.
 */
export function fitOutputWarp(values: readonly number[], mode: 'yeo-johnson' | 'none' = 'yeo-johnson', minLambda = -2): OutputWarp {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(n, 1));
  if (mode === 'none' || n < 3 || !(sd > 1e-12)) return { lambda: 1, forward: (y) => y, logDerivative: () => 0 };
  const xs = values.map((v) => v / sd);
  let best = 1;
  let bestLl = logLikelihood(xs, 1);
  for (let l = minLambda; l <= 2.0001; l += 0.1) {
    const ll = logLikelihood(xs, l);
    if (ll > bestLl) {
      bestLl = ll;
      best = l;
    }
  }
  // refine around the best grid point
  for (let step = 0.05; step > 0.004; step /= 2) {
    for (const l of [best - step, best + step]) {
      if (l < minLambda) continue;
      const ll = logLikelihood(xs, l);
      if (ll > bestLl) {
        bestLl = ll;
        best = l;
      }
    }
  }
  const lambda = best;
  return {
    lambda,
    forward: (y) => yeoJohnson(y / sd, lambda),
    // d/dy YJ(y/sd): (1 + |x|)^{±(λ−1)} / sd, x = y/sd
    logDerivative: (y) => {
      const x = y / sd;
      return (x >= 0 ? (lambda - 1) : (1 - lambda)) * Math.log1p(Math.abs(x)) - Math.log(sd);
    },
  };
}
