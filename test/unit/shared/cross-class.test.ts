import { describe, expect, it } from 'vitest';
import { agreementLines } from '../../../src-main/cli/present';
import type { StudyRow } from '../../../src-main/engine/store/store';
import { configKey, crossClassAgreement } from '../../../src-main/shared/cross-class';
import type { TrialRecord } from '../../../src-main/shared/types';

let next = 0;
function trial(cls: string, units: number, energy: number, state: TrialRecord['state'] = 'complete'): TrialRecord & { hardwareClass: string } {
  const n = next++;
  return {
    id: n,
    number: n,
    state,
    params: { units, lr: 0.01 },
    metrics: { accuracy: 0.9, infer_energy_j_per_sample: energy },
    retryOf: null,
    backend: 'wasm',
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    failure: null,
    hardwareClass: cls,
  };
}

const study = {
  id: 1,
  name: 's',
  objectives: [
    { metric: 'accuracy', direction: 'maximize', unit: '' },
    { metric: 'infer_energy_j_per_sample', direction: 'minimize', unit: 'J' },
  ],
} as unknown as StudyRow;

describe('same configurations, several machines', () => {
  it('ranks the configurations both classes measured: ρ = 1 when the faster machine is uniformly cheaper, with the ratio of joules', () => {
    const units = [16, 32, 64, 128, 256];
    const trials = [
      ...units.map((u) => trial('aaaa0001', u, u * 1e-6)),
      ...units.map((u) => trial('bbbb0002', u, u * 2.5e-6)),
      trial('bbbb0002', 999, 1), // measured on one class only: not in the comparison
      trial('aaaa0001', 512, 1, 'failed'),
    ];
    const a = crossClassAgreement(trials, ['infer_energy_j_per_sample']);
    expect(a.classes).toEqual(['aaaa0001', 'bbbb0002']);
    expect(a.shared).toBe(5);
    expect(a.pairs).toHaveLength(1);
    const p = a.pairs[0]!;
    expect(p.n).toBe(5);
    expect(p.spearman).toBeCloseTo(1, 12);
    expect(p.medianRatio).toBeCloseTo(2.5, 12);
    expect(p.spearmanCi![0]).toBeGreaterThan(0.5);
    expect(agreementLines(study, trials).join('\n')).toMatch(/aaaa0001 vs bbbb0002, Inference energy per prediction: Spearman ρ = 1\.00 \[.*\], n = 5; bbbb0002 measures ×2\.5 the joules of aaaa0001/);
  });

  it('sees a reversed ranking, averages a configuration measured twice on one class, and keys configurations by value not key order', () => {
    expect(configKey({ a: 1, b: 'x' })).toBe(configKey({ b: 'x', a: 1 }));
    const trials = [
      trial('a', 1, 1), trial('a', 2, 2), trial('a', 3, 3), trial('a', 4, 4),
      trial('b', 1, 4), trial('b', 2, 3), trial('b', 3, 2), trial('b', 4, 0.5), trial('b', 4, 1.5),
    ];
    const p = crossClassAgreement(trials, ['infer_energy_j_per_sample']).pairs[0]!;
    expect(p.n).toBe(4);
    expect(p.spearman).toBeCloseTo(-1, 12);
  });

  it('says so when no configuration was measured on two classes, and says nothing for a one-class study', () => {
    const two = [trial('a', 1, 1), trial('b', 2, 2)];
    expect(agreementLines(study, two)).toEqual([expect.stringMatching(/no configuration has been measured on more than one hardware class yet/)]);
    expect(agreementLines(study, [trial('a', 1, 1), trial('a', 2, 2)])).toEqual([]);
    const few = crossClassAgreement([trial('a', 1, 1), trial('b', 1, 2)], ['infer_energy_j_per_sample']).pairs[0]!;
    expect(few).toMatchObject({ n: 1, spearman: null, spearmanCi: null });
  });
});
