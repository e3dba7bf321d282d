import { describe, expect, it } from 'vitest';
import { CALIBRATION_MIN_TRIALS, DURATION_FLOOR_REL, HELPER_CPU_CARRIED, PROJECTION_FLOOR_REL, project, projectionCalibration } from '../../../../src-main/engine/trials/projection';

describe('short-profile projection', () => {
  it('projects a steady run exactly: time per step × steps left, at the profiled power', () => {
    const p = project({ step: 10, totalSteps: 100, elapsedS: 1.5, stepDurationsS: new Array(8).fill(0.1) }, 30, 16, 0.8);
    // 90 steps left at 0.1 s, 20 W while profiling
    expect(p.projectedDurationS).toBeCloseTo(1.5 + 9, 9);
    expect(p.projectedEnergyJ).toBeCloseTo(30 + 20 * 9, 9);
    expect(p.atFraction).toBe(0.1);
    // no epoch boundary profiled: the floor is doubled
    expect(p.intervalRel).toBeCloseTo(2 * PROJECTION_FLOOR_REL, 9);
    expect(p.projectedCpuS).toBeNull();
  });

  it('ignores slow early steps, counts the per-epoch validation pass, and widens the interval with noisy steps', () => {
    const slowStart = project({ step: 10, totalSteps: 100, elapsedS: 2, stepDurationsS: [0.5, 0.4, 0.1, 0.1, 0.1, 0.1] }, 0, 10, 1);
    expect(slowStart.projectedDurationS).toBeCloseTo(2 + 90 * 0.1, 9);
    const withValidation = project({ step: 10, totalSteps: 100, elapsedS: 2, stepDurationsS: [0.1, 0.1], epochOverheadShare: 0.1 }, 0, 10, 1);
    expect(withValidation.projectedDurationS).toBeCloseTo(2 + 90 * 0.1 * 1.1, 9);
    const noisy = project({ step: 10, totalSteps: 100, elapsedS: 1, stepDurationsS: [0.1, 0.1, 0.05, 0.2, 0.08, 0.15] }, 0, 10, 1);
    expect(noisy.intervalRel).toBeGreaterThan(0.25);
  });

  it('past the first epoch boundary: steps after it, each epoch end measured apart, energy by the trial\'s CPU time', () => {
    const p = project(
      { step: 60, totalSteps: 200, stepsPerEpoch: 50, elapsedS: 8, elapsedCpuS: 7, stepDurationsS: new Array(9).fill(0.1), stepCpuS: new Array(9).fill(0.09), epochEndS: 0.5, epochEndCpuS: 0.4 },
      70,
      0,
      0,
    );
    // 140 steps and 3 epoch ends (epochs 2, 3 and 4) left
    expect(p.projectedDurationS).toBeCloseTo(8 + 140 * 0.1 + 3 * 0.5, 9);
    // an epoch end costs its wall time at the steps' CPU per wall second (0.9): its own CPU time
    // (0.4) includes compiling the validation pass, once
    expect(p.projectedCpuS).toBeCloseTo(7 + 140 * 0.09 + 3 * 0.5 * 0.9, 9);
    // the energy so far, scaled by CPU time: the wall clock (stretched by other programs) does not enter
    expect(p.projectedEnergyJ).toBeCloseTo((70 * (7 + 140 * 0.09 + 3 * 0.5 * 0.9)) / 7, 9);
    expect(p.atFraction).toBe(0.3);
    // steady steps past a boundary: the interval is its floors
    expect(p.intervalRel).toBeCloseTo(PROJECTION_FLOOR_REL, 9);
    expect(p.durationIntervalRel).toBeCloseTo(DURATION_FLOOR_REL, 9);
  });

  it('a run of one epoch counts its single validation pass once', () => {
    const p = project({ step: 10, totalSteps: 100, stepsPerEpoch: 100, elapsedS: 1, stepDurationsS: [0.1, 0.1], epochOverheadShare: 0.1 }, 0, 10, 1);
    expect(p.projectedDurationS).toBeCloseTo(1 + 90 * 0.1 + 0.1 * 0.1 * 100, 9);
  });

  it("counts the main thread's CPU time per step and half of the helper threads' (their rate falls as the trial warms)", () => {
    const profile = { step: 60, totalSteps: 200, stepsPerEpoch: 50, elapsedS: 8, elapsedCpuS: 10, stepDurationsS: new Array(9).fill(0.1), stepCpuS: new Array(9).fill(0.14), epochEndS: 0.5 };
    const withMain = project({ ...profile, stepMainCpuS: new Array(9).fill(0.1) }, 100, 0, 0);
    const stepCpu = 0.1 + HELPER_CPU_CARRIED * 0.04;
    expect(withMain.projectedCpuS).toBeCloseTo(10 + 140 * stepCpu + 3 * 0.5 * (stepCpu / 0.1), 9);
    expect(withMain.projectedEnergyJ).toBeCloseTo((100 * withMain.projectedCpuS!) / 10, 9);
    // without it (not Linux), all of the profiled CPU time is carried
    expect(project(profile, 100, 0, 0).projectedCpuS).toBeCloseTo(10 + 140 * 0.14 + 3 * 0.5 * 1.4, 9);
    // a main thread reading above the whole (clock skew) never raises the cost
    expect(project({ ...profile, stepMainCpuS: new Array(9).fill(0.2) }, 100, 0, 0).projectedCpuS).toBeCloseTo(10 + 140 * 0.14 + 3 * 0.5 * 1.4, 9);
  });

  it("is calibrated on the study's finished trials: the median of actual / projected remainders, scaling the next one's remainder", () => {
    // three trials whose remainders took 0.8, 0.9 and 1.0 of the projected time, 0.85–0.95 of the energy
    const stored = [0.8, 0.9, 1.0].map((r) => ({ madeAtS: 2, energyAtJ: 20, projectedDurationS: 12, projectedEnergyJ: 120, actualDurationS: 2 + 10 * r, actualEnergyJ: 20 + 100 * (r - 0.05), intervalRel: 0.1, atFraction: 1 / 6 }));
    expect(projectionCalibration(stored.slice(0, CALIBRATION_MIN_TRIALS - 1))).toBeNull();
    const c = projectionCalibration([...stored, null, { madeAtS: 'x' }])!;
    expect(c.n).toBe(3);
    expect(c.durationRatio).toBeCloseTo(0.9, 9);
    expect(c.energyRatio).toBeCloseTo(0.85, 9);
    const profile = { step: 60, totalSteps: 200, stepsPerEpoch: 50, elapsedS: 8, elapsedCpuS: 10, stepDurationsS: new Array(9).fill(0.1), stepCpuS: new Array(9).fill(0.1), epochEndS: 0.5 };
    const plain = project(profile, 100, 0, 0);
    const calibrated = project(profile, 100, 0, 0, c);
    expect(calibrated.projectedDurationS - 8).toBeCloseTo((plain.projectedDurationS - 8) * 0.9, 9);
    expect(calibrated.projectedEnergyJ - 100).toBeCloseTo((plain.projectedEnergyJ - 100) * 0.85, 9);
    expect(calibrated).toMatchObject({ madeAtS: 8, energyAtJ: 100, calibration: c });
    // a calibrated projection, once finished, is compared uncalibrated: the ratios do not compound
    const again = [0, 1, 2].map(() => ({ ...calibrated, actualDurationS: 8 + (plain.projectedDurationS - 8) * 0.9, actualEnergyJ: 100 + (plain.projectedEnergyJ - 100) * 0.85 }));
    expect(projectionCalibration(again)).toMatchObject({ durationRatio: expect.closeTo(0.9, 9), energyRatio: expect.closeTo(0.85, 9) });
  });
});
