/** What `ecopt show` prints above its tables. */
import { describe, expect, it } from 'vitest';
import { objectivesLine } from '../../../src-main/cli/present';

describe('ecopt show', () => {
  it('heads the objectives in the units the tables print: accuracy in %, limits too', () => {
    const objectives = [
      { metric: 'accuracy' as const, direction: 'maximize' as const, unit: 'fraction', threshold: 0.9 },
      { metric: 'infer_energy_j_per_sample' as const, direction: 'minimize' as const, unit: 'J', threshold: 0.002 },
    ];
    expect(objectivesLine({ objectives })).toBe('Objectives: Accuracy (%) maximize, limit 90.0%; Inference energy per sample (J) minimize, limit 2 mJ');
  });
});
