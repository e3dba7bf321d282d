import { perJouleText } from '../../../../src-main/engine/reports/render/text';
import { describe, expect, it } from 'vitest';
import { meterWords } from '../../../../src-main/engine/reports/meter-words';

const amd = { id: 'amd_energy', domains: [], status: 'unavailable', detail: 'no amd_energy hwmon' } as const;

describe('meter words', () => {
  it('does not tell an AMD EPYC machine that amd_energy is for other processors', () => {
    expect(meterWords({ ...amd, domains: [] }, 'AMD EPYC 7B13')).toMatch(/although this machine's processor \(AMD EPYC 7B13\) is an AMD server processor .* virtual machine .* amd_energy driver/);
    expect(meterWords({ ...amd, domains: [] }, 'Intel(R) Xeon(R) Gold 6330')).toMatch(/only on AMD server processors .* No action needed unless this is such a machine/);
  });
});

describe('predictions per joule in the reports', () => {
  it('is a number, or says why there is none: never 0 for a model whose own inference energy was 0 J', () => {
    expect(perJouleText(1234.5678, 'predictions')).toBe('1,235 predictions per joule');
    expect(perJouleText(null, 'samples')).toBe("samples per joule: not a number (this model's own inference energy was 0 J; see the warnings)");
  });
});
