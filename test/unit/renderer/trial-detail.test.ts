/** The trial detail's words: a warning once with the phases it touched, the hardware class by its label. */
import { describe, expect, it } from 'vitest';
import { hardwareClassText, mergeFlags } from '../../../src-renderer/src/trial-detail';
import { intensityText } from '../../../src-renderer/src/format';

describe('the trial detail', () => {
  const baseline = { kind: 'net-meaningless', message: 'the idle baseline was taken while other programs kept the CPU 38% busy' };

  it('shows a warning that every phase carries once, listing the phases', () => {
    const merged = mergeFlags([
      { phase: 'train', flags: [baseline] },
      { phase: 'infer', flags: [baseline, { kind: 'noisy', message: 'spread 30%' }] },
      { phase: 'evaluate', flags: [baseline] },
    ]);
    expect(merged).toEqual([
      { ...baseline, phases: ['train', 'infer', 'evaluate'] },
      { kind: 'noisy', message: 'spread 30%', phases: ['infer'] },
    ]);
    // a re-measured infer window adds no second "infer"
    expect(mergeFlags([{ phase: 'infer', flags: [baseline] }, { phase: 'infer', flags: [baseline] }])).toEqual([{ ...baseline, phases: ['infer'] }]);
    expect(mergeFlags([{ phase: 'train', flags: [] }])).toEqual([]);
  });

  it('names the hardware class by its label, keeping the id after it', () => {
    expect(hardwareClassText('eb6f0ade', 'AMD EPYC · estimate')).toEqual({ text: 'hardware class AMD EPYC · estimate (eb6f0ade)', id: 'eb6f0ade' });
    expect(hardwareClassText('eb6f0ade', undefined).text).toBe('hardware class eb6f0ade');
    expect(hardwareClassText('eb6f0ade', 'inventory not recorded').text).toBe('hardware class eb6f0ade');
  });

  it('writes a grid intensity as the reports do: gCO2e/kWh, four significant figures', () => {
    expect(intensityText(56.039)).toBe('56.04 gCO2e/kWh');
    expect(intensityText(475)).toBe('475 gCO2e/kWh');
  });
});
