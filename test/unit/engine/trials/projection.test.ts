import { describe, expect, it } from 'vitest';
import { project } from '../../../../src-main/engine/trials/projection';

describe('short-profile projection', () => {
  it('projects a steady run exactly: time per step × steps left, at the profiled power', () => {
    const p = project({ step: 10, totalSteps: 100, elapsedS: 1.5, stepDurationsS: new Array(8).fill(0.1) }, 30, 16, 0.8);
    // 90 steps left at 0.1 s, 20 W while profiling
    expect(p.projectedDurationS).toBeCloseTo(1.5 + 9, 9);
    expect(p.projectedEnergyJ).toBeCloseTo(30 + 20 * 9, 9);
    expect(p.atFraction).toBe(0.1);
    expect(p.intervalRel).toBeCloseTo(0.15, 9);
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
  });

  it('a run of one epoch counts its single validation pass once', () => {
    const p = project({ step: 10, totalSteps: 100, stepsPerEpoch: 100, elapsedS: 1, stepDurationsS: [0.1, 0.1], epochOverheadShare: 0.1 }, 0, 10, 1);
    expect(p.projectedDurationS).toBeCloseTo(1 + 90 * 0.1 + 0.1 * 0.1 * 100, 9);
  });
});
