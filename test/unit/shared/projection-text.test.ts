import { describe, expect, it } from 'vitest';
import { projectionText } from '../../../src-main/shared/format';

describe('the running trial\'s projection in words', () => {
  it('gives the margin to two significant figures in the figure\'s own unit, and never "about 0s"', () => {
    expect(projectionText({ energyJ: 33, intervalRel: 0.2176, remainingS: 12.4 })).toBe('projected: training 33 J ± 7.2 J, training ends in about 12s');
    expect(projectionText({ energyJ: 1530, intervalRel: 0.15, remainingS: 0.2 })).toBe('projected: training 1.53 kJ ± 0.23 kJ, training ends in under a second');
  });
});
