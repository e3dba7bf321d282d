/** The campaign's sentences say what happened to every trial (walk 43). */
import { describe, expect, it } from 'vitest';
import { batchRepeatsText, outsidePhasesText, pueText } from '../../../../src-main/engine/reports/render/text';
import { campaignFigures, type CampaignWindow } from '../../../../src-main/engine/reports/campaign';
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

describe('trials measured at once', () => {
  const est = { method: 'estimated' as const, source: 'cpu-tdp-estimate', model: 'tdp', inputs: {}, uncertaintyRel: 0.6 };
  let id = 0;
  const win = (trial: number | null, startS: number, durationS: number): CampaignWindow => ({
    trial: trial === null ? null : { number: trial, state: 'complete' },
    window: { id: ++id, trialId: trial, phase: trial === null ? 'idle' : 'train', startedAtMs: startS * 1000, durationS, samples: null, domains: [{ domain: 'cpu-package', energyJ: 10, attributedEnergyJ: 10, provenance: est }] },
  });
  it('are found from the windows, not from the runs\' summed times (walk 44: a sequential study was said to run "at once")', () => {
    // one process: a baseline, then trials one after another, a trial's phases back to back
    const sequential = [win(null, 0, 10), win(0, 12, 5), win(0, 17, 1), win(1, 20, 30), win(1, 50, 1), win(2, 60, 2)];
    expect(campaignFigures(sequential, 400).concurrent).toBe(false);
    // two workers: trial 3 starts while trial 2 trains
    expect(campaignFigures([...sequential, win(3, 61, 4)], 400).concurrent).toBe(true);
    // a baseline taken by one worker while another's trial runs
    expect(campaignFigures([win(0, 0, 30), win(null, 10, 10)], 400).concurrent).toBe(true);
    // windows that touch within 50 ms are one after another
    expect(campaignFigures([win(0, 0, 1), win(1, 0.97, 1)], 400).concurrent).toBe(false);
  });
});

describe('the inference batch, as stated', () => {
  it('is the whole set where the set is smaller than the batch size (walk 45: "batch 256" for 75 rows)', () => {
    expect(batchRepeatsText({ batchSize: 256, repeats: 3274, samples: 245_550 })).toBe('batch up to 256 (one batch of 75: the whole set), 3274 repeats');
    expect(batchRepeatsText({ batchSize: 256, repeats: 25, samples: 10_000 })).toBe('batch 256, 25 repeats');
    expect(batchRepeatsText({ batchSize: null, repeats: null, samples: 100 })).toBe('batching and repeats not reported');
  });
});

describe('a PUE of 1', () => {
  it('says it counts no facility overhead and is the default (walk 45: "PUE | 1", nothing said)', () => {
    expect(pueText(1)).toMatch(/^1 \(the IT equipment's energy alone, no facility overhead; 1 is also the default when --pue is not given/);
    expect(pueText(1.2)).toBe('1.2');
  });
});
