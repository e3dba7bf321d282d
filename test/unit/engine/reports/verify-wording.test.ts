/** What `ecopt verify` takes for rewording of a sentence, and what for a changed statement. */
import { describe, expect, it } from 'vitest';
import { sameStatement } from '../../../../src-main/engine/reports/index';

describe('verify: the same statement, worded otherwise', () => {
  it('takes the same figures and provenance words in other words', () => {
    expect(sameStatement('E = 75.8 mJ (measured), I = 380.95 gCO2e/kWh', 'E is 75.8 mJ, measured; I is 380.95 gCO2e/kWh')).toBe(true);
    expect(sameStatement('E = 75.8 mJ (measured)', 'E = 75.9 mJ (measured)')).toBe(false);
    expect(sameStatement('E = 75.8 mJ (measured)', 'E = 75.8 mJ (estimated)')).toBe(false);
  });

  it('takes a figure an earlier build stated to fewer significant figures (3 or more) as the same', () => {
    expect(sameStatement('SCI: I = 380.9 gCO2e/kWh (Germany)', 'SCI: I = 380.95 gCO2e/kWh (Germany)')).toBe(true);
    expect(sameStatement('over 617,000 predictions in all', 'over 616,824 predictions in all')).toBe(true);
    // two figures are too few to call a rounding, and a rounding that does not hold is a change
    expect(sameStatement('a share of 0.38 here', 'a share of 0.3812 here')).toBe(false);
    expect(sameStatement('SCI: I = 381.9 gCO2e/kWh (Germany)', 'SCI: I = 380.95 gCO2e/kWh (Germany)')).toBe(false);
  });

  it('reads a target named by its column number as a name, not a figure', () => {
    expect(sameStatement('Model #7: RMSE 17.95, energy 20.3 µJ.', 'Model #7: RMSE 17.95 (in the units of the target (column 3)), energy 20.3 µJ.')).toBe(true);
  });
});
