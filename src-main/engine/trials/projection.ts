/**
 * Short-profile projection: after the first part of training (default 10% of the steps, the
 * first steps excluded as warm-up), project the whole training's duration and energy from the
 * profile's median time per step (its later half) and the power drawn while profiling, with an
 * interval from the spread of the step times.
 */
export interface StepProfile {
  /** Steps done when the projection is made, and in all. */
  step: number;
  totalSteps: number;
  /** Seconds since training started, at the projection. */
  elapsedS: number;
  /** Durations of the profiled (post-warm-up) steps, seconds. */
  stepDurationsS: number[];
  /**
   * Work done once per epoch outside the steps (the validation pass), as a share of an epoch's
   * steps: a forward pass costs about a third of a training step per sample, so
   * (validation rows / training rows) / 3.
   */
  epochOverheadShare?: number;
}

export interface Projection {
  atFraction: number;
  projectedDurationS: number;
  projectedEnergyJ: number;
  /** ± relative half-width of the interval (about 95%). */
  intervalRel: number;
}

export function project(profile: StepProfile, energySoFarJ: number, profileEnergyJ: number, profileDurationS: number): Projection {
  // the later half of the profile: the first steps after warm-up still run slow (JIT, caches)
  const d = profile.stepDurationsS.slice(Math.floor(profile.stepDurationsS.length / 2));
  const sorted = [...d].sort((a, b) => a - b);
  const mean = sorted[Math.floor(sorted.length / 2)]!; // median: robust to a stray slow step
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, d.length - 1));
  const remainingSteps = profile.totalSteps - profile.step;
  const remainingS = remainingSteps * mean * (1 + (profile.epochOverheadShare ?? 0));
  const powerW = profileDurationS > 0 ? profileEnergyJ / profileDurationS : 0;
  const projectedDurationS = profile.elapsedS + remainingS;
  const projectedEnergyJ = energySoFarJ + powerW * remainingS;
  // sampling error of the mean step time over the remaining share, plus a floor for drift
  const intervalRel = Math.min(1, 0.03 + (2 * (sd / Math.max(mean, 1e-12))) / Math.sqrt(d.length) * (remainingS / Math.max(projectedDurationS, 1e-12)));
  return { atFraction: profile.step / profile.totalSteps, projectedDurationS, projectedEnergyJ, intervalRel };
}
