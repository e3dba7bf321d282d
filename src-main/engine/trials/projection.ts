/**
 * Short-profile projection of a trial's whole training, made while it trains. The profile runs
 * past warm-up and across the first epoch boundary: the first epoch (compilation, caches) is
 * left out of the per-step cost, which comes from the steps after the boundary; the boundary
 * itself measures the once-per-epoch work (the validation pass, shuffling) apart from the steps.
 * Time and the trial's CPU time are projected alike:
 *
 *   total = so far + steps left × mean cost per step + epoch ends left × cost per epoch end
 *
 * and the energy as the window's energy so far × projected CPU time / CPU time so far: the
 * trial's energy follows its CPU time (meters/attribution.ts), which other programs' load does
 * not stretch as it stretches wall time. A run of one epoch has no boundary: its per-step cost
 * comes from the later half of the steps after warm-up, and the epoch end from the validation
 * share (a forward pass costs about a third of a training step per sample).
 */
/** The least relative half-width a projection's interval states. */
export const PROJECTION_FLOOR_REL = 0.15;

export interface StepProfile {
  /** Steps done when the projection is made, and in all. */
  step: number;
  totalSteps: number;
  /** Steps per epoch; absent (older trainers): the epoch boundary is not modelled. */
  stepsPerEpoch?: number;
  /** Seconds since training started, at the projection; and the trial's CPU seconds (absent: not measured). */
  elapsedS: number;
  elapsedCpuS?: number;
  /** Durations of the profiled steps (after the boundary, or after warm-up), seconds; and their CPU seconds. */
  stepDurationsS: number[];
  stepCpuS?: number[];
  /** Measured cost of one epoch end (validation, shuffling), seconds and CPU seconds (the latter kept for the record). */
  epochEndS?: number;
  epochEndCpuS?: number;
  /**
   * Without a measured epoch end: the validation pass as a share of an epoch's steps,
   * (validation rows / training rows) / 3.
   */
  epochOverheadShare?: number;
}

export interface Projection {
  atFraction: number;
  projectedDurationS: number;
  projectedEnergyJ: number;
  /** The trial's projected CPU time, seconds (null: not measured). */
  projectedCpuS: number | null;
  /** ± relative half-width of the interval (about 90%). */
  intervalRel: number;
  /** Whose energy was projected: the trial's own (attributed), or the machine's (no CPU time). */
  energyOf?: 'trial' | 'machine';
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Projects the whole training from a profile, the energy measured so far and, without CPU time, the profile's power. */
export function project(profile: StepProfile, energySoFarJ: number, profileEnergyJ: number, profileDurationS: number): Projection {
  const crossed = profile.epochEndS !== undefined && profile.stepsPerEpoch !== undefined;
  // one epoch: the later half of the post-warm-up steps (the first still run slow)
  const steps = crossed ? profile.stepDurationsS : profile.stepDurationsS.slice(Math.floor(profile.stepDurationsS.length / 2));
  const cpuSteps = profile.stepCpuS ? (crossed ? profile.stepCpuS : profile.stepCpuS.slice(Math.floor(profile.stepCpuS.length / 2))) : null;
  const stepS = mean(steps);
  const sd = Math.sqrt(steps.reduce((a, b) => a + (b - stepS) ** 2, 0) / Math.max(1, steps.length - 1));
  const remainingSteps = profile.totalSteps - profile.step;
  const epochsLeft = profile.stepsPerEpoch ? Math.max(0, Math.ceil(profile.totalSteps / profile.stepsPerEpoch) - Math.floor(profile.step / profile.stepsPerEpoch)) : 0;
  const share = profile.epochOverheadShare ?? 0;
  const endS = crossed ? Math.max(0, profile.epochEndS!) : share * stepS * (profile.stepsPerEpoch ?? 0);
  const remainingS = crossed || profile.stepsPerEpoch ? remainingSteps * stepS + epochsLeft * endS : remainingSteps * stepS * (1 + share);
  const projectedDurationS = profile.elapsedS + remainingS;
  let projectedCpuS: number | null = null;
  let projectedEnergyJ: number;
  if (cpuSteps && profile.elapsedCpuS && profile.elapsedCpuS > 0) {
    const stepCpu = mean(cpuSteps);
    // The first epoch end also compiles the validation pass's code on background threads: its
    // CPU time overstates the next ones (measured: +20–40% on whole projections), its wall time
    // much less. So an epoch end costs its wall time at the steps' CPU per wall second.
    const endCpu = crossed ? Math.max(0, profile.epochEndS!) * (stepCpu / Math.max(stepS, 1e-12)) : share * stepCpu * (profile.stepsPerEpoch ?? 0);
    projectedCpuS = profile.elapsedCpuS + remainingSteps * stepCpu + epochsLeft * endCpu;
    projectedEnergyJ = (energySoFarJ * projectedCpuS) / profile.elapsedCpuS;
  } else {
    const powerW = profileDurationS > 0 ? profileEnergyJ / profileDurationS : 0;
    projectedEnergyJ = energySoFarJ + powerW * remainingS;
  }
  // sampling error of the mean step over the remaining share, plus a floor for what a profile
  // cannot see (the machine's other load changing, later epochs running faster): ±15%, from
  // bench:projection, where a ±5% floor held only 18 of 24 actuals. Wide rather than wrong.
  const rel = sd / Math.max(stepS, 1e-12) / Math.sqrt(Math.max(1, steps.length));
  const intervalRel = Math.min(1, PROJECTION_FLOOR_REL + 1.645 * rel * (remainingS / Math.max(projectedDurationS, 1e-12)));
  return { atFraction: profile.step / profile.totalSteps, projectedDurationS, projectedEnergyJ, projectedCpuS, intervalRel };
}
