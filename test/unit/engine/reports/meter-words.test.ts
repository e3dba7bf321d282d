import { describe, expect, it } from 'vitest';
import { meterWords } from '../../../../src-main/engine/reports/meter-words';

const amd = { id: 'amd_energy', domains: [], status: 'unavailable', detail: 'no amd_energy hwmon' } as const;

describe('meter words', () => {
  it('does not tell an AMD EPYC machine that amd_energy is for other processors', () => {
    expect(meterWords({ ...amd, domains: [] }, 'AMD EPYC 7B13')).toMatch(/although this machine's processor \(AMD EPYC 7B13\) is an AMD server processor .* virtual machine .* amd_energy driver/);
    expect(meterWords({ ...amd, domains: [] }, 'Intel(R) Xeon(R) Gold 6330')).toMatch(/only on AMD server processors .* No action needed unless this is such a machine/);
  });
});
