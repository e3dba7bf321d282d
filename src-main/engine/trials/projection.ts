/**
 * Short-profile projection of a trial's whole training, made while it trains. Epoch 0 is
 * warm-up (compilation, V8's tier-up, the first validation pass) and is left out of the costs;
 * the built-in trainer profiles whole epochs from epoch 1 (with 3 or more epochs: until the
 * profile has lasted PROFILE_MIN_S, or before half of the epochs are done; half of epoch 1 with
 * 2) and measures the once-per-epoch work (the validation pass, shuffling) at each boundary,
 * apart from the steps. Time and the trial's CPU time are projected alike:
 *
 *   total = so far + steps left × mean cost per step + epoch ends left × cost per epoch end
 *
 * and the energy as the window's energy so far × projected CPU time / CPU time so far: the
 * trial's energy follows its CPU time (meters/attribution.ts), which other programs' load does
 * not stretch as it stretches wall time. Where the main thread's CPU time is known, a step's
 * CPU cost is the main thread's plus half of the helper threads' (V8's garbage collector and
 * compiler): their rate falls as the trial warms, so epoch 1's overstates the rest (measured
 * on 24 traced trials here: counting all of it overstated the whole by 6% on average, up to
 * 29%; half of it: −1% on average, median |error| 3%). A run of one epoch has no boundary: its
 * per-step cost comes from the later half of the steps after warm-up, and the epoch end from
 * the validation share (a forward pass costs about a third of a training step per sample).
 */
import { projectionCheck } from '../../shared/projection-check';
import { median } from '../../shared/stats';

/** The least relative half-width a projection's interval states. */
export const PROJECTION_FLOOR_REL = 0.1;

/** The least time a profile of whole epochs lasts before projecting (past epoch 1, up to half the epochs): shorter ones are this machine's timing noise. */
export const PROFILE_MIN_S = 1;

/** The least relative half-width of the duration's interval: wall time also moves with other programs' load. */
export const DURATION_FLOOR_REL = 0.15;

/** The share of the profiled helper-thread CPU time carried into the rest of the training (see above). */
export const HELPER_CPU_CARRIED = 0.5;

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
  /** The main thread's CPU seconds of the same steps (absent where it cannot be read). */
  stepMainCpuS?: number[];
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
  /** ± relative half-width of the energy's interval (about 90%). */
  intervalRel: number;
  /** ± relative half-width of the duration's interval (about 90%; absent in older records: intervalRel). */
  durationIntervalRel?: number;
  /** Whose energy was projected: the trial's own (attributed), or the machine's (no CPU time). */
  energyOf?: 'trial' | 'machine';
  /** Seconds of training and joules measured when it was made (what calibrates later ones). */
  madeAtS?: number;
  energyAtJ?: number;
  /** The study's calibration applied to the projected remainder, when it had one. */
  calibration?: ProjectionCalibration;
}

/**
 * How a study's finished trials' remainders turned out against their projections: the median
 * of actual / projected for the time and the energy still to come at the projection. Later
 * epochs of a trial often run faster than the profiled ones (V8 keeps optimising; caches and
 * allocators settle), by an amount that is much the same across one study's trials on one
 * machine: measured over bench:projection's traced trials, the time projected from the profile
 * alone overstated the actual by 6.5% on average, and by 2% once the remainder was scaled by the
 * median of the trials before it.
 */
export interface ProjectionCalibration {
  /** Finished trials it comes from. */
  n: number;
  durationRatio: number;
  energyRatio: number;
}

/** Trials needed before a study's projections are calibrated, and the most recent ones used. */
export const CALIBRATION_MIN_TRIALS = 3;
export const CALIBRATION_TRIALS = 20;

/** The calibration from finished trials' stored projections (attrs.train_projection), or null with fewer than CALIBRATION_MIN_TRIALS usable ones. */
export function projectionCalibration(stored: readonly unknown[]): ProjectionCalibration | null {
  const durations: number[] = [];
  const energies: number[] = [];
  for (const c of stored.slice(-CALIBRATION_TRIALS).map(projectionCheck)) {
    if (!c || c.madeAtS === null || c.energyAtJ === null) continue;
    // the stored projection is calibrated already: its uncalibrated remainder is what is compared
    const projectedS = (c.projectedS - c.madeAtS) / c.durationRatio;
    const projectedJ = (c.projectedJ - c.energyAtJ) / c.energyRatio;
    if (projectedS <= 0 || projectedJ <= 0) continue;
    durations.push((c.actualS - c.madeAtS) / projectedS);
    energies.push((c.actualJ - c.energyAtJ) / projectedJ);
  }
  if (durations.length < CALIBRATION_MIN_TRIALS) return null;
  const clamp = (x: number) => Math.min(2, Math.max(0.5, x));
  return { n: durations.length, durationRatio: clamp(median(durations)!), energyRatio: clamp(median(energies)!) };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Projects the whole training from a profile, the energy measured so far and, without CPU time, the profile's power. */
export function project(profile: StepProfile, energySoFarJ: number, profileEnergyJ: number, profileDurationS: number, calibration: ProjectionCalibration | null = null): Projection {
  const crossed = profile.epochEndS !== undefined && profile.stepsPerEpoch !== undefined;
  // one epoch: the later half of the post-warm-up steps (the first still run slow)
  const steps = crossed ? profile.stepDurationsS : profile.stepDurationsS.slice(Math.floor(profile.stepDurationsS.length / 2));
  const later = (xs: number[]) => (crossed ? xs : xs.slice(Math.floor(xs.length / 2)));
  const cpuSteps = profile.stepCpuS ? later(profile.stepCpuS) : null;
  const mainSteps = profile.stepMainCpuS && profile.stepCpuS && profile.stepMainCpuS.length === profile.stepCpuS.length ? later(profile.stepMainCpuS) : null;
  const stepS = mean(steps);
  const sd = Math.sqrt(steps.reduce((a, b) => a + (b - stepS) ** 2, 0) / Math.max(1, steps.length - 1));
  const remainingSteps = profile.totalSteps - profile.step;
  const epochsLeft = profile.stepsPerEpoch ? Math.max(0, Math.ceil(profile.totalSteps / profile.stepsPerEpoch) - Math.floor(profile.step / profile.stepsPerEpoch)) : 0;
  const share = profile.epochOverheadShare ?? 0;
  const endS = crossed ? Math.max(0, profile.epochEndS!) : share * stepS * (profile.stepsPerEpoch ?? 0);
  const remainingS = (crossed || profile.stepsPerEpoch ? remainingSteps * stepS + epochsLeft * endS : remainingSteps * stepS * (1 + share)) * (calibration?.durationRatio ?? 1);
  const projectedDurationS = profile.elapsedS + remainingS;
  let projectedCpuS: number | null = null;
  let projectedEnergyJ: number;
  if (cpuSteps && profile.elapsedCpuS && profile.elapsedCpuS > 0) {
    const allCpu = mean(cpuSteps);
    const stepCpu = mainSteps ? Math.min(allCpu, mean(mainSteps) + HELPER_CPU_CARRIED * Math.max(0, allCpu - mean(mainSteps))) : allCpu;
    // The first epoch end also compiles the validation pass's code on background threads: its
    // CPU time overstates the next ones (measured: +20–40% on whole projections), its wall time
    // much less. So an epoch end costs its wall time at the steps' CPU per wall second.
    const endCpu = crossed ? Math.max(0, profile.epochEndS!) * (stepCpu / Math.max(stepS, 1e-12)) : share * stepCpu * (profile.stepsPerEpoch ?? 0);
    projectedCpuS = profile.elapsedCpuS + (remainingSteps * stepCpu + epochsLeft * endCpu) * (calibration?.energyRatio ?? 1);
    projectedEnergyJ = (energySoFarJ * projectedCpuS) / profile.elapsedCpuS;
  } else {
    const powerW = profileDurationS > 0 ? profileEnergyJ / profileDurationS : 0;
    // remainingS is calibrated already; the energy's own ratio replaces the duration's
    projectedEnergyJ = energySoFarJ + (powerW * remainingS * (calibration?.energyRatio ?? 1)) / (calibration?.durationRatio ?? 1);
  }
  // sampling error of the mean step over the remaining share, plus a floor for what a profile
  // cannot see (the machine's other load changing, the helper threads' rate): ±10%, which held
  // 23 of 24 actuals of the traced trials (±8%: 22, ±5%: 20).
  const rel = sd / Math.max(stepS, 1e-12) / Math.sqrt(Math.max(1, steps.length));
  const sampling = 1.645 * rel * (remainingS / Math.max(projectedDurationS, 1e-12));
  // a profile inside the first epoch sees neither an epoch's end nor the steps past warm-up's
  // tail: its floors are doubled (bench:projection measures only profiles of whole epochs)
  const floor = crossed ? 1 : 2;
  const intervalRel = Math.min(1, floor * PROJECTION_FLOOR_REL + sampling);
  const durationIntervalRel = Math.min(1, floor * DURATION_FLOOR_REL + sampling);
  return {
    atFraction: profile.step / profile.totalSteps,
    projectedDurationS,
    projectedEnergyJ,
    projectedCpuS,
    intervalRel,
    durationIntervalRel,
    madeAtS: profile.elapsedS,
    energyAtJ: energySoFarJ,
    ...(calibration ? { calibration } : {}),
  };
}
