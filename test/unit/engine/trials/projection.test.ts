import { describe, expect, it } from 'vitest';
import { project } from '../../../../src-main/engine/trials/projection';

describe('short-profile projection', () => {
  it('projects a steady run exactly: time per step × steps left, at the profiled power', () => {
    const p = project({ step: 10, totalSteps: 100, elapsedS: 1.5, stepDurationsS: new Array(8).fill(0.1) }, 30, 16, 0.8);
    // 90 steps left at 0.1 s, 20 W while profiling
    expect(p.projectedDurationS).toBeCloseTo(1.5 + 9, 9);
    expect(p.projectedEnergyJ).toBeCloseTo(30 + 20 * 9, 9);
    expect(p.atFraction).toBe(0.1);
    expect(p.intervalRel).toBeCloseTo(0.03, 9);
  });

  it('ignores slow early steps, counts the per-epoch validation pass, and widens the interval with noisy steps', () => {
    const slowStart = project({ step: 10, totalSteps: 100, elapsedS: 2, stepDurationsS: [0.5, 0.4, 0.1, 0.1, 0.1, 0.1] }, 0, 10, 1);
    expect(slowStart.projectedDurationS).toBeCloseTo(2 + 90 * 0.1, 9);
    const withValidation = project({ step: 10, totalSteps: 100, elapsedS: 2, stepDurationsS: [0.1, 0.1], epochOverheadShare: 0.1 }, 0, 10, 1);
    expect(withValidation.projectedDurationS).toBeCloseTo(2 + 90 * 0.1 * 1.1, 9);
    const noisy = project({ step: 10, totalSteps: 100, elapsedS: 1, stepDurationsS: [0.1, 0.1, 0.05, 0.2, 0.08, 0.15] }, 0, 10, 1);
    expect(noisy.intervalRel).toBeGreaterThan(0.1);
  });
});
