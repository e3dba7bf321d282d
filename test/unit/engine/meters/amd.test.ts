import { describe, expect, it } from 'vitest';
import { detectAmdEnergy, detectAmdGpu } from '../../../../src-main/engine/meters/amd';
import { detectMeters } from '../../../../src-main/engine/meters/detect';
import { MeterSet } from '../../../../src-main/engine/meters/meter-set';
import { hwmonTree } from '../../../helpers/sysfs';
import { tmpDir } from '../../../helpers/tmp';

describe('AMD hwmon', () => {
  it('reads amdgpu energy1_input where present and integrates power1_average otherwise', () => {
    const tree = hwmonTree([
      { name: 'k10temp', files: { temp1_input: 40000 } },
      { name: 'amdgpu', files: { energy1_input: 5_000_000, power1_average: 1 } },
      { name: 'amdgpu', files: { power1_average: 50_000_000 } },
    ]);
    const d = detectAmdGpu(tree.root);
    if (!d.ok) throw new Error(d.info.detail);
    expect(d.meter.domains).toEqual(['gpu:amd0', 'gpu:amd1']);
    const clock = { now: 0 };
    const set = new MeterSet([d.meter], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    for (let i = 1; i <= 10; i++) {
      clock.now += 100;
      tree.set(1, 'energy1_input', 5_000_000 + i * 20_000_000); // 200 W
      set.poll();
    }
    const w = set.end('w', 'train');
    expect(w.domains[0]).toMatchObject({ domain: 'gpu:amd0', energyJ: expect.closeTo(200, 6), provenance: { method: 'measured', counter: expect.stringMatching(/hwmon1\/energy1_input$/) } });
    expect(w.domains[1]).toMatchObject({ domain: 'gpu:amd1', energyJ: expect.closeTo(50, 6), provenance: { method: 'measured', counter: expect.stringMatching(/power1_average \(average power, integrated/) } });
  });

  it('reads the amd_energy CPU driver per socket, skipping per-core counters', () => {
    const tree = hwmonTree([
      {
        name: 'amd_energy',
        files: { energy1_label: 'Ecore000', energy1_input: 1, energy17_label: 'Esocket0', energy17_input: 1_000_000, energy18_label: 'Esocket1', energy18_input: 2_000_000 },
      },
    ]);
    const d = detectAmdEnergy(tree.root);
    if (!d.ok) throw new Error(d.info.detail);
    expect(d.meter.domains).toEqual(['cpu-package:0', 'cpu-package:1']);
    const clock = { now: 0 };
    const set = new MeterSet([d.meter], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    clock.now += 1000;
    tree.set(0, 'energy17_input', 91_000_000);
    const w = set.end('w', 'train');
    expect(w.domains.map((x) => x.energyJ)).toEqual([90, 0]);
  });

  it('lets a measured CPU counter replace the estimate', () => {
    const tree = hwmonTree([{ name: 'amd_energy', files: { energy1_label: 'Esocket0', energy1_input: 1 } }]);
    const dir = tmpDir();
    const r = detectMeters({ hwmonRoot: tree.root, powercapRoot: dir, env: { ECOPT_NVML_LIBRARY: '/nonexistent.so' }, nvidiaSmi: '/nonexistent' });
    expect(r.meters.map((m) => m.id)).toEqual(['amd_energy']);
    expect(r.estimatedOnly).toBe(false);
  });
});
