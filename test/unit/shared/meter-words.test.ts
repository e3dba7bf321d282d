import { describe, expect, it } from 'vitest';
import { domainWords, meterName, meterStatusWords } from '../../../src-main/shared/meter-words';
import { detectMeters } from '../../../src-main/engine/meters/detect';

describe('meter words', () => {
  it('names every meter the engine can report in plain words', () => {
    // on a machine with none of them, every source is reported, unavailable
    const { meters, report } = detectMeters({ powercapRoot: '/nonexistent/powercap', hwmonRoot: '/nonexistent/hwmon', env: {}, nvidiaSmi: '/nonexistent/nvidia-smi' });
    for (const m of meters) m.close();
    expect(report.map((m) => m.id)).toEqual(['rapl', 'amd_energy', 'nvml', 'nvidia-smi', 'amdgpu', 'cpu-tdp-estimate']);
    for (const m of report) expect(meterName(m.id)).not.toBe(m.id);
    expect(meterName('something-new')).toBe('The something-new energy source');
  });
  it('reads domains and statuses in words', () => {
    expect(['cpu-package:0', 'cpu-package', 'dram:1', 'gpu:2', 'gpu:amd0', 'platform:psys', 'odd'].map(domainWords)).toEqual([
      'CPU package 0',
      'CPU package',
      'memory (socket 1)',
      'graphics card 2',
      'AMD graphics card 0',
      'whole platform',
      'odd',
    ]);
    expect(['ok', 'unavailable', 'error', 'unused', 'new'].map(meterStatusWords)).toEqual(['in use', 'not on this machine', 'found, but cannot be read', 'not needed (another source already reads it)', 'new']);
  });
});
