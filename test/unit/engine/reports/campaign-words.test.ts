/** The campaign's sentences say what happened to every trial (walk 43). */
import { describe, expect, it } from 'vitest';
import { outsidePhasesText } from '../../../../src-main/engine/reports/render/text';
import type { EnergyReport } from '../../../../src-main/shared/report';

type Campaign = EnergyReport['campaign'];
const state = (trials: number) => ({ trials, windows: trials * 3, energyJ: 100 * trials, grossEnergyJ: 100 * trials, durationS: 3 * trials });
const run = (trial: number, st = 'complete') => ({ trial, state: st }) as Campaign['runs'][number];

function campaign(complete: number[], interrupted: { withWindows: number[]; of: number }, outsideTrials: number): Campaign {
  return {
    byState: { complete: state(complete.length), pruned: state(0), failed: state(0), interrupted: state(interrupted.of) },
    runs: [...complete.map((n) => run(n)), ...interrupted.withWindows.map((n) => run(n, 'interrupted'))],
    outsidePhases: { trials: outsideTrials, energyJ: 757, durationS: 30 },
  } as unknown as Campaign;
}

describe("the energy the trials' processes used outside their phases", () => {
  it("names a killed trial that recorded nothing as such, not as measured in its phases", () => {
    // 10 trials measured whole, 1 killed before it stored anything
    expect(outsidePhasesText(campaign([0, 1, 2, 3, 5, 6, 7, 8, 9, 10], { withWindows: [], of: 1 }, 10))).toBe(
      "; including 757 J that 10 of the 11 trials' processes (the other: one with nothing recorded) used outside their measured phases (start-up, imports, saving the model: 30 s)",
    );
    // one measured in its phases only (its process figure missing), and two killed
    expect(outsidePhasesText(campaign([0, 1, 2, 3], { withWindows: [4], of: 3 }, 4))).toContain(
      "4 of the 7 trials' processes (the others: one measured in its phases only, 2 with nothing recorded)",
    );
    expect(outsidePhasesText(campaign([0, 1, 2], { withWindows: [], of: 0 }, 3))).toContain("that the trials' processes used");
  });
});
